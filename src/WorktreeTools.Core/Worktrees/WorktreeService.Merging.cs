using WorktreeTools.Core.Config;
using WorktreeTools.Core.Merging;
using WorktreeTools.Core.Merging.Undo;
using WorktreeTools.Worktrees;
using Record = WorktreeTools.Core.Resources.LeaseRegistry.WorktreeRecord;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Worktrees;

/// <summary>Merging issues back and syncing them with their base (the Merging engine, fed from the issues' worktrees).</summary>
public sealed partial class WorktreeService
{
    /// <summary>
    /// What the merge engine needs of an issue: its branch, its worktree (when it still has one) and its
    /// template values (ports, database). An issue whose worktree was removed is merged from its branch.
    /// <paramref name="listed"/>: the worktrees of a whole train, listed once (<see cref="ListToMerge"/>); else they are listed here.
    /// </summary>
    public IssueToMerge ToMerge(string issue, IReadOnlyList<string>? commits = null, IReadOnlyList<IssueWorktree>? listed = null)
    {
        var id = IssueId.Validate(issue);
        var w = (listed ?? List([id], fileStatus: false)).FirstOrDefault(x => x.Issue.Equals(id, StringComparison.OrdinalIgnoreCase));
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
    /// The worktrees of the valid ids among <paramref name="issues"/>, in one listing without file status, for
    /// <see cref="ToMerge"/>: a train lists once, not once per issue (an invalid id is reported by ToMerge).
    /// </summary>
    public IReadOnlyList<IssueWorktree> ListToMerge(IEnumerable<string> issues)
    {
        var ids = new List<string>();
        foreach (var issue in issues)
        {
            try { ids.Add(IssueId.Validate(issue)); }
            catch (WorktreeToolsException) { }
        }
        return ids.Count == 0 ? [] : List(ids, fileStatus: false);
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

    /// <summary>Puts the base back where it was before <paramref name="merge"/> (see <see cref="MergeUndo.Undo"/>).</summary>
    public MergeUndoResult UndoMerge(MergeResult merge, bool force, string? assumedTip = null) =>
        new MergeUndo(Config, _host).Undo(Repo.MainRoot, merge, force, assumedTip);

    /// <summary>
    /// Brings the latest base into the issue's branch inside its worktree (see <see cref="SyncEngine.Sync"/>), then, when
    /// that changed its lockfiles or package manifests, installs its dependencies again with the worktree's install
    /// command (setup.install, or the detected package manager; an unapproved repository command stops the sync before
    /// it changes anything). <paramref name="noInstall"/> skips the install.
    /// </summary>
    public SyncResult Sync(string issue, SyncStrategy strategy, bool stay, bool noFetch, string? baseBranch, bool noInstall = false)
    {
        var w = Existing(issue);
        var layout = WorktreeLayout.Of(w);
        var result = new SyncEngine(Config, _host).Sync(new SyncOptions
        {
            RepositoryRoot = Repo.MainRoot,
            Issue = w.Issue,
            Branch = w.Branch,
            WorktreePath = w.Path,
            Base = baseBranch ?? w.Base,
            Strategy = strategy,
            Stay = stay,
            NoFetch = noFetch,
            TemplateValues = layout.Tokens(Repo, w.Ports),
            // The install as the worktree has it and as the base has it (detected ones run the package.json scripts).
            BeforeDependenciesChange = noInstall ? null : () => EnsureTrusted(
                new[] { CheckoutFiles.Folder(w.Path), RepositoryCommands.Base(Config, baseBranch ?? w.Base) }
                    .Select(f => f is null ? null : RepositoryCommands.Install(Config, f)).OfType<WorktreeTools.Configuration.ConfiguredCommand>()),
        });
        if (noInstall || result.DependencyChanges.Count == 0 || result.Status is not (SyncStatus.Synced or SyncStatus.WouldSync)
            || InstallCommand(w.Path) is not { } command)
            return result;
        var changed = MergeChecklist.Sample(result.DependencyChanges);
        if (result.Status == SyncStatus.WouldSync)
            return result with { Policies = [.. result.Policies, new MergePolicy("Install", $"would run '{command}' ({changed} changed on {result.Base})")] };

        var record = _registry.Find(Repo.MainRoot, w.Issue) ?? new Record { Repository = Repo.MainRoot, Issue = w.Issue, Ports = w.Ports.ToDictionary() };
        var installed = Install(layout, record, "Sync-IssueWorktree");
        var log = LogPath(layout.Name, "install");
        var policy = new MergePolicy("Install", $"'{command}' {(installed ? "ran" : "failed")} in {w.Path} because {changed} changed");
        if (!installed)
            return result with
            {
                Status = SyncStatus.InstallFailed, Policies = [.. result.Policies, policy], InstallLogPath = log,
                Message = result.Message + $" Installing the changed dependencies ('{command}') failed: see {log}; the branch keeps the sync.",
            };
        if (record.State == WorktreeState.InstallFailed) _registry.SetState(Repo.MainRoot, w.Issue, WorktreeState.Ready);
        return result with { Policies = [.. result.Policies, policy], InstallLogPath = log, Message = result.Message + $" Dependencies installed again ({changed} changed)." };
    }
}
