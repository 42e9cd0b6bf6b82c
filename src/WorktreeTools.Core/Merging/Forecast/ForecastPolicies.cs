using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Forecast;

/// <summary>The lockfile policy's verdict on one forecast merge.</summary>
/// <param name="Tree">The merged tree with the base's lockfiles, when the policy resolves every conflict; else null.</param>
/// <param name="Failure">Why the policy could not act although only lockfiles conflict (the real run's reason).</param>
internal sealed record LockfileForecast(IReadOnlyList<ConflictFile> Files, string? Tree, MergePolicy? Policy, string? Failure);

/// <summary>
/// The merge policies as a forecast applies them, in the order the real run does (<see cref="StagedBuilder"/>,
/// <see cref="ConflictDriver"/>): the incoming side's new migrations renumbered first (by <see cref="MigrationPolicy"/>'s
/// own plan, applied to a tree), the merge, then the lockfile policy when every conflict left is a lockfile (the base's
/// lockfile is taken; the regenerate command is not run by a forecast).
/// </summary>
internal sealed class ForecastPolicies(string root, MergeSettings settings, GitGraph graph)
{
    private readonly MigrationPolicy _migrations = new(settings.Migrations);

    private readonly string _migrationsFolder = settings.Migrations.Directory?.Replace('\\', '/').Trim('/') + "/";

    /// <summary>True when <paramref name="path"/> is in the migrations folder (and the policy is on).</summary>
    public bool InMigrations(string path) =>
        _migrations.Enabled && path.StartsWith(_migrationsFolder, StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="theirs"/> as the real run merges it onto <paramref name="onto"/>: with its new migrations renumbered
    /// to follow <paramref name="onto"/>'s, as a dangling commit on top of it; <paramref name="theirs"/> itself when nothing collides.
    /// </summary>
    public (string Incoming, IReadOnlyList<FileRename> Renames) Renumber(string onto, string theirs)
    {
        if (!_migrations.Enabled || graph.MergeBase(onto, theirs) is not { } mergeBase) return (theirs, []);
        var renames = _migrations.Plan(root, onto, mergeBase, theirs);
        if (renames.Count == 0) return (theirs, renames);
        var edits = renames.SelectMany(r =>
        {
            var (mode, blob) = graph.Entry(theirs, r.Old)
                ?? throw new WorktreeToolsException("MergeForecastFailed", ErrorKind.InvalidOperation, $"{r.Old} is not in {theirs}.", theirs);
            return new[] { new TreeEdit(r.Old), new TreeEdit(r.New, mode, blob) };
        }).ToList();
        var tree = ForecastTree.Edit(root, graph.TreeOf(theirs)!, edits);
        return (ForecastTree.Commit(root, tree, [theirs], "WorktreeTools forecast: renumbered migrations"), renames);
    }

    /// <summary>
    /// The lockfile policy on <paramref name="merge"/> (built on the base side, "ours"): it acts when every conflict is a
    /// lockfile the base side has and a command can regenerate it, as <see cref="LockfilePolicy.TryResolve"/> decides.
    /// </summary>
    public LockfileForecast Lockfiles(MergeForecast merge, string baseName)
    {
        var paths = merge.ConflictFiles;
        if (merge.Clean || !LockfilePolicy.OnlyLockfiles(settings.Lockfiles, paths)) return new LockfileForecast(merge.Conflicts, merge.Clean ? merge.Tree : null, null, null);
        var ours = merge.Stages.Where(s => s.Stage == 2).ToDictionary(s => s.Path, StringComparer.Ordinal);
        var why = LockfilePolicy.Obstacle(paths, ours.Keys.ToHashSet(StringComparer.Ordinal), settings.Lockfiles.Regenerate is not null, baseName);
        if (why is not null) return new LockfileForecast(merge.Conflicts, null, null, why);
        var tree = ForecastTree.Edit(root, merge.Tree, paths.Select(p => new TreeEdit(p, ours[p].Mode, ours[p].Blob)).ToList());
        var command = settings.Lockfiles.Regenerate?.Text ?? string.Join("', '", paths.Select(p => PackageManager.ForLockfile(p)!.InstallCommand).Distinct());
        var policy = new MergePolicy("Lockfile", $"{string.Join(", ", paths)}: would take {baseName}'s and regenerate with '{command}'");
        return new LockfileForecast(merge.Conflicts.Select(f => f with { Policy = "Lockfile" }).ToList(), tree, policy, null);
    }
}
