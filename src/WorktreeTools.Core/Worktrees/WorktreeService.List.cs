using System.Text.RegularExpressions;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Resources;
using WorktreeTools.Worktrees;
using Record = WorktreeTools.Core.Resources.LeaseRegistry.WorktreeRecord;

namespace WorktreeTools.Core.Worktrees;

public sealed partial class WorktreeService
{
    /// <summary>
    /// The repository's issue worktrees (and with <paramref name="all"/> every other worktree too), filtered
    /// by issue id wildcards, with live status: one <c>git worktree list</c>, one <c>git status</c> per
    /// worktree in parallel, ahead/behind in process, and one <c>git merge-tree --stdin</c> for squash/rebase merges.
    /// </summary>
    /// <param name="fileStatus">False skips the per-worktree <c>git status</c> (file counts stay 0), e.g. for a worktree just created.</param>
    public IReadOnlyList<IssueWorktree> List(IReadOnlyList<string>? patterns = null, bool all = false, bool fileStatus = true)
    {
        var git = GitWorktree.List(Repo.MainRoot);
        var records = _registry.ForRepository(Repo.MainRoot);
        var items = new List<(Record? Record, GitWorktree? Git)>();
        foreach (var r in records)
            items.Add((r, git.FirstOrDefault(w => LeaseRegistry.SamePath(w.Path, r.Path))));
        if (all)
        {
            // Everything but the main checkout, our own worktrees and the merge engine's private staging worktree.
            var staging = Merging.StagingWorktree.PathFor(Repo.MainRoot);
            foreach (var w in git.Skip(1).Where(w => !records.Any(r => LeaseRegistry.SamePath(r.Path, w.Path)) && !LeaseRegistry.SamePath(w.Path, staging)))
                items.Add((null, w));
        }

        var matchers = patterns?.Where(p => !string.IsNullOrEmpty(p)).Select(Wildcard).ToList() ?? [];
        items = items.Where(i => matchers.Count == 0 || matchers.Any(m => m.IsMatch(IssueOf(i)))).ToList();

        var statuses = new (WorktreeStatus? Status, string? InProgress)[items.Count];
        if (fileStatus)
            Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, System.Environment.ProcessorCount * 2) }, i =>
            {
                var path = items[i].Git?.Path ?? items[i].Record!.Path;
                if (items[i].Git is null || !Directory.Exists(path)) return;
                statuses[i] = (WorktreeStatus.Read(path, preload: items.Count == 1), WorktreeStatus.InProgress(path));
            });

        var result = new List<IssueWorktree>(items.Count);
        using var graph = new GitGraph(Repo.MainRoot);
        var merges = new List<(int Index, string Base, string Branch)>();
        for (var i = 0; i < items.Count; i++)
        {
            var (record, wt) = items[i];
            var branch = record?.Branch ?? wt!.Branch;
            var baseName = record?.Base ?? Config.Worktrees.Base;
            var baseRef = BaseRef(graph, baseName);
            var (ahead, behind) = branch is not null && baseRef is not null ? graph.Divergence(branch, baseRef) : (0, 0);
            var head = wt?.Head ?? (branch is null ? null : graph.Resolve(branch));
            // A branch with no commits of its own yet is not "merged": there is nothing to merge.
            var merged = branch is not null && baseRef is not null && ahead == 0 && head != record?.StartCommit;
            var worktree = Build(record, wt, statuses[i].Status, statuses[i].InProgress, ahead, behind, merged, head);
            if (ahead > 0 && branch is not null && baseRef is not null) merges.Add((i, baseRef, branch));
            result.Add(worktree);
        }

        // Dev servers and agent runs, from the per-repository process registry (live state).
        var servers = DevServers.Get(Repo.MainRoot).ToDictionary(d => d.Issue, StringComparer.OrdinalIgnoreCase);
        var agents = AgentRuns.Get(Repo.MainRoot).GroupBy(a => a.Issue, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.StartedAt)!, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < result.Count; i++)
        {
            var server = servers.GetValueOrDefault(result[i].Issue);
            var agent = agents.GetValueOrDefault(result[i].Issue);
            if (server is not null || agent is not null)
                result[i] = result[i] with
                {
                    DevServer = server?.State.ToString(),
                    DevServerUrl = server?.IsRunning == true ? server.Url : null,
                    Agent = agent is null ? null : $"{agent.Agent} {agent.State}",
                };
        }

        // Squash-merged or rebased work: merging the branch into the base would change nothing.
        if (merges.Count > 0)
        {
            var forecasts = MergeForecast.Run(Repo.MainRoot, merges.Select(m => (m.Base, m.Branch)).ToList());
            for (var k = 0; k < forecasts.Count; k++)
                if (forecasts[k].Clean && forecasts[k].Tree == graph.TreeOf(merges[k].Base))
                    result[merges[k].Index] = result[merges[k].Index] with { Merged = true, MergedBy = "Tree" };
        }
        return result;
    }

    /// <summary>One issue's worktree with status; <c>IssueWorktreeNotFound</c> when there is none.</summary>
    public IssueWorktree Get(string issue, bool fileStatus = true)
    {
        var id = IssueId.Validate(issue);
        return List([id], all: false, fileStatus).FirstOrDefault(w => w.Issue.Equals(id, StringComparison.OrdinalIgnoreCase))
            ?? throw new WorktreeToolsException("IssueWorktreeNotFound", ErrorKind.ObjectNotFound,
                $"Issue {id} has no worktree in {Repo.MainRoot}. Create it with New-IssueWorktree {id}.", id);
    }

    private string? BaseRef(GitGraph graph, string baseName) =>
        graph.Resolve("refs/heads/" + baseName) is not null ? "refs/heads/" + baseName
        : graph.Resolve($"refs/remotes/{Config.Worktrees.Remote}/{baseName}") is not null ? $"refs/remotes/{Config.Worktrees.Remote}/{baseName}"
        : null;

    private static string IssueOf((Record? Record, GitWorktree? Git) item) =>
        item.Record?.Issue ?? System.IO.Path.GetFileName(item.Git!.Path);

    private IssueWorktree Build(Record? r, GitWorktree? wt, WorktreeStatus? status, string? inProgress, int ahead, int behind, bool merged, string? head)
    {
        var path = r?.Path ?? wt!.Path;
        return new IssueWorktree
        {
            Issue = r?.Issue ?? System.IO.Path.GetFileName(path),
            Name = r?.Name ?? System.IO.Path.GetFileName(path),
            Branch = r?.Branch ?? wt?.Branch ?? "",
            Path = path,
            Base = r?.Base ?? Config.Worktrees.Base,
            RepositoryRoot = Repo.MainRoot,
            Ports = r?.Ports ?? new Dictionary<string, int>(),
            Database = r?.Database,
            EnvFile = r?.EnvFile is { } env && File.Exists(env) ? env : null,
            Head = head,
            Created = r?.Created.ToLocalTime(),
            State = r?.State ?? WorktreeState.Unmanaged,
            InstallLog = r?.InstallLog,
            Ahead = ahead,
            Behind = behind,
            Staged = status?.Staged ?? 0,
            Unstaged = status?.Unstaged ?? 0,
            Untracked = status?.Untracked ?? 0,
            Conflicted = status?.Conflicted ?? 0,
            Merged = merged,
            MergedBy = merged ? "Ancestor" : null,
            Locked = wt?.Locked ?? false,
            LockReason = wt?.LockReason,
            Missing = wt is null || !Directory.Exists(path),
            InProgress = inProgress,
        };
    }

    /// <summary>A PowerShell-style wildcard (<c>*</c>, <c>?</c>, <c>[abc]</c>), case-insensitive.</summary>
    public static Regex Wildcard(string pattern)
    {
        var sb = new System.Text.StringBuilder("^");
        foreach (var c in pattern)
            sb.Append(c switch { '*' => ".*", '?' => ".", '[' => "[", ']' => "]", _ => Regex.Escape(c.ToString()) });
        return new Regex(sb.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
