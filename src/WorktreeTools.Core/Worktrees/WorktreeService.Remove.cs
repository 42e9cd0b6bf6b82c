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
    /// Removes an issue worktree. Uncommitted or unmerged work, a lock, an operation in progress or an interactive
    /// process in the folder refuse unless <paramref name="force"/>. Stops the issue's processes first, then saves
    /// what would be lost under a backup ref (forced: the work; always: ignored files nothing makes again), then
    /// removes the worktree, its database and logs, releases its ports, deletes the branch when merged (or when
    /// <paramref name="deleteBranch"/> and the backup holds its tip), and prunes. Null when ShouldProcess declined.
    /// </summary>
    public RemoveOutcome? Remove(string issue, bool force, bool deleteBranch)
    {
        var w = ForRemoval(issue);
        if (!force)
        {
            EnsureRemovable(w, deleteBranch);
            EnsureNotInUse(w, w.Missing ? [] : FolderProcesses.Find(w.Path).Where(p => p.Interactive).ToList());
        }
        if (!_host.ShouldProcess(w.Path, $"Remove the worktree of issue {w.Issue}{(w.Merged || deleteBranch ? $" and delete branch '{w.Branch}'" : "")}"))
            return null;
        BeforeRemove(w, force);

        using var _ = LockRepository("worktrees");
        var state = w.State;
        _registry.Change(Repo.MainRoot, w.Issue, r => (r.State, r.Owner) = (WorktreeState.Removing, ProcessIdentity.Of(Environment.ProcessId)));

        // Everything working in the worktree stops first (interactive processes only when forced), so that what a
        // process writes or commits as it ends (an agent that commits on SIGTERM) is saved with the rest.
        var stopped = WorktreeProcesses.StopAll(Repo.MainRoot, w.Issue, w.Path, TimeSpan.FromSeconds(Config.DevServer.StopTimeoutSec), _host, includeInteractive: force);
        if (stopped.StoppedAnything) w = ForRemoval(w.Issue) with { State = state };
        if (!force)
        {
            try
            {
                EnsureNotInUse(w, stopped.LeftRunning);
                EnsureRemovable(w, deleteBranch);
            }
            catch (WorktreeToolsException)
            {
                _registry.SetState(Repo.MainRoot, w.Issue, state);
                throw;
            }
        }

        var tip = BranchTip(w.Branch);
        var backup = Backup(w, tip);

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

        // Only inside the worktree's folder, links followed: a link the branch got later never leads the delete out.
        if (w.Database is { } db && Core.Config.PathGuard.IsInside(db, w.Path) && File.Exists(db)) File.Delete(db);
        if (File.Exists(w.InstallLog ?? LogPath(w.Name, "install")))
            File.Delete(w.InstallLog ?? LogPath(w.Name, "install")); // process logs go with WorktreeProcesses.Forget below

        var branchDeleted = false;
        if ((w.Merged || deleteBranch) && tip is not null)
        {
            // Merged, no commits of its own (its tip is in the base), or its tip is in the backup ref: -D loses nothing.
            // Anything else keeps the branch.
            if (!w.Merged && w.Integration != Integration.Empty && (backup is null || !IsAncestor(tip, backup)))
                _host.Warning($"Branch '{w.Branch}' was kept: its tip {tip[..7]} is neither merged into {w.Base} nor saved in a backup.");
            else
            {
                var r = GitCli.Run(Repo.MainRoot, ["branch", "-D", w.Branch], check: false);
                branchDeleted = r.Success;
                if (!r.Success) _host.Warning($"Branch '{w.Branch}' was kept: {r.Error.Trim()}");
            }
        }
        WorktreeProcesses.Forget(Repo.MainRoot, w.Issue);
        _registry.Release(Repo.MainRoot, w.Issue);
        _host.Progress(2, "Remove-IssueWorktree", "done", completed: true);
        return new RemoveOutcome(w, backup, branchDeleted);
    }

    /// <summary>
    /// The issue's worktree; one at the issue's place that the registry lost (Unmanaged) is removed like the others
    /// (listed by its folder name, which holds no wildcard character: the other worktrees' status is not read).
    /// </summary>
    private IssueWorktree ForRemoval(string issue)
    {
        try { return Get(issue); }
        catch (WorktreeToolsException ex) when (ex.ErrorId == "IssueWorktreeNotFound" && Layout(issue) is var layout &&
            List([layout.Name], all: true).FirstOrDefault(w => w.State == WorktreeState.Unmanaged && LeaseRegistry.SamePath(w.Path, layout.Path)) is { } found)
        {
            return found with { Issue = layout.Issue };
        }
    }

    /// <summary>Refuses (without <c>-Force</c>) a worktree that holds work not in the base, a lock or an operation in progress.</summary>
    private static void EnsureRemovable(IssueWorktree w, bool deleteBranch)
    {
        var unmerged = w.Ahead > 0 && !w.Merged;
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

    /// <summary>Refuses (without <c>-Force</c>) a worktree someone works in: a shell, an editor in a terminal.</summary>
    private static void EnsureNotInUse(IssueWorktree w, IReadOnlyList<RunningProcess> interactive)
    {
        if (interactive.Count > 0)
            throw new WorktreeToolsException("IssueWorktreeInUse", ErrorKind.ResourceBusy,
                $"The worktree of issue {w.Issue} ({w.Path}) is in use by {string.Join(", ", interactive)}. Nothing was removed. " +
                "Close it, or use -Force to stop it and remove the worktree anyway (its work is saved under a backup ref first).",
                w.Issue, recommendedAction: $"Remove-IssueWorktree {w.Issue} -Force");
    }

    private static WorktreeToolsException Refuse(string id, IssueWorktree w, string why) =>
        new(id, ErrorKind.InvalidOperation,
            $"The worktree of issue {w.Issue} ({w.Path}) {why}. Nothing was removed. Use -Force to remove it anyway; its work is saved under a backup ref first.",
            w.Issue, recommendedAction: $"Remove-IssueWorktree {w.Issue} -Force");

    private string? BranchTip(string branch) =>
        branch.Length > 0 && GitCli.Read(Repo.MainRoot, ["rev-parse", "--verify", "--quiet", "refs/heads/" + branch + "^{commit}"], check: false) is { Success: true } r
            ? r.Output.Trim() : null;

    private bool IsAncestor(string commit, string of) =>
        GitCli.Read(Repo.MainRoot, ["merge-base", "--is-ancestor", commit, of], check: false).Success;

    /// <summary>
    /// Saves what the removal would lose under <c>refs/worktree-tools/backup/&lt;issue&gt;/&lt;time&gt;</c> and says so:
    /// the branch tip when unmerged; uncommitted work, an operation in progress and a HEAD away from the branch as a
    /// <see cref="WorkSnapshot"/> (HEAD, index, files on disk, the operation's state) that also keeps the branch
    /// tip; ignored files that nothing makes again (<see cref="IgnoredFiles"/>). Null when nothing needed saving.
    /// </summary>
    private string? Backup(IssueWorktree w, string? tip)
    {
        var unmerged = w.Ahead > 0 && !w.Merged && tip is not null;
        var ignored = w.Missing ? null : IgnoredFiles.Find(w.Path, (relative, full) => Regenerable(w, relative, full));
        if (ignored is not null && ignored.Regenerable.Count > 0)
            _host.Verbose($"Ignored files of issue {w.Issue} not saved, made again by an install, a build or setup: {Names(ignored.Regenerable)}");
        if (ignored is { NotSaved.Count: > 0 })
            _host.Warning($"Ignored files of issue {w.Issue} deleted without a copy: {Names(ignored.NotSaved)}.");
        var when = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var ignoredCommit = ignored is null ? null
            : WorkSnapshot.SaveFiles(w.Path, ignored.Save, $"WorktreeTools backup of issue {w.Issue}: ignored files at {when}\n\n{string.Join('\n', ignored.Save)}");
        var snapshot = !w.Missing && (w.Dirty || w.InProgress is not null || (tip is not null && w.Head != tip) || ignoredCommit is not null)
            ? WorkSnapshot.Take(w.Path, $"WorktreeTools backup of issue {w.Issue}: work on {w.Branch} at {when}",
                new[] { tip, ignoredCommit }.OfType<string>())
            : null;
        if (snapshot is null && !unmerged) return null;

        var refName = $"refs/worktree-tools/backup/{w.Issue}/{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff'Z'}";
        GitCli.Run(Repo.MainRoot, ["update-ref", "-m", $"WorktreeTools backup of issue {w.Issue}", refName, snapshot?.Commit ?? tip!]);
        string Parent(string commit) => $"{refName}^{snapshot!.Parents.ToList().IndexOf(commit) + 1}";
        if (w.Dirty || unmerged || snapshot?.Operation is not null || (snapshot is not null && w.Head != tip))
            _host.Warning($"The work of issue {w.Issue} was saved as {refName}. Get it back with: git switch -c issue-{w.Issue}-restored {refName}");
        if (snapshot?.Operation is { } op)
            _host.Warning($"The {op.Kind} in progress in issue {w.Issue} ({op.Summary}) was saved as {Parent(op.Commit)}" +
                          (tip is not null && tip != w.Head ? $"; the branch tip before it is {Parent(tip)}." : "."));
        if (ignoredCommit is not null)
            _host.Warning($"Ignored files of issue {w.Issue} that nothing makes again were saved as {Parent(ignoredCommit)}: {Names(ignored!.Save)}. " +
                          $"Get them back with: git archive {Parent(ignoredCommit)} | tar -x -C <folder>");
        return refName;
    }

    /// <summary>
    /// An ignored file that removal need not save: a copy of the main checkout's file (setup.copy), the env file as
    /// setup writes it, or the database as seeded.
    /// </summary>
    private bool Regenerable(IssueWorktree w, string relative, string full)
    {
        if (IgnoredFiles.SameContent(full, System.IO.Path.Combine(Repo.MainRoot, relative))) return true;
        if (w.EnvFile is { } env && LeaseRegistry.SamePath(env, full) && WorktreeLayout.Of(w) is var layout)
            return EnvText(layout, w.Ports, EnvTracked(layout)) == File.ReadAllText(full);
        return w.Database is { } db && LeaseRegistry.SamePath(db, full) && Config.Database.Seed is { } seed &&
               IgnoredFiles.SameContent(full, System.IO.Path.Combine(Repo.MainRoot, seed));
    }

    private static string Names(IReadOnlyList<string> names) =>
        names.Count <= 10 ? string.Join(", ", names) : string.Join(", ", names.Take(10)) + $" and {names.Count - 10} more";
}
