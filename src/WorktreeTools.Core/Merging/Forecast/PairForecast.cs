using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Forecast;

/// <summary>One issue as the pairwise forecast sees it: the commit to compare (its branch tip, or a snapshot of its worktree) and its base.</summary>
public sealed record ForecastIssue(string Issue, string Branch, string Commit, string BaseName, string BaseCommit, bool Uncommitted = false);

/// <summary>
/// Get-IssueConflict's engine: every pair of issues, and each issue against its base, forecast in one
/// <c>git merge-tree --stdin</c> batch (<see cref="MergeForecast"/>), each conflict classified and checked against the
/// merge policies. A pair of issues is merged as "the later issue into the earlier one", an issue and its base as
/// Merge-IssueWorktree would merge it (the issue into the base).
/// </summary>
public static class PairForecast
{
    public static IReadOnlyList<IssueConflict> Run(string root, MergeSettings settings, IReadOnlyList<ForecastIssue> issues)
    {
        var pairs = new List<(ForecastIssue Issue, ForecastIssue? Other, string Ours, string Theirs)>();
        for (var a = 0; a < issues.Count; a++)
        {
            pairs.Add((issues[a], null, issues[a].BaseCommit, issues[a].Commit));
            for (var b = a + 1; b < issues.Count; b++) pairs.Add((issues[a], issues[b], issues[a].Commit, issues[b].Commit));
        }
        using var graph = new GitGraph(root);
        var raw = MergeForecast.Run(graph, pairs.Select(p => (p.Ours, p.Theirs)).ToList());

        // The policies as the real run applies them (a merge of the later issue onto the earlier one, of an issue onto its
        // base). Migrations can only change a merge that conflicts where a migration plan could decide: those are built
        // again, the incoming side renamed first, in one more batch; the others keep their merge.
        var policies = new ForecastPolicies(root, settings, graph);
        string OntoName(int k) => pairs[k].Other is null ? pairs[k].Issue.BaseName : pairs[k].Issue.Branch;
        var again = Enumerable.Range(0, pairs.Count).Where(k => policies.MayNeedMigrations(raw[k])).ToList();
        var rebuilt = policies.Merge(again.Select(k => (pairs[k].Ours, pairs[k].Theirs, OntoName(k))).ToList(), renameFirst: true);
        var outcomes = new PolicyOutcome?[pairs.Count];
        for (var i = 0; i < again.Count; i++) outcomes[again[i]] = rebuilt[i];

        var result = new List<IssueConflict>(pairs.Count);
        for (var k = 0; k < pairs.Count; k++)
        {
            var (issue, other, ours, theirs) = pairs[k];
            var files = raw[k].Conflicts.ToList();
            var outcome = raw[k].Clean ? null : outcomes[k] ?? policies.Resolve(raw[k], OntoName(k));
            if (outcome is not null)
            {
                // A path gone from the rebuilt merge was resolved by renaming the incoming migrations.
                var left = outcome.Merge.ConflictFiles.ToHashSet(StringComparer.Ordinal);
                files = files.Select(f => f with
                {
                    Policy = outcome.ResolvedBy.GetValueOrDefault(f.Path) ?? (left.Contains(f.Path) ? null : "Migrations"),
                }).ToList();
            }
            var status = outcome is null ? ConflictStatus.Clean : outcome.Tree is null ? ConflictStatus.Conflict : ConflictStatus.Resolved;
            var texts = outcome?.Policies.Select(p => p.ToString()).ToList() ?? [];
            result.Add(new IssueConflict
            {
                Issue = issue.Issue,
                Branch = issue.Branch,
                Other = other?.Issue ?? issue.BaseName,
                OtherBranch = other?.Branch ?? issue.BaseName,
                OtherIsBase = other is null,
                Status = status,
                Files = files,
                Policies = texts,
                IncludesUncommitted = issue.Uncommitted || other?.Uncommitted == true,
                Commit = issue.Commit,
                OtherCommit = other?.Commit ?? issue.BaseCommit,
            });
        }
        return result;
    }
}
