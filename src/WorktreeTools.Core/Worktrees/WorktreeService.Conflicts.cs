using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Merging;
using Record = WorktreeTools.Core.Resources.LeaseRegistry.WorktreeRecord;

namespace WorktreeTools.Core.Worktrees;

public sealed partial class WorktreeService
{
    /// <summary>
    /// Which pairs of issues (and which issue and its base) would conflict (Get-IssueConflict): the issues named, or every
    /// issue of the repository when <paramref name="issues"/> is empty. An issue without a worktree is compared by its
    /// branch; one with neither goes to <paramref name="onError"/> and is left out. With <paramref name="includeUncommitted"/>
    /// each worktree's uncommitted work (staged, unstaged and untracked files, not ignored ones) is part of its side: the
    /// files on disk are read into a tree through a copy of the worktree's index (<see cref="WorkSnapshot.WorkingTree"/>),
    /// as a commit on the branch tip that nothing refers to; the worktree, its index and its files are not touched.
    /// </summary>
    public IReadOnlyList<IssueConflict> Conflicts(IReadOnlyList<string> issues, bool includeUncommitted, Action<string, WorktreeToolsException> onError)
    {
        var sides = new List<ForecastIssue>();
        var records = _registry.ForRepository(Repo.MainRoot);
        using (var graph = new GitGraph(Repo.MainRoot))
        {
            foreach (var id in issues.Count > 0 ? issues : records.Select(r => r.Issue).ToList())
            {
                try
                {
                    var side = ForecastSide(graph, records, id);
                    if (!sides.Any(s => s.Issue.Equals(side.Issue, StringComparison.OrdinalIgnoreCase))) sides.Add(side);
                }
                catch (WorktreeToolsException ex) { onError(id, ex); }
            }
        }
        if (includeUncommitted) sides = WithUncommittedWork(sides, records);
        var pairs = sides.Count * (sides.Count + 1) / 2;
        _host.Progress(3, "Get-IssueConflict", $"forecasting {pairs} merge(s) of {sides.Count} issue(s)");
        try { return PairForecast.Run(Repo.MainRoot, Config.Merge, sides).Select(p => p with { RepositoryRoot = Repo.MainRoot }).ToList(); }
        finally { _host.Progress(3, "Get-IssueConflict", "done", 100, completed: true); }
    }

    /// <summary>An issue's branch tip and base, from the registry (an issue without a worktree: its configured branch).</summary>
    private ForecastIssue ForecastSide(GitGraph graph, IReadOnlyList<Record> records, string issue)
    {
        var id = IssueId.Validate(issue);
        var record = records.FirstOrDefault(r => r.Issue.Equals(id, StringComparison.OrdinalIgnoreCase));
        var layout = record is null ? Layout(id) : null;
        var branch = record?.Branch ?? layout!.Branch;
        var tip = graph.Resolve("refs/heads/" + branch)
            ?? throw new WorktreeToolsException("IssueWorktreeNotFound", ErrorKind.ObjectNotFound,
                record is null ? $"Issue {id} has neither a worktree nor a branch '{branch}' in {Repo.MainRoot}." : $"The branch '{branch}' of issue {id} does not exist.", id);
        var baseName = record?.Base ?? Config.Worktrees.Base;
        return new ForecastIssue(record?.Issue ?? layout!.Issue, branch, tip, baseName, NewestBase(graph, baseName));
    }

    /// <summary>Each side whose worktree has uncommitted work, moved to a snapshot of it (all worktrees at once).</summary>
    private List<ForecastIssue> WithUncommittedWork(List<ForecastIssue> sides, IReadOnlyList<Record> records)
    {
        _host.Progress(3, "Get-IssueConflict", $"reading the uncommitted work of {sides.Count} worktree(s)");
        var result = sides.ToArray();
        var errors = new System.Collections.Concurrent.ConcurrentBag<WorktreeToolsException>();
        using var graph = new GitGraph(Repo.MainRoot);
        var tipTrees = sides.Select(s => graph.TreeOf(s.Commit)).ToList();
        Parallel.For(0, sides.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, System.Environment.ProcessorCount * 2) }, i =>
        {
            var path = records.FirstOrDefault(r => r.Issue.Equals(sides[i].Issue, StringComparison.OrdinalIgnoreCase))?.Path;
            if (path is null || !Directory.Exists(path)) return;
            try
            {
                var tree = WorkSnapshot.WorkingTree(path);
                if (tree != tipTrees[i])
                    result[i] = sides[i] with { Commit = ForecastTree.Commit(Repo.MainRoot, tree, [sides[i].Commit], $"WorktreeTools forecast: uncommitted work of issue {sides[i].Issue}"), Uncommitted = true };
            }
            catch (WorktreeToolsException ex) { errors.Add(ex); }
        });
        if (!errors.IsEmpty) throw errors.First();
        return result.ToList();
    }

    /// <summary>
    /// The base commit a merge would be built on, without fetching: the remote-tracking branch when the local base is
    /// strictly behind it, else the local base (Merge-IssueWorktree's rule, see RemoteBase).
    /// </summary>
    private string NewestBase(GitGraph graph, string baseName)
    {
        var local = graph.Resolve("refs/heads/" + baseName);
        var remote = graph.Resolve($"refs/remotes/{Config.Worktrees.Remote}/{baseName}");
        if (local is null)
            return remote ?? throw new WorktreeToolsException("BaseNotFound", ErrorKind.ObjectNotFound, $"The base branch '{baseName}' does not exist.", baseName);
        return remote is not null && remote != local && graph.MergeBase(local, remote) == local ? remote : local;
    }
}
