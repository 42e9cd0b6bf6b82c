namespace WorktreeTools.Core.Git;

/// <summary>
/// A worktree's uncommitted work saved as git objects, the way <c>git stash</c> saves it, without touching the
/// worktree's files, its index, its lock or any ref: the index (the staged version of every file) and the working
/// tree (every file as it is on disk, tracked and untracked, not ignored). Only blobs, trees and commits are
/// written; the caller decides which ref keeps them.
/// </summary>
/// <param name="Head">The commit checked out (null on an unborn branch).</param>
/// <param name="IndexTree">The tree of the index. Paths with a conflict are left out (their stages are no tree).</param>
/// <param name="WorkTree">The tree of the files on disk: tracked and untracked, not ignored.</param>
/// <param name="IndexCommit">The index as a commit on <paramref name="Head"/>.</param>
/// <param name="Commit">The working tree as a commit; its parents are <paramref name="Head"/>, <paramref name="IndexCommit"/>,
/// then the commits the caller asked to keep reachable.</param>
public sealed record WorkSnapshot(string? Head, string IndexTree, string WorkTree, string IndexCommit, string Commit)
{
    /// <summary>
    /// The tree of the files on disk in <paramref name="worktree"/> (tracked and untracked, not ignored), as
    /// <c>git add -A &amp;&amp; git write-tree</c> would give it, from a copy of the index: fast (only changed files
    /// are read) and invisible to the worktree.
    /// </summary>
    public static string WorkingTree(string worktree) => Trees(worktree, withIndex: false).Work;

    /// <summary>
    /// Saves the index and the working tree of <paramref name="worktree"/> as two commits (see the type).
    /// <paramref name="keep"/> are more commits to keep reachable from the result (for example a branch tip that
    /// is not HEAD); those equal to HEAD or repeated are skipped.
    /// </summary>
    public static WorkSnapshot Take(string worktree, string message, IEnumerable<string>? keep = null)
    {
        var head = GitCli.Read(worktree, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], check: false) is { Success: true } h
            ? h.Output.Trim() : null;
        var (index, work) = Trees(worktree, withIndex: true);
        var onHead = head is null ? new List<string>() : ["-p", head];
        var indexCommit = GitCli.Run(worktree, ["commit-tree", index!, .. onHead, "-m", "index of " + message]).Output.Trim();
        var parents = new List<string>(onHead) { "-p", indexCommit };
        foreach (var c in (keep ?? []).Distinct().Where(c => c != head && c != indexCommit))
            parents.AddRange(["-p", c]);
        var commit = GitCli.Run(worktree, ["commit-tree", work, .. parents, "-m", message]).Output.Trim();
        return new WorkSnapshot(head, index!, work, indexCommit, commit);
    }

    /// <summary>The index tree (when <paramref name="withIndex"/>) and the working tree, from one temporary copy of the index.</summary>
    private static (string? Index, string Work) Trees(string worktree, bool withIndex)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"wtt-index-{Guid.NewGuid():N}");
        try
        {
            if (WorktreeStatus.GitDirOf(worktree) is { } gitDir && File.Exists(Path.Combine(gitDir, "index")))
                File.Copy(Path.Combine(gitDir, "index"), temp);
            var env = new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = temp };
            var index = withIndex ? GitCli.Run(worktree, ["write-tree"], check: false, env: env) : null;
            if (index is { Success: false })
            {
                // Unmerged entries (a conflict in progress) have no tree: leave those paths out of the index tree.
                var conflicted = GitCli.Run(worktree, ["ls-files", "-u", "-z"], env: env).Output
                    .Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf('\t') + 1)..]).Distinct();
                GitCli.Run(worktree, ["update-index", "--force-remove", "-z", "--stdin"], stdin: string.Join('\0', conflicted) + '\0', env: env);
                index = GitCli.Run(worktree, ["write-tree"], env: env);
            }
            GitCli.Run(worktree, ["add", "-A"], env: env);
            var work = GitCli.Run(worktree, ["write-tree"], env: env).Output.Trim();
            return (index?.Output.Trim(), work);
        }
        finally
        {
            File.Delete(temp);
            File.Delete(temp + ".lock");
        }
    }
}
