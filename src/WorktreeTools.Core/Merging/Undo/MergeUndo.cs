using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Queue;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Undo;

/// <summary>
/// Undo-IssueMerge: puts the base back to a merge's <c>BaseBefore</c>, and never pretends it did more than it did.
/// When the merge is on the remote, the remote's base is put back too, with a lease on the exact tip found there;
/// if the remote moved on since, nothing changes (undoing would drop someone's work there). Merges that landed after
/// this one are taken out only with <c>force</c>, and the refusal names them. A rebased issue branch goes back to its
/// tip before the merge. The tip undone is kept under a backup ref. Runs under the merge lock.
/// </summary>
public sealed class MergeUndo(WorktreeConfig config, IOperationHost host)
{
    /// <param name="assumedTip">
    /// For the dry run of several undos in a row: where the base would be after the ones before (it is checked against
    /// the real tip again before anything moves).
    /// </param>
    public MergeUndoResult Undo(string repositoryRoot, MergeResult merge, bool force, string? assumedTip = null, TimeSpan? lockTimeout = null)
    {
        GitCli.EnsureVersion();
        if (merge.Status != MergeStatus.Merged || merge.BaseBefore.Length == 0 || merge.BaseAfter.Length == 0)
            throw new WorktreeToolsException("NotAMerge", ErrorKind.InvalidArgument,
                $"Issue {merge.Issue}'s result is {merge.Status}: only a Merged result moved the base, so only it can be undone.", merge.Issue);
        var root = RepositoryInfo.Normalize(repositoryRoot);
        using var session = MergeSession.Open(root, lockTimeout ?? TimeSpan.FromSeconds(10), host);
        var into = merge.Into;
        if (GitQueries.ResolveCommit(root, merge.BaseBefore) is null || GitQueries.ResolveCommit(root, merge.BaseAfter) is null)
            throw new WorktreeToolsException("MergeNotInRepository", ErrorKind.ObjectNotFound,
                $"The commits of issue {merge.Issue}'s merge are not in {root}: is this the repository it was merged in? Nothing was changed.", merge.Issue);
        var real = GitQueries.BranchTip(root, into, "BaseNotFound", "base");
        var current = assumedTip ?? real;
        var result = new MergeUndoResult { Issue = merge.Issue, Into = into, From = current, To = merge.BaseBefore };
        if (current == merge.BaseBefore || (!GitQueries.IsAncestor(root, merge.BaseAfter, current) && GitQueries.IsAncestor(root, current, merge.BaseBefore)))
            return result with { Status = UndoStatus.AlreadyUndone, Message = $"'{into}' is at {Short(current)}, which does not hold issue {merge.Issue}'s merge: it already is where it was before it, or further back. Nothing was changed." };
        EnsureOnlyThisMerge(root, merge, current, force);
        var remote = RemoteTip(root, merge);
        var issueOld = merge.Strategy == MergeStrategy.Rebase && merge.BackupRef is { } b ? GitQueries.ResolveCommit(root, b + "/branch") : null;
        var restoreIssue = issueOld is not null && GitQueries.ResolveCommit(root, "refs/heads/" + merge.Branch) == merge.BaseAfter;
        List<MergeCommit> Removed() => GitQueries.Commits(root, merge.BaseBefore + ".." + current).AsEnumerable().Reverse().ToList();
        var removed = Removed();
        string What() => $"'{into}' back from {Short(current)} to {Short(merge.BaseBefore)}, taking out {removed.Count} commit(s)" +
                         (remote is { } r ? $", here and on '{r.Name}'" : "");
        result = result with { Remote = remote?.Name, IssueBranchRestored = restoreIssue };
        if (!host.ShouldProcess($"{into} ({Short(current)} -> {Short(merge.BaseBefore)})", $"Undo the merge of issue {merge.Issue}: move {What()}"))
            return result with { Status = UndoStatus.WouldUndo, Removed = removed, Message = $"Would move {What()}. Nothing was changed." };
        if (current != real)
        {
            // The undos assumed before this one did not happen: check against where the base really is.
            current = real;
            EnsureOnlyThisMerge(root, merge, current, force);
            removed = Removed();
        }
        var what = What();
        result = result with { From = current, Removed = removed };
        var worktrees = GitWorktree.List(root);
        var checkout = TrainContext.CheckoutOf(worktrees, into);

        BranchMover.EnsureSafe(root, into, checkout, current, merge.BaseBefore, "BaseCheckoutDirty");
        var backup = BackupRefs.NewPrefix(merge.Issue);
        BackupRefs.Save(root, backup, new Dictionary<string, string> { ["undone"] = current }, $"worktree-tools: before undoing the merge of issue {merge.Issue}");
        if (remote is { } target) PushBack(root, merge, target, issueOld, restoreIssue);
        BranchMover.Move(root, into, checkout, current, merge.BaseBefore, $"worktree-tools: undo the merge of issue {merge.Issue}", "BaseCheckoutDirty");
        if (restoreIssue) RestoreIssueBranch(root, merge, TrainContext.CheckoutOf(worktrees, merge.Branch), issueOld!);
        return result with
        {
            Status = UndoStatus.Undone,
            BackupRef = backup,
            Message = $"Moved {what}." + (restoreIssue ? $" '{merge.Branch}' is back at its tip before the merge ({Short(issueOld!)})." : "") +
                      $" The undone tip is kept at {backup}/undone.",
        };
    }

    /// <summary>Refuses to take out merges that landed after this one (unless forced), naming them.</summary>
    private static void EnsureOnlyThisMerge(string root, MergeResult merge, string current, bool force)
    {
        if (current == merge.BaseAfter || force) return;
        if (!GitQueries.IsAncestor(root, merge.BaseAfter, current))
            throw new WorktreeToolsException("UndoBaseRewritten", ErrorKind.InvalidOperation,
                $"'{merge.Into}' no longer contains issue {merge.Issue}'s merge ({Short(merge.BaseAfter)}); it is at {Short(current)}. " +
                $"Undoing would move it to {Short(merge.BaseBefore)} and drop whatever it holds now. Nothing was changed; use -Force to do it anyway.", merge.Issue);
        var later = GitCli.Read(root, ["log", "--first-parent", "--format=%h %s", merge.BaseAfter + ".." + current]).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        throw new WorktreeToolsException("UndoWouldDropLaterWork", ErrorKind.InvalidOperation,
            $"{later.Length} commit(s) landed on '{merge.Into}' after issue {merge.Issue}'s merge: {MergeChecklist.Sample(later)}. " +
            "Undoing it would take them out too. Nothing was changed; undo those merges first (pipe the newest results first), or use -Force.",
            merge.Issue, recommendedAction: "$results | Undo-IssueMerge   # undoes the newest first");
    }

    private sealed record RemoteTarget(string Name, string Tip, string? IssueTip);

    /// <summary>The remote whose base holds the merge (fetched now), or null when the merge is not there.</summary>
    private RemoteTarget? RemoteTip(string root, MergeResult merge)
    {
        var remote = merge.Remote ?? config.Worktrees.Remote;
        if (!GitQueries.HasRemote(root, remote)) return null;
        var tracking = $"refs/remotes/{remote}/{merge.Into}";
        if (!RemoteBase.Fetch(root, remote, merge.Into, tracking)) return null;
        var tip = GitQueries.ResolveCommit(root, tracking)!;
        if (!GitQueries.IsAncestor(root, merge.BaseAfter, tip)) return null;
        if (tip != merge.BaseAfter && GitQueries.ResolveCommit(root, "refs/heads/" + merge.Into) != tip)
        {
            var after = GitCli.Read(root, ["log", "--first-parent", "--format=%h %s", merge.BaseAfter + ".." + tip]).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            throw new WorktreeToolsException("UndoRemoteMoved", ErrorKind.InvalidOperation,
                $"'{remote}/{merge.Into}' moved on after issue {merge.Issue}'s merge was pushed: it is at {Short(tip)}, with {after.Length} commit(s) after it " +
                $"({MergeChecklist.Sample(after)}). Undoing would drop them there, so nothing was changed. Bring '{merge.Into}' up to date and revert the merge " +
                $"with a new commit instead (git revert -m 1 {Short(merge.BaseAfter)}).", merge.Issue, recommendedAction: $"git revert -m 1 {merge.BaseAfter}");
        }
        var issueTracking = $"refs/remotes/{remote}/{merge.Branch}";
        var issueTip = merge.Strategy == MergeStrategy.Rebase && RemoteBase.Fetch(root, remote, merge.Branch, issueTracking) ? GitQueries.ResolveCommit(root, issueTracking) : null;
        return new RemoteTarget(remote, tip, issueTip);
    }

    /// <summary>One atomic push, each ref with a lease on exactly what the remote has; a rejection changes nothing.</summary>
    private static void PushBack(string root, MergeResult merge, RemoteTarget remote, string? issueOld, bool restoreIssue)
    {
        var updates = new List<PushUpdate> { new(merge.BaseBefore, merge.Into, remote.Tip) };
        if (restoreIssue && remote.IssueTip == merge.BaseAfter) updates.Add(new PushUpdate(issueOld!, merge.Branch, remote.IssueTip));
        var push = RemotePush.Push(root, remote.Name, updates);
        if (!push.Accepted)
            throw new WorktreeToolsException("UndoRemoteMoved", ErrorKind.InvalidOperation,
                $"'{remote.Name}' refused to put '{merge.Into}' back ({push.Detail}): it moved while undoing. Nothing was changed; run the undo again.", merge.Issue);
    }

    private void RestoreIssueBranch(string root, MergeResult merge, string? worktree, string issueOld)
    {
        try
        {
            BranchMover.Move(root, merge.Branch, worktree, merge.BaseAfter, issueOld, $"worktree-tools: undo the rebase of issue {merge.Issue}", "IssueWorktreeDirty");
        }
        catch (WorktreeToolsException ex)
        {
            host.Warning($"'{merge.Into}' is back, but '{merge.Branch}' stays at the rebased commits: {ex.Message}");
        }
    }

    private static string Short(string sha) => sha.Length > 10 ? sha[..10] : sha;
}
