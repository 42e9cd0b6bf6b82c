using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Forecast;

/// <summary>The forecast of one issue of a train.</summary>
/// <param name="Status">WouldMerge, WouldConflict or UpToDate.</param>
/// <param name="Result">The forecast result (a dangling commit) the next issue is forecast onto; null unless WouldMerge.</param>
/// <param name="Detail">Why a policy could not resolve the conflicts, as the real run would say it; or null.</param>
internal sealed record ForecastOutcome(MergeStatus Status, IReadOnlyList<string> ConflictFiles, IReadOnlyList<MergePolicy> Policies, string? Result, string? Detail);

/// <summary>
/// The dry run of a merge train (Merge-IssueWorktree -WhatIf): each issue is forecast on top of the forecast results of
/// the issues before it, with the policies the real run applies (<see cref="ForecastPolicies"/>), and a predicted conflict
/// ejects that issue and the train goes on, as the real run does with -ContinueOnError. Each result is a tree and a
/// dangling commit (a merge commit for the Merge strategy, so later merge bases are the real ones); nothing a user can see
/// is written: no ref, no checkout, no worktree, no lock file.
/// </summary>
/// <remarks>
/// Rebase and CherryPick are forecast as the combined change of the issue (git 2.39's merge-tree cannot replay a commit
/// on its own), so a replay that stops at one commit can differ; the result's message says so.
/// </remarks>
/// <param name="regenerate">See <see cref="ForecastPolicies"/>: the real run's regenerate commands, approval included.</param>
internal sealed class TrainForecast(string root, MergeSettings settings, string baseName, Func<string, IReadOnlyList<string>, IEnumerable<string>>? regenerate = null) : IDisposable
{
    private readonly GitGraph _graph = new(root);
    private string? _chainedOn;
    private string? _tip;

    /// <summary>
    /// The commit the next issue is forecast onto: the forecast result of the issues before it, as long as the real base is
    /// still where the chain started (a real merge in between — a -Confirm answered yes — starts a new chain on it).
    /// </summary>
    public string Onto(string realBase) => _tip is not null && _chainedOn == realBase ? _tip : realBase;

    /// <summary>The first issue whose conflict is forecast: the real run without -ContinueOnError stops there.</summary>
    public string? FirstConflict { get; private set; }

    /// <summary>Forecasts <paramref name="issueTip"/> merged by <paramref name="strategy"/> onto <see cref="Onto"/>(<paramref name="realBase"/>).</summary>
    public ForecastOutcome Next(string issue, string realBase, string issueTip, MergeStrategy strategy)
    {
        var onto = Onto(realBase);
        if (onto == realBase) (_chainedOn, _tip) = (realBase, null);
        var policies = new ForecastPolicies(root, settings, _graph, regenerate);
        var merge = policies.Merge([(onto, issueTip, baseName)], renameFirst: strategy is MergeStrategy.Merge or MergeStrategy.Squash)[0];
        if (merge.Tree is null)
        {
            FirstConflict ??= issue;
            return new ForecastOutcome(MergeStatus.WouldConflict, merge.Conflicts, merge.Policies, null, merge.Failure);
        }
        var (tree, reported) = (merge.Tree, merge.Policies.ToList());
        if (strategy is MergeStrategy.Rebase or MergeStrategy.CherryPick)
        {
            var renamed = policies.RenameResult(onto, tree, baseName);
            tree = renamed.Tree;
            reported.AddRange(renamed.Policies);
        }
        // Squash, Rebase and CherryPick add nothing when the changes are all there already; a --no-ff merge commits anyway.
        if (strategy != MergeStrategy.Merge && tree == _graph.TreeOf(onto))
            return new ForecastOutcome(MergeStatus.UpToDate, [], reported, null, null);
        _tip = ForecastTree.Commit(root, tree, strategy == MergeStrategy.Merge ? [onto, merge.Incoming] : [onto], $"WorktreeTools forecast: issue {issue}");
        return new ForecastOutcome(MergeStatus.WouldMerge, [], reported, _tip, null);
    }

    public void Dispose() => _graph.Dispose();
}
