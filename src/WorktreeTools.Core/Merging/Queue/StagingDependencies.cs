using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>How preparing the dependencies of a gate run went (the install's exit code and log when it ran).</summary>
internal sealed record DependencyOutcome(bool Ok, int? ExitCode, bool TimedOut, string? LogPath)
{
    /// <summary>Nothing to install, or what is installed already fits.</summary>
    public static readonly DependencyOutcome Ready = new(true, null, false, null);
}

/// <summary>
/// The dependencies installed in the staging worktree, and what decided them. Before each gate run the staging
/// worktree holds exactly the tested commit: every untracked and ignored file goes, except installed JavaScript
/// dependencies (<c>node_modules</c>, Yarn's Plug'n'Play files) and only while their fingerprint still fits — the
/// install command and the content of every package manifest, lockfile and package manager setting in the commit, and
/// of every local package a package.json names with <c>file:</c> (pnpm copies or hard-links their files into
/// node_modules, so a change to them alone changes what is installed).
/// When it does not fit (or nothing is installed yet) they are removed and the install command (<c>setup.install</c>,
/// or the detected package manager's) runs, into its own log. The package manager's own store or cache, outside the
/// worktree, is reused as it always is.
/// </summary>
internal sealed class StagingDependencies(TrainContext ctx)
{
    /// <summary>What decides what an install puts on disk.</summary>
    private static readonly string[] Manifests =
    [
        "package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc", "pnpm-lock.yaml", "pnpm-workspace.yaml", ".pnpmfile.cjs",
        "yarn.lock", ".yarnrc", ".yarnrc.yml", "bun.lock", "bun.lockb", "bunfig.toml",
    ];

    /// <summary>What an install puts in the worktree (gitignore patterns: node_modules at any depth).</summary>
    private static readonly string[] Installed = ["node_modules", "/.pnp.cjs", "/.pnp.loader.mjs", "/.yarn/unplugged", "/.yarn/install-state.gz"];

    /// <summary>Caches tools keep inside node_modules: results of an earlier run, never reused.</summary>
    private static readonly string[] Caches = ["node_modules/.cache", "node_modules/.vite", "node_modules/.vitest"];

    private string FingerprintFile => Path.Combine(ToolPaths.RepositoryStateDirectory(ctx.Root), "merge-staging.dependencies");

    /// <summary>Forgets what is installed (something other than the install changed the staging worktree's dependencies).</summary>
    public void Forget() => File.Delete(FingerprintFile);

    /// <summary>
    /// Checks, before anything is changed, that the install the gate will run may run: configured or detected from the
    /// base (its package manager's install, with the install scripts of its package.json files), it must be approved.
    /// </summary>
    public static void EnsureAllowed(WorktreeConfig config, TrustStore trust, string baseName)
    {
        var files = RepositoryCommands.Base(config, baseName) ?? CheckoutFiles.Folder(config.RepositoryRoot);
        if (RepositoryCommands.Install(config, files) is { } install) trust.EnsureTrusted(config, install);
    }

    /// <summary>Makes the staging worktree hold exactly <paramref name="commit"/> and the dependencies it names.</summary>
    public DependencyOutcome Prepare(StagingWorktree staging, string commit, Candidate last, IReadOnlyDictionary<string, string?> environment, string installLog)
    {
        staging.CheckoutExactly(commit, Installed);
        var command = InstallCommand(staging.Path);
        if (command is null)
        {
            RemoveInstalled(staging);
            return DependencyOutcome.Ready;
        }
        var fingerprint = Fingerprint(staging.Path, command);
        if (File.Exists(FingerprintFile) && File.ReadAllText(FingerprintFile) == fingerprint && Directory.Exists(Path.Combine(staging.Path, "node_modules")))
        {
            foreach (var cache in Caches)
                if (Directory.Exists(Path.Combine(staging.Path, cache))) Directory.Delete(Path.Combine(staging.Path, cache), recursive: true);
            return DependencyOutcome.Ready;
        }
        Forget();
        RemoveInstalled(staging);
        var outcome = last.Runner.RunTree(command, staging.Path, "install", installLog, ctx.Options.TestTimeout, environment);
        if (outcome.ExitCode != 0) return new DependencyOutcome(false, outcome.ExitCode, outcome.TimedOut, installLog);
        Directory.CreateDirectory(Path.GetDirectoryName(FingerprintFile)!);
        File.WriteAllText(FingerprintFile, fingerprint);
        return new DependencyOutcome(true, 0, false, installLog);
    }

    /// <summary>
    /// The install of the tested commit (<c>setup.install</c>, else its package manager's, with its install scripts), or
    /// null; <c>CommandNotApproved</c> when the commit's scripts make it one the user has not approved.
    /// </summary>
    private MergeCommand? InstallCommand(string folder) =>
        RepositoryCommands.Install(ctx.Config, CheckoutFiles.Folder(folder)) is { } install ? MergeCommand.FromConfig(ctx.Config, ctx.Trust, install) : null;

    private static string Fingerprint(string folder, MergeCommand command)
    {
        var manifests = Listing(folder, Manifests.Select(m => ":(glob)**/" + m));
        var local = LocalPackages(folder, manifests).Select(p => ":(literal)" + p).ToList();
        var text = command.Text + "\n" + string.Join("\n", manifests.Concat(local.Count == 0 ? [] : Listing(folder, local)).Order(StringComparer.Ordinal));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }

    /// <summary>The index entries (<c>mode object stage\tpath</c>) of the files matching <paramref name="pathspecs"/>.</summary>
    private static List<string> Listing(string folder, IEnumerable<string> pathspecs) =>
        GitQueries.SplitZ(GitCli.Read(folder, ["ls-files", "-s", "-z", "--", .. pathspecs]).Output).ToList();

    /// <summary>The repository paths (folders or tarballs) that the package.json files among <paramref name="entries"/> depend on with <c>file:</c>.</summary>
    private static List<string> LocalPackages(string folder, IEnumerable<string> entries)
    {
        var paths = new List<string>();
        foreach (var manifest in entries.Select(e => e[(e.IndexOf('\t') + 1)..]).Where(p => Path.GetFileName(p) == "package.json"))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, manifest)));
                if (doc.RootElement.ValueKind != JsonValueKind.Object) continue;
                foreach (var section in new[] { "dependencies", "devDependencies", "optionalDependencies" })
                {
                    if (!doc.RootElement.TryGetProperty(section, out var deps) || deps.ValueKind != JsonValueKind.Object) continue;
                    foreach (var dep in deps.EnumerateObject())
                    {
                        if (dep.Value.ValueKind != JsonValueKind.String || dep.Value.GetString() is not { } spec || !spec.StartsWith("file:", StringComparison.Ordinal)) continue;
                        var target = Path.GetRelativePath(folder, Path.GetFullPath(Path.Combine(folder, Path.GetDirectoryName(manifest)!, spec["file:".Length..])));
                        if (target != ".." && !target.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(target))
                            paths.Add(target.Replace(Path.DirectorySeparatorChar, '/'));
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON: the install will say so; its text is in the fingerprint already.
            }
        }
        return paths;
    }

    private static void RemoveInstalled(StagingWorktree staging) =>
        GitCli.Run(staging.Path, ["clean", "-ffdxq", "--", .. Installed.Select(p => ":(glob)" + (p.StartsWith('/') ? p[1..] : "**/" + p))]);
}
