using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Core.Merging.Queue;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// Merges issue branches back into their base (Merge-IssueWorktree): one issue, or a train of issues through the merge
/// queue (<see cref="MergeQueue"/>: batches built one merge on another, gated once, bisected when red). Every merge is
/// built and tested where the user never looks (as git objects, or in a private staging worktree); the base only moves
/// to a result that is final, so a conflict, a failing test, a rejected push or a crash leaves the base and the user's
/// checkout exactly as they were.
/// </summary>
public sealed class MergeEngine
{
    private readonly WorktreeConfig _config;
    private readonly IOperationHost _host;
    private readonly TrustStore _trust;

    public MergeEngine(WorktreeConfig config, IOperationHost host, TrustStore? trust = null)
    {
        _config = config;
        _host = host;
        _trust = trust ?? new TrustStore();
    }

    /// <summary>Merges one issue. Checklist failures (dirty worktree, stale base, ...) throw <see cref="WorktreeToolsException"/>.</summary>
    public MergeResult Merge(MergeOptions options, IssueToMerge issue) => Train(options, [issue])[0];

    /// <summary>
    /// Merges <paramref name="issues"/> in order. A failing issue (Conflicted, TestFailed, InstallFailed, HookRefused,
    /// PushRejected, or an error) stops the train — the rest are reported as Skipped — unless
    /// <see cref="MergeOptions.ContinueOnError"/> ejects it and goes on. A dry run (ShouldProcess declined) forecasts each issue
    /// on top of the forecasts before it (<see cref="DryRun"/>) and goes on past a forecast conflict. With
    /// <see cref="TrainOrder.Planned"/> the issues go in the order that lands the most (<see cref="TrainPlanner"/>), each result
    /// saying why. Each result is also passed to <paramref name="onResult"/> as soon as it and every one before it are known;
    /// errors go to <paramref name="onError"/> (without it they are thrown, ending the train).
    /// </summary>
    public IReadOnlyList<MergeResult> Train(MergeOptions options, IReadOnlyList<IssueToMerge> issues,
        Action<MergeResult>? onResult = null, Action<IssueToMerge, WorktreeToolsException>? onError = null)
    {
        GitCli.EnsureVersion();
        var root = RepositoryInfo.Normalize(options.RepositoryRoot);
        var strategy = options.Strategy ?? ParseStrategy(_config.Merge.Strategy);
        var baseName = options.Into ?? _config.Worktrees.Base;
        IReadOnlyList<string?>? reasons = null;
        if (options.Order == TrainOrder.Planned && issues.Count > 1)
        {
            _host.Progress(1, $"Merging {issues.Count} issue(s) into {baseName} ({strategy})", "planning the order", 0);
            var baseTip = RemoteBase.Read(root, baseName, options.Remote ?? _config.Worktrees.Remote, fetch: false).Newest;
            var plan = TrainPlanner.Plan(root, _config.Merge, baseName, baseTip, issues, strategy);
            (issues, reasons) = (plan.Select(p => p.Issue).ToList(), plan.Select(p => (string?)p.Reason).ToList());
        }
        // The lock is taken when the first issue is really merged: a dry run writes nothing, not even the lock file.
        using var session = MergeSession.Open(root, options.LockTimeout, _host, lazy: true);
        using var graph = new GitGraph(root);
        var context = TrainContext.Open(_config, _host, _trust, session, options, strategy, baseName, graph);
        using var queue = new MergeQueue(context, issues, onResult, onError, reasons);
        return queue.Run();
    }

    public static MergeStrategy ParseStrategy(string text) =>
        Enum.TryParse<MergeStrategy>(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var s)
            ? s
            : throw new WorktreeToolsException("MergeStrategyUnknown", ErrorKind.InvalidArgument,
                $"'{text}' is not a merge strategy; use Merge, Squash, Rebase or CherryPick.", text);
}
