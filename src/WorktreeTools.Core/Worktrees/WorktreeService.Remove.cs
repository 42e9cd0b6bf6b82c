using WorktreeTools.Core.Git;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Resources;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Core.Worktrees;

/// <summary>What a removal did.</summary>
public sealed record RemoveOutcome(IssueWorktree Worktree, string? BackupRef, bool BranchDeleted);

public sealed partial class WorktreeService
{
    /// <summary>
    /// Removes an issue worktree. Uncommitted or unmerged work, a lock, or an operation in progress refuse
    /// unless <paramref name="force"/>; forced, the work is first saved under a backup ref. Stops the issue's
    /// processes, removes the worktree, its database and logs, releases its ports, deletes the branch when
    /// merged (or when <paramref name="deleteBranch"/>), and prunes. Null when ShouldProcess declined.
    /// </summary>
    public RemoveOutcome? Remove(string issue, bool force, bool deleteBranch)
    {
        var w = Get(issue);
        var unmerged = w.Ahead > 0 && !w.Merged;
        if (!force)
        {
            if (w.Locked)
                throw Refuse("IssueWorktreeLocked", w, $"is locked{(w.LockReason is null ? "" : $" ({w.LockReason})")}");
            if (w.InProgress is not null)
                throw Refuse("OperationInProgress", w, $"has a {w.InProgress} in progress; finish or abort it first");
            if (w.Dirty)
                throw Refuse("IssueWorktreeDirty", w, $"has uncommitted changes ({w.Staged} staged, {w.Unstaged} unstaged, {w.Untracked} untracked)");
            if (unmerged && deleteBranch)
                throw Refuse("IssueWorktreeUnmerged", w, $"has {w.Ahead} commit(s) not merged into {w.Base}, and -DeleteBranch would delete them");
            if (unmerged)
                throw Refuse("IssueWorktreeUnmerged", w, $"has {w.Ahead} commit(s) not merged into {w.Base}");
        }
        var deleting = w.Merged || deleteBranch;
        if (!_host.ShouldProcess(w.Path, $"Remove the worktree of issue {w.Issue}{(deleting ? $" and delete branch '{w.Branch}'" : "")}"))
            return null;

        using var _ = LockRepository("worktrees");
        _registry.SetState(Repo.MainRoot, w.Issue, WorktreeState.Removing);
        string? backup = null;
        if ((w.Dirty && !w.Missing) || unmerged)
        {
            backup = Backup(w);
            _host.Warning($"The work of issue {w.Issue} was saved as {backup}. Get it back with: git switch -c issue-{w.Issue}-restored {backup}");
        }

        // The issue's dev server and agent runs, and anything else working inside the worktree, stop first.
        // Interactive ones (a shell, an editor) are only reported, unless forced.
        WorktreeProcesses.StopAll(Repo.MainRoot, w.Issue, w.Path, TimeSpan.FromSeconds(Config.DevServer.StopTimeoutSec), _host, includeInteractive: force);

        _host.Progress(2, "Remove-IssueWorktree", $"git worktree remove {w.Path}");
        if (!w.Missing)
        {
            var args = new List<string> { "worktree", "remove", "--force" };
            if (w.Locked) args.Add("--force");
            args.Add(w.Path);
            var r = GitCli.Run(Repo.MainRoot, args, check: false);
            if (!r.Success && Directory.Exists(w.Path))
                throw new WorktreeToolsException("WorktreeRemoveFailed", ErrorKind.WriteError,
                    $"git could not remove {w.Path}: {r.Error.Trim()}. Nothing else was changed; close what uses the folder and run Remove-IssueWorktree {w.Issue} again (or Repair-IssueWorktree).", w.Path);
        }
        GitCli.Run(Repo.MainRoot, ["worktree", "prune"], check: false);

        if (w.Database is { } db && File.Exists(db)) File.Delete(db);
        if (File.Exists(w.InstallLog ?? LogPath(w.Name, "install")))
            File.Delete(w.InstallLog ?? LogPath(w.Name, "install")); // process logs go with WorktreeProcesses.Forget below

        var branchDeleted = false;
        if (deleting && w.Branch.Length > 0)
        {
            // The branch is merged, or its tip is in the backup ref: -D loses nothing.
            var r = GitCli.Run(Repo.MainRoot, ["branch", "-D", w.Branch], check: false);
            branchDeleted = r.Success;
            if (!r.Success) _host.Warning($"Branch '{w.Branch}' was kept: {r.Error.Trim()}");
        }
        WorktreeProcesses.Forget(Repo.MainRoot, w.Issue);
        _registry.Release(Repo.MainRoot, w.Issue);
        _host.Progress(2, "Remove-IssueWorktree", "done", completed: true);
        return new RemoveOutcome(w, backup, branchDeleted);
    }

    private static WorktreeToolsException Refuse(string id, IssueWorktree w, string why) =>
        new(id, ErrorKind.InvalidOperation,
            $"The worktree of issue {w.Issue} ({w.Path}) {why}. Nothing was removed. Use -Force to remove it anyway; its work is saved under a backup ref first.",
            w.Issue, recommendedAction: $"Remove-IssueWorktree {w.Issue} -Force");

    /// <summary>
    /// Saves the branch tip and all uncommitted work under <c>refs/worktree-tools/backup/&lt;issue&gt;/&lt;time&gt;</c>,
    /// without touching the worktree or its index: a <see cref="WorkSnapshot"/> whose first parent is HEAD and
    /// second the index (the staged version of each file), its tree the files on disk (not ignored ones).
    /// </summary>
    private string Backup(IssueWorktree w)
    {
        var refName = $"refs/worktree-tools/backup/{w.Issue}/{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff'Z'}";
        var tip = w.Head ?? GitCli.Read(Repo.MainRoot, ["rev-parse", "refs/heads/" + w.Branch]).Output.Trim();
        var commit = w.Dirty && !w.Missing
            ? WorkSnapshot.Take(w.Path, $"WorktreeTools backup of issue {w.Issue}: uncommitted work on {w.Branch} at {DateTime.Now:yyyy-MM-dd HH:mm:ss}").Commit
            : tip;
        GitCli.Run(Repo.MainRoot, ["update-ref", "-m", $"WorktreeTools backup of issue {w.Issue}", refName, commit]);
        return refName;
    }
}
