using System.Diagnostics;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Resources;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Core.Worktrees;

public sealed partial class WorktreeService
{
    /// <summary>
    /// Brings git, the registry and the folders back to agreement after a crash or a hand-made change:
    /// prunes stale git entries, finishes or rolls back interrupted creations, finishes interrupted removals
    /// and releases the leases of worktrees that no longer exist. Returns what it did.
    /// </summary>
    public IReadOnlyList<RepairAction> Repair()
    {
        var actions = new List<RepairAction>();
        if (!_host.ShouldProcess(Repo.MainRoot, "Repair issue worktrees")) return actions;

        var prune = GitCli.Run(Repo.MainRoot, ["worktree", "prune", "--verbose"], check: false);
        foreach (var line in (prune.Output + prune.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            actions.Add(new RepairAction("", "PrunedGitEntry", line));

        var git = GitWorktree.List(Repo.MainRoot);
        foreach (var r in _registry.ForRepository(Repo.MainRoot))
        {
            if (r.OwnerPid is { } pid && pid != Environment.ProcessId && IsRunning(pid) && r.State is WorktreeState.Creating or WorktreeState.Removing)
                continue; // another session is at work on it right now
            var wt = git.FirstOrDefault(w => LeaseRegistry.SamePath(w.Path, r.Path));
            switch (r.State)
            {
                case WorktreeState.Creating when wt is not null:
                    using (LockRepository("worktrees")) Setup(WorktreeLayout.Of(Get(r.Issue, fileStatus: false)), r);
                    // The install may have been cut off: it is left for New-IssueWorktree to run again.
                    var install = InstallCommand(r.Path);
                    _registry.SetState(Repo.MainRoot, r.Issue, install is null ? WorktreeState.Ready : WorktreeState.InstallFailed);
                    actions.Add(new RepairAction(r.Issue, "FinishedCreation", install is null
                        ? $"{r.Path} set up."
                        : $"{r.Path} set up; the install ('{install}') was interrupted: run New-IssueWorktree {r.Issue} to run it again."));
                    break;
                case WorktreeState.Creating:
                    _registry.Release(Repo.MainRoot, r.Issue);
                    if (Directory.Exists(r.Path) && !Directory.EnumerateFileSystemEntries(r.Path).Any()) Directory.Delete(r.Path);
                    actions.Add(new RepairAction(r.Issue, "RolledBackCreation", $"the worktree was never added; ports {string.Join(", ", r.Ports.Values)} released."));
                    break;
                case WorktreeState.Removing:
                    var outcome = Remove(r.Issue, force: true, deleteBranch: false);
                    actions.Add(new RepairAction(r.Issue, "FinishedRemoval", outcome?.BackupRef is { } b ? $"work saved as {b}" : r.Path));
                    break;
                default:
                    if (wt is null && !Directory.Exists(r.Path))
                    {
                        _registry.Release(Repo.MainRoot, r.Issue);
                        actions.Add(new RepairAction(r.Issue, "ReleasedLeases", $"{r.Path} no longer exists; ports {string.Join(", ", r.Ports.Values)} released."));
                    }
                    break;
            }
        }
        return actions;
    }

    private static bool IsRunning(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
