using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Migrations;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Forecast;

/// <summary>One merge forecast with the policies applied.</summary>
/// <param name="Merge">The merge as built (of the renumbered incoming side, when it was renumbered).</param>
/// <param name="Incoming">What was merged: the incoming commit, or a dangling commit of it with its migrations renamed.</param>
/// <param name="Tree">The result when the policies resolve every conflict (or there was none); null when the merge would stop.</param>
/// <param name="Conflicts">The conflicts no policy resolves (empty when <paramref name="Tree"/> is set), sorted.</param>
/// <param name="ResolvedBy">Conflicted paths of <paramref name="Merge"/> a policy resolves, and which (<c>Migrations</c>, <c>Lockfile</c>).</param>
/// <param name="Policies">What the real run would report: what the policies did, or (on a conflict) what acted before it stopped.</param>
/// <param name="Failure">Why the lockfile policy could not act although only lockfiles conflict.</param>
internal sealed record PolicyOutcome(MergeForecast Merge, string Incoming, string? Tree, IReadOnlyList<string> Conflicts,
    IReadOnlyDictionary<string, string> ResolvedBy, IReadOnlyList<MergePolicy> Policies, string? Failure);

/// <summary>
/// The merge policies as a forecast applies them, in the order the real run does (<see cref="StagedBuilder"/>,
/// <see cref="ConflictDriver"/>), through <see cref="MigrationPolicy"/>'s own plans applied to trees: for Merge and Squash
/// the incoming side's migrations renamed first; at a stop, the plan of what comes in resolving the conflicts it covers
/// when what is left is for the lockfile policy; then the lockfile policy when every conflict left is a lockfile the base
/// side has (its lockfile is taken; the regenerate command is not run by a forecast).
/// </summary>
/// <param name="regenerate">The regenerate commands the real run would run for the lockfiles of a merged tree (throwing what
/// it would throw, e.g. <c>CommandNotApproved</c>); null: the configured command, else each lockfile's package manager's install.</param>
internal sealed class ForecastPolicies(string root, MergeSettings settings, GitGraph graph, Func<string, IReadOnlyList<string>, IEnumerable<string>>? regenerate = null)
{
    private readonly MigrationPolicy _migrations = new(settings.Migrations);

    /// <summary>True when a migration plan could resolve one of the conflicts of <paramref name="merge"/>.</summary>
    public bool MayNeedMigrations(MergeForecast merge) => !merge.Clean && merge.ConflictFiles.Any(_migrations.MayCover);

    /// <summary>
    /// Each of <paramref name="merges"/> (theirs merged onto onto, the base side, called <c>OntoName</c> in messages) as the
    /// real run builds it, in one merge-tree batch. <paramref name="renameFirst"/>: the incoming side's migrations are renamed before the merge
    /// (Merge, Squash); otherwise a rebase or cherry-pick renames the result (see <see cref="RenameResult"/>).
    /// </summary>
    public IReadOnlyList<PolicyOutcome> Merge(IReadOnlyList<(string Onto, string Theirs, string OntoName)> merges, bool renameFirst)
    {
        var first = merges.Select(m => renameFirst ? RenameIncoming(m.Onto, m.Theirs, m.OntoName) : (m.Theirs, MigrationPlan.Empty)).ToList();
        var built = MergeForecast.Run(graph, merges.Select((m, i) => (m.Onto, first[i].Item1)).ToList());
        return built.Select((merge, i) => Resolve(merge, first[i].Item2, merges[i].OntoName)).ToList();
    }

    /// <summary>The policies on a merge already forecast, its incoming side as it is.</summary>
    public PolicyOutcome Resolve(MergeForecast merge, string ontoName) => Resolve(merge, MigrationPlan.Empty, ontoName);

    /// <summary>Rebase and CherryPick: the migrations the replayed <paramref name="tree"/> brings, renamed to follow <paramref name="onto"/>'s.</summary>
    public (string Tree, IReadOnlyList<MergePolicy> Policies) RenameResult(string onto, string tree, string baseName)
    {
        var replayed = ForecastTree.Commit(root, tree, [onto], "WorktreeTools forecast: replayed");
        var plan = _migrations.Plan(root, onto, onto, replayed, baseName);
        return (plan.ApplyToTree(root, tree), plan.Policies(forecast: true).ToList());
    }

    private (string, MigrationPlan) RenameIncoming(string onto, string theirs, string baseName)
    {
        if (graph.MergeBase(onto, theirs) is not { } fork) return (theirs, MigrationPlan.Empty);
        var plan = _migrations.Plan(root, onto, fork, theirs, baseName);
        if (!plan.HasChanges) return (theirs, plan);
        return (ForecastTree.Commit(root, plan.ApplyToTree(root, graph.TreeOf(theirs)!), [theirs], "WorktreeTools forecast: renamed migrations"), plan);
    }

    private PolicyOutcome Resolve(MergeForecast merge, MigrationPlan renamed, string baseName)
    {
        var (onto, incoming) = (merge.Ours, merge.Theirs);
        var done = renamed.Policies(forecast: true).ToList();
        var resolvedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        if (merge.Clean) return new PolicyOutcome(merge, incoming, merge.Tree, [], resolvedBy, done, null);
        var tree = merge.Tree;
        var conflicts = merge.ConflictFiles.Order(StringComparer.Ordinal).ToList();
        var atStop = new List<MergePolicy>();
        if (MayNeedMigrations(merge) && graph.MergeBase(onto, incoming) is { } fork)
        {
            var plan = _migrations.Plan(root, onto, fork, incoming, baseName);
            var rest = conflicts.Where(c => !plan.Covers(c)).ToList();
            if (rest.Count < conflicts.Count && (rest.Count == 0 || LockfilePolicy.OnlyLockfiles(settings.Lockfiles, rest)))
            {
                tree = plan.ApplyToTree(root, tree);
                foreach (var c in conflicts.Where(plan.Covers)) resolvedBy[c] = "Migrations";
                atStop.AddRange(plan.Policies(forecast: true));
                conflicts = rest;
            }
        }
        if (conflicts.Count > 0)
        {
            if (!LockfilePolicy.OnlyLockfiles(settings.Lockfiles, conflicts))
                return new PolicyOutcome(merge, incoming, null, conflicts, resolvedBy, atStop, null);
            var ours = merge.Stages.Where(s => s.Stage == 2).ToDictionary(s => s.Path, StringComparer.Ordinal);
            if (LockfilePolicy.Obstacle(conflicts, ours.Keys.ToHashSet(StringComparer.Ordinal), settings.Lockfiles.Regenerate is not null, baseName) is { } why)
                return new PolicyOutcome(merge, incoming, null, conflicts, resolvedBy, atStop, why);
            var commands = regenerate?.Invoke(tree, conflicts)
                ?? (settings.Lockfiles.Regenerate is { } configured ? [configured.Text] : conflicts.Select(p => PackageManager.ForLockfile(p)!.InstallCommand));
            var command = string.Join("', '", commands.Distinct());
            tree = ForecastTree.Edit(root, tree, conflicts.Select(p => PathOperation.Put(p, ours[p].Mode, ours[p].Blob)).ToList());
            atStop.Add(new MergePolicy("Lockfile", $"{string.Join(", ", conflicts)}: would take {baseName}'s and regenerate with '{command}'"));
            foreach (var c in conflicts) resolvedBy[c] = "Lockfile";
        }
        return new PolicyOutcome(merge, incoming, tree, [], resolvedBy, done.Concat(atStop.Where(p => !done.Contains(p))).ToList(), null);
    }
}
