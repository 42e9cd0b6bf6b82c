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
        var policies = new ForecastPolicies(root, settings, graph);
        var raw = MergeForecast.Run(graph, pairs.Select(p => (p.Ours, p.Theirs)).ToList());

        // Renumbering migrations changes only a merge that conflicts in the migrations folder: those are merged again,
        // renumbered as the real run would, in one more batch.
        var renumbered = new Dictionary<int, (MergeForecast Merge, IReadOnlyList<FileRename> Renames)>();
        var again = new List<(int Index, string Ours, string Incoming, IReadOnlyList<FileRename> Renames)>();
        for (var k = 0; k < pairs.Count; k++)
        {
            if (raw[k].Clean || !raw[k].ConflictFiles.Any(policies.InMigrations)) continue;
            var (incoming, renames) = policies.Renumber(pairs[k].Ours, pairs[k].Theirs);
            if (renames.Count > 0) again.Add((k, pairs[k].Ours, incoming, renames));
        }
        var merged = MergeForecast.Run(graph, again.Select(x => (x.Ours, x.Incoming)).ToList());
        for (var i = 0; i < again.Count; i++) renumbered[again[i].Index] = (merged[i], again[i].Renames);

        var result = new List<IssueConflict>(pairs.Count);
        for (var k = 0; k < pairs.Count; k++)
        {
            var (issue, other, ours, theirs) = pairs[k];
            var texts = new List<string>();
            var files = raw[k].Conflicts.ToList();
            var status = ConflictStatus.Clean;
            if (!raw[k].Clean)
            {
                var merge = raw[k];
                if (renumbered.TryGetValue(k, out var r))
                {
                    merge = r.Merge;
                    var left = merge.ConflictFiles.ToHashSet(StringComparer.Ordinal);
                    files = files.Select(f => left.Contains(f.Path) ? f : f with { Policy = "Migrations" }).ToList();
                    texts.Add($"Migrations: would renumber {string.Join(", ", r.Renames)}");
                }
                var lockfiles = policies.Lockfiles(merge, issue.BaseName);
                var byLockfile = lockfiles.Files.Where(f => f.Policy is not null).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
                files = files.Select(f => byLockfile.Contains(f.Path) ? f with { Policy = "Lockfile" } : f).ToList();
                if (lockfiles.Policy is not null) texts.Add(lockfiles.Policy.ToString());
                status = lockfiles.Tree is null ? ConflictStatus.Conflict : ConflictStatus.Resolved;
            }
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
