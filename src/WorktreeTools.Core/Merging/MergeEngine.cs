using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// Merges issue branches back into their base (Merge-IssueWorktree): one issue, or a train of issues merged one
/// after another, each onto the result of the previous. Every merge is built and tested in a private staging
/// worktree; the base only moves once the result is final, so a conflict, a failing test, a rejected push or a
/// crash leaves the base and the user's checkout exactly as they were.
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
    /// Merges <paramref name="issues"/> in order. A failing issue (Conflicted, TestFailed, PushRejected, or an error)
    /// stops the train — the rest are reported as Skipped — unless <see cref="MergeOptions.ContinueOnError"/> ejects it and
    /// goes on. A dry run (ShouldProcess declined) forecasts each issue on top of the forecasts before it (<see cref="TrainForecast"/>).
    /// With <see cref="TrainOrder.Planned"/> the issues go in the order that lands the most (<see cref="TrainPlanner"/>), each
    /// result saying why. Each result is also passed to <paramref name="onResult"/> as soon as it is known; errors go to
    /// <paramref name="onError"/> (without it they are thrown, ending the train).
    /// </summary>
    public IReadOnlyList<MergeResult> Train(MergeOptions options, IReadOnlyList<IssueToMerge> issues,
        Action<MergeResult>? onResult = null, Action<IssueToMerge, WorktreeToolsException>? onError = null)
    {
        GitCli.EnsureVersion();
        var root = RepositoryInfo.Normalize(options.RepositoryRoot);
        var baseName = options.Into ?? _config.Worktrees.Base;
        var strategy = options.Strategy ?? ParseStrategy(_config.Merge.Strategy);
        var activity = $"Merging {issues.Count} issue(s) into {baseName} ({strategy})";
        IReadOnlyList<PlannedIssue>? plan = null;
        if (options.Order == TrainOrder.Planned && issues.Count > 1)
        {
            _host.Progress(1, activity, "planning the order", 0);
            var baseTip = RemoteBase.Read(root, baseName, options.Remote ?? _config.Worktrees.Remote, fetch: false).Newest;
            plan = TrainPlanner.Plan(root, _config.Merge, baseName, baseTip, issues, strategy);
            issues = plan.Select(p => p.Issue).ToList();
        }
        var results = new List<MergeResult>();
        string? failed = null;
        using var session = MergeSession.Open(root, options.LockTimeout, _host, lazy: true);
        // The dry run asks for the lockfile's regenerate command as the real run does (approved, of the merged files).
        using var forecast = new TrainForecast(root, _config.Merge, baseName, (tree, lockfiles) =>
            LockfilePolicy.Commands(_config, _trust, CheckoutFiles.Commit(root, tree), root, lockfiles).Select(c => c.Command.Text));
        try
        {
            for (var i = 0; i < issues.Count; i++)
            {
                var issue = issues[i];
                var percent = i * 100 / issues.Count;
                void Phase(string what)
                {
                    _host.Cancellation.ThrowIfCancellationRequested();
                    _host.Progress(1, activity, $"issue {issue.Issue} ({i + 1}/{issues.Count}): {what}", percent);
                }
                MergeResult result;
                if (failed is not null)
                {
                    result = Skipped(issue, strategy, baseName, root, $"Not attempted: issue {failed} failed earlier in the train (use ContinueOnError to go on after a failure).");
                }
                else
                {
                    try
                    {
                        result = new IssueMerge(_config, _host, _trust, session, options, issue, strategy, baseName, forecast).Run(Phase);
                    }
                    catch (WorktreeToolsException ex) when (onError is not null)
                    {
                        onError(issue, ex);
                        if (!options.ContinueOnError) failed = issue.Issue;
                        continue;
                    }
                    // A dry run goes on past a forecast conflict, as the real run does with ContinueOnError (and says where it would stop).
                    if (!result.Succeeded && result.Status != MergeStatus.WouldConflict && !options.ContinueOnError) failed = issue.Issue;
                }
                result = result with { RepositoryRoot = root, OrderReason = plan?[i].Reason };
                results.Add(result);
                onResult?.Invoke(result);
            }
        }
        finally
        {
            _host.Progress(1, activity, "done", 100, completed: true);
        }
        return results;
    }

    public static MergeStrategy ParseStrategy(string text) =>
        Enum.TryParse<MergeStrategy>(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var s)
            ? s
            : throw new WorktreeToolsException("MergeStrategyUnknown", ErrorKind.InvalidArgument,
                $"'{text}' is not a merge strategy; use Merge, Squash, Rebase or CherryPick.", text);

    private static MergeResult Skipped(IssueToMerge issue, MergeStrategy strategy, string baseName, string root, string message)
    {
        var tip = GitQueries.ResolveCommit(root, "refs/heads/" + baseName) ?? "";
        return new MergeResult
        {
            Issue = issue.Issue, Branch = issue.Branch, Strategy = strategy, Status = MergeStatus.Skipped, Into = baseName,
            BaseBefore = tip, BaseAfter = tip, Message = message,
        };
    }
}
