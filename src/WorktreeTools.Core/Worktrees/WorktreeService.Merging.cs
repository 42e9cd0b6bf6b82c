using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Worktrees;

/// <summary>Merging issues back and syncing them with their base (the Merging engine, fed from the issues' worktrees).</summary>
public sealed partial class WorktreeService
{
    /// <summary>
    /// What the merge engine needs of an issue: its branch, its worktree (when it still has one) and its
    /// template values (ports, database). An issue whose worktree was removed is merged from its branch.
    /// </summary>
    public IssueToMerge ToMerge(string issue, IReadOnlyList<string>? commits = null)
    {
        var id = IssueId.Validate(issue);
        var w = List([id], fileStatus: false).FirstOrDefault(x => x.Issue.Equals(id, StringComparison.OrdinalIgnoreCase));
        var layout = w is null ? Layout(id) : WorktreeLayout.Of(w);
        if (w is null && !BranchExists(layout.Branch))
            throw new WorktreeToolsException("IssueWorktreeNotFound", ErrorKind.ObjectNotFound,
                $"Issue {id} has neither a worktree nor a branch '{layout.Branch}' in {Repo.MainRoot}.", id);
        return new IssueToMerge(layout.Issue, layout.Branch, w is { Missing: false } ? w.Path : null)
        {
            Commits = commits ?? [],
            TemplateValues = layout.Tokens(Repo, w?.Ports ?? new Dictionary<string, int>()),
        };
    }

    /// <summary>
    /// Merges the issues one after another (see <see cref="MergeEngine.Train"/>) into <see cref="MergeOptions.Into"/>,
    /// or else into the base the issues were created from (when they share one), or else worktrees.base. With
    /// <paramref name="remove"/>, removes each merged issue's worktree.
    /// </summary>
    public IReadOnlyList<MergeResult> Merge(MergeOptions options, IReadOnlyList<IssueToMerge> issues, bool remove,
        Action<MergeResult> onResult, Action<string, WorktreeToolsException> onError)
    {
        var bases = issues.Select(i => _registry.Find(Repo.MainRoot, i.Issue)?.Base ?? Config.Worktrees.Base).Distinct().ToList();
        var into = options.Into ?? (bases.Count == 1 ? bases[0] : Config.Worktrees.Base);
        return new MergeEngine(Config, _host).Train(options with { RepositoryRoot = Repo.MainRoot, Into = into }, issues, result =>
        {
            onResult(result);
            if (remove && result.Status == MergeStatus.Merged && issues.First(i => i.Issue == result.Issue).WorktreePath is not null)
            {
                try { Remove(result.Issue, force: false, deleteBranch: false); }
                catch (WorktreeToolsException ex) { onError(result.Issue, ex); }
            }
        }, (issue, ex) => onError(issue.Issue, ex));
    }

    /// <summary>Brings the latest base into the issue's branch inside its worktree (see <see cref="SyncEngine.Sync"/>).</summary>
    public SyncResult Sync(string issue, SyncStrategy strategy, bool stay, bool noFetch, string? baseBranch)
    {
        var w = Existing(issue);
        return new SyncEngine(Config, _host).Sync(new SyncOptions
        {
            RepositoryRoot = Repo.MainRoot,
            Issue = w.Issue,
            Branch = w.Branch,
            WorktreePath = w.Path,
            Base = baseBranch ?? w.Base,
            Strategy = strategy,
            Stay = stay,
            NoFetch = noFetch,
            TemplateValues = WorktreeLayout.Of(w).Tokens(Repo, w.Ports),
        });
    }
}
