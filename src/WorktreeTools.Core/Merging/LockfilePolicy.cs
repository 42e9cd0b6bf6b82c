using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>Which side of a conflict is the base: "ours" when building on the base, "theirs" when merging the base into a branch.</summary>
internal enum BaseSide { Ours, Theirs }

/// <summary>The outcome of trying the lockfile policy on a set of conflicts.</summary>
internal sealed record LockfileResolution(bool Resolved, MergePolicy? Policy, string? Failure)
{
    public static readonly LockfileResolution NotApplicable = new(false, null, null);
}

/// <summary>
/// The lockfile policy (the workflow document's "git checkout --ours pnpm-lock.yaml; pnpm install"): when every
/// conflicted file is a lockfile, take the base's version, run the regenerate command (configured, or the
/// package manager that owns the lockfile), stage the regenerated file and let the operation continue.
/// </summary>
/// <remarks>
/// The regenerate command is repository code either way: merge.lockfiles.regenerate, or the package manager's install,
/// which runs the install scripts of the package.json files the merged result holds. Both must be approved
/// (<c>CommandNotApproved</c> otherwise, before the lockfile is touched; nothing lands).
/// </remarks>
internal sealed class LockfilePolicy(WorktreeConfig config, TrustStore trust, MergeCommandRunner runner)
{
    private readonly LockfileSettings settings = config.Merge.Lockfiles;

    /// <summary>True when the policy is on and every one of <paramref name="conflicts"/> is a lockfile (also what the dry run predicts).</summary>
    public static bool OnlyLockfiles(LockfileSettings settings, IReadOnlyCollection<string> conflicts) =>
        settings.Enabled && conflicts.Count > 0 && conflicts.All(c => settings.Files.Contains(Path.GetFileName(c), StringComparer.Ordinal));

    /// <summary>True when every one of <paramref name="conflicts"/> is a lockfile this policy regenerates.</summary>
    public bool Handles(IReadOnlyCollection<string> conflicts) => OnlyLockfiles(settings, conflicts);

    public LockfileResolution TryResolve(string worktree, IReadOnlyList<string> conflicts, BaseSide side, string baseName)
    {
        if (!OnlyLockfiles(settings, conflicts)) return LockfileResolution.NotApplicable;
        var stage = side == BaseSide.Ours ? "2" : "3";
        var stages = GitCli.Read(worktree, ["ls-files", "-u", "-z", "--", .. conflicts]).Output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var withBase = stages.Select(s => s.Split('\t', 2)).Where(p => p.Length == 2 && p[0].Split(' ')[2] == stage).Select(p => p[1]).ToHashSet();
        if (Obstacle(conflicts, withBase, regenerateConfigured: settings.Regenerate is not null, baseName) is { } why) return Failure(why);

        var runs = Commands(config, trust, CheckoutFiles.Folder(worktree), worktree, conflicts);

        GitCli.Run(worktree, ["checkout", side == BaseSide.Ours ? "--ours" : "--theirs", "--", .. conflicts]);
        foreach (var (command, dir) in runs)
        {
            var exit = runner.Run(command, dir, "regenerate");
            if (exit != 0) return Failure($"The lockfile regenerate command '{command}' failed (exit code {exit}); see {runner.LogPath}.");
        }
        GitCli.Run(worktree, ["add", "--", .. conflicts]);
        var detail = $"{string.Join(", ", conflicts)}: took {baseName}'s and regenerated with '{string.Join("', '", runs.Select(r => r.Command.Text).Distinct())}'";
        return new LockfileResolution(true, new MergePolicy("Lockfile", detail), null);
    }

    /// <summary>
    /// The regenerate commands for <paramref name="lockfiles"/> in the checkout <paramref name="worktree"/> whose files
    /// are <paramref name="files"/>, and the folder each runs in; <c>CommandNotApproved</c> when one is not approved
    /// (also what a forecast asks, of the merged tree's files).
    /// </summary>
    public static List<(MergeCommand Command, string Dir)> Commands(WorktreeConfig config, TrustStore trust, CheckoutFiles files, string worktree,
        IReadOnlyList<string> lockfiles) =>
        (config.Merge.Lockfiles.Regenerate is { } configured
            ? [(configured, worktree)]
            : lockfiles.Select(lockfile => (RepositoryCommands.DetectedInstall("merge.lockfiles.regenerate", PackageManager.ForLockfile(lockfile)!, files),
                Path.GetDirectoryName(Path.Combine(worktree, lockfile))!)))
        .Select(r => (Command: MergeCommand.FromConfig(config, trust, r.Item1), Dir: r.Item2)).ToList();

    /// <summary>
    /// Why the policy cannot take these lockfile conflicts, or null when it can: a lockfile the base deleted
    /// (<paramref name="withBase"/> lists those the base side has), or one no command regenerates. Also what a forecast asks.
    /// </summary>
    public static string? Obstacle(IReadOnlyCollection<string> conflicts, IReadOnlySet<string> withBase, bool regenerateConfigured, string baseName)
    {
        if (conflicts.Where(c => !withBase.Contains(c)).ToList() is { Count: > 0 } deleted)
            return $"{string.Join(", ", deleted)} was deleted on {baseName}; the lockfile policy only regenerates lockfiles both sides have.";
        if (!regenerateConfigured && conflicts.FirstOrDefault(c => PackageManager.ForLockfile(c) is null) is { } unknown)
            return $"No regenerate command is configured for {unknown} (merge.lockfiles.regenerate).";
        return null;
    }

    private static LockfileResolution Failure(string why) => new(false, null, why);
}
