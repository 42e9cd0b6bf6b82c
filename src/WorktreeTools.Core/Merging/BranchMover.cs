using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// Moves a branch from one commit to another without ever overwriting uncommitted work. Where the branch is
/// checked out, that worktree is updated by git itself (<c>merge --ff-only</c>, or <c>reset --keep</c> for a
/// rewritten branch), and only when none of its uncommitted, untracked or ignored files is in the way; the move is
/// journaled (<see cref="BranchMoveJournal"/>) so that a kill halfway is finished later. Where it is not checked
/// out, <c>update-ref</c> swaps the ref atomically if it still holds the old commit.
/// </summary>
internal static class BranchMover
{
    /// <summary>
    /// Throws <paramref name="errorId"/> (for example <c>BaseCheckoutDirty</c>) if updating the checkout of
    /// <paramref name="branch"/> from <paramref name="from"/> to <paramref name="to"/> would touch files with local changes.
    /// </summary>
    public static void EnsureSafe(string repositoryRoot, string branch, string? worktree, string from, string to, string errorId)
    {
        if (worktree is null) return;
        var inTheWay = FilesInTheWay(repositoryRoot, worktree, from, to);
        if (inTheWay.Count == 0) return;
        throw new WorktreeToolsException(errorId, ErrorKind.InvalidOperation,
            $"'{branch}' is checked out in {worktree}, which has uncommitted changes in {inTheWay.Count} file(s) the merge changes: " +
            $"{MergeChecklist.Sample(inTheWay)}. Nothing was changed; commit or stash those files, then merge again.",
            worktree, recommendedAction: $"git -C \"{worktree}\" stash");
    }

    /// <summary>Moves <paramref name="branch"/> from <paramref name="from"/> to <paramref name="to"/>; throws <c>BaseMoved</c> if it no longer holds <paramref name="from"/>.</summary>
    /// <param name="checkedSafe">The caller ran <see cref="EnsureSafe"/> for this very move a moment ago, with nothing slow in between (no push): it is not run twice.</param>
    public static void Move(string repositoryRoot, string branch, string? worktree, string from, string to, string reason, string dirtyErrorId, bool checkedSafe = false)
    {
        if (from == to) return;
        if (worktree is null)
        {
            var r = GitCli.Run(repositoryRoot, ["update-ref", "-m", reason, "refs/heads/" + branch, to, from], check: false);
            if (!r.Success) throw Moved(branch, from, r.Error);
            return;
        }
        var head = GitCli.Read(worktree, ["symbolic-ref", "-q", "HEAD"], check: false).Output.Trim();
        if (head != "refs/heads/" + branch || GitQueries.Head(worktree) != from)
            throw Moved(branch, from, $"{worktree} is no longer at {from[..10]} on '{branch}'");
        if (!checkedSafe) EnsureSafe(repositoryRoot, branch, worktree, from, to, dirtyErrorId);
        // The reflog records the reason either way ("<reason>: Fast-forward"); Get-IssueWorktree reads it to tell
        // a rebase-merged issue branch from one that never had work (BranchIntegration).
        var env = new Dictionary<string, string?> { ["GIT_REFLOG_ACTION"] = reason };
        GitResult move;
        using (BranchMoveJournal.Begin(repositoryRoot, branch, worktree, from, to))
            move = GitQueries.IsAncestor(worktree, from, to)
                ? GitCli.Run(worktree, ["merge", "--ff-only", "--quiet", to], check: false, env: env)
                : GitCli.Run(worktree, ["reset", "--keep", "--quiet", to], check: false, env: env);
        if (move.Success) return;
        // git refuses before touching anything when a local change is in the way.
        throw new WorktreeToolsException(dirtyErrorId, ErrorKind.InvalidOperation,
            $"Could not update {worktree} ('{branch}') to {to[..10]}: {move.Error.Trim()} Nothing was changed there.", worktree);
    }

    /// <summary>
    /// Uncommitted tracked files the update changes, and files on disk (untracked or ignored) it would create. The
    /// status is limited to the changed paths: a merge of a few files into a checkout of 10,000 costs a few lstat calls.
    /// </summary>
    private static List<string> FilesInTheWay(string repositoryRoot, string worktree, string from, string to)
    {
        var changes = GitQueries.Changes(repositoryRoot, from, to);
        if (changes.Count == 0) return [];
        var changed = changes.Select(c => c.Path).ToHashSet(GitQueries.PathComparer);
        var inTheWay = WorktreeStatus.Read(worktree, changed).Paths.Where(changed.Contains).ToList();
        inTheWay.AddRange(changes.Where(c => c.Status == 'A' && Path.Exists(Path.Combine(worktree, c.Path))).Select(c => c.Path));
        return inTheWay.Distinct(GitQueries.PathComparer).Order(StringComparer.Ordinal).ToList();
    }

    private static WorktreeToolsException Moved(string branch, string from, string detail) =>
        new("BaseMoved", ErrorKind.InvalidOperation,
            $"'{branch}' moved while merging (expected {from[..Math.Min(10, from.Length)]}): {detail.Trim()}. Nothing was changed; run the command again.", branch);
}
