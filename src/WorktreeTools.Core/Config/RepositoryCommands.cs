using System.Text.Json;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Config;

/// <summary>
/// The commands a repository decides, configured or detected. A detected command is repository code too: its
/// package manager runs the package.json scripts the checkout holds (and the dependencies its lockfile names), so
/// it needs approval like a configured one, with those scripts in view: a change to them asks again.
/// </summary>
public static class RepositoryCommands
{
    /// <summary>The package.json scripts an install runs (npm, pnpm, yarn and bun run the ones they know of these).</summary>
    private static readonly string[] InstallScripts = ["preinstall", "install", "postinstall", "preprepare", "prepare", "postprepare"];

    /// <summary>
    /// The install a checkout gets: <c>setup.install</c>, else its package manager's install (detected from the
    /// lockfile, with the install scripts of every tracked package.json), else null; null too with <c>install: none</c>.
    /// </summary>
    public static ConfiguredCommand? Install(WorktreeConfig config, CheckoutFiles files) =>
        !config.Setup.InstallEnabled ? null
        : config.Setup.Install ?? (PackageManager.Detect(files) is { } manager ? DetectedInstall("setup.install", manager, files) : null);

    /// <summary>The install of <paramref name="manager"/> as a detected command under <paramref name="key"/> (also the lockfile policy's regeneration).</summary>
    public static ConfiguredCommand DetectedInstall(string key, PackageManager manager, CheckoutFiles files) =>
        new(key, manager.InstallCommand, ConfigSource.Detected)
        {
            Scripts = files.Tracked("package.json").SelectMany(p => Scripts(files, p, InstallScripts)).ToList(),
        };

    /// <summary>
    /// The dev server command: <c>devServer.command</c>, else the package.json "dev" script run by the lockfile's
    /// package manager (detected, with predev/dev/postdev in view), else null.
    /// </summary>
    public static ConfiguredCommand? DevServer(WorktreeConfig config, CheckoutFiles files)
    {
        if (config.DevServer.Command is { } configured) return configured;
        var scripts = Scripts(files, "package.json", ["predev", "dev", "postdev"]);
        if (!scripts.Any(s => s.StartsWith("package.json: dev:", StringComparison.Ordinal)) || PackageManager.Detect(files) is not { } manager)
            return null;
        return new ConfiguredCommand("devServer.command", manager.RunCommand("dev"), ConfigSource.Detected) { Scripts = scripts };
    }

    /// <summary>
    /// The lockfile policy's regeneration when none is configured: the install of the package manager whose lockfile the
    /// checkout has (detected, run by merges and syncs on a lockfile conflict); null when the policy is off or has a command.
    /// </summary>
    public static ConfiguredCommand? Regenerate(WorktreeConfig config, CheckoutFiles files) =>
        !config.Merge.Lockfiles.Enabled || config.Merge.Lockfiles.Regenerate is not null ? null
        : PackageManager.Detect(files) is { } manager && files.Exists(manager.Lockfile) ? DetectedInstall("merge.lockfiles.regenerate", manager, files) : null;

    /// <summary>
    /// Every command of the repository a user can approve from <paramref name="folder"/>: the configured ones,
    /// and the detected ones of that folder and of the base a new issue starts from (what New-IssueWorktree reads).
    /// </summary>
    public static IReadOnlyList<ConfiguredCommand> All(WorktreeConfig config, string folder)
    {
        var checkouts = new[] { CheckoutFiles.Folder(folder), Base(config) }.OfType<CheckoutFiles>();
        return TrustStore.Commands(config)
            .Concat(checkouts.SelectMany(f => new[] { Install(config, f), DevServer(config, f), Regenerate(config, f) }).OfType<ConfiguredCommand>())
            .DistinctBy(c => TrustStore.Hash(config.RepositoryRoot, c))
            .ToList();
    }

    /// <summary>The files of the commit a new issue starts from without fetching: the remote's base, else the local base; null when neither exists.</summary>
    public static CheckoutFiles? Base(WorktreeConfig config, string? baseName = null)
    {
        foreach (var candidate in new[] { $"refs/remotes/{config.Worktrees.Remote}/{baseName ?? config.Worktrees.Base}", $"refs/heads/{baseName ?? config.Worktrees.Base}" })
        {
            var r = GitCli.Read(config.RepositoryRoot, ["rev-parse", "--verify", "--quiet", candidate + "^{commit}"], check: false);
            if (r.Success) return CheckoutFiles.Commit(config.RepositoryRoot, r.Output.Trim());
        }
        return null;
    }

    /// <summary>The <paramref name="names"/> scripts of one package.json, as <c>path: name: text</c>.</summary>
    private static IReadOnlyList<string> Scripts(CheckoutFiles files, string packageJson, string[] names)
    {
        var text = files.Read(packageJson);
        if (text is null) return [];
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (!doc.RootElement.TryGetProperty("scripts", out var scripts) || scripts.ValueKind != JsonValueKind.Object) return [];
            return names.Where(n => scripts.TryGetProperty(n, out _))
                .Select(n => $"{packageJson}: {n}: {(scripts.GetProperty(n).ValueKind == JsonValueKind.String ? scripts.GetProperty(n).GetString() : scripts.GetProperty(n).GetRawText())}")
                .ToList();
        }
        catch (JsonException)
        {
            // A package manager would refuse it too; show it whole rather than nothing.
            return [$"{packageJson}: (not valid JSON) {text}"];
        }
    }
}
