using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>
/// The fast way to build a clean Merge or Squash: <c>git merge-tree --write-tree</c> computes the merged tree (the
/// same merge machinery as <c>git merge</c>) without a checkout or an index, and <c>git commit-tree</c> writes the
/// commit (git's identity, signing and encoding settings apply). Used only when git's own merge would run no hook
/// and no policy needs to act; a conflict returns null and the merge is built in the staging worktree instead.
/// </summary>
internal static class TreeMerge
{
    /// <summary>The commit holding the merge (equal to <paramref name="onto"/> when a squash adds nothing), or null on a conflict.</summary>
    public static string? TryBuild(string root, MergeStrategy strategy, string onto, string branchTip, string message)
    {
        var r = GitCli.Read(root, ["merge-tree", "--write-tree", "-z", "--name-only", onto, branchTip], check: false);
        if (r.ExitCode == 1) return null;
        if (!r.Success)
            throw new WorktreeToolsException("GitCommandFailed", ErrorKind.InvalidOperation, $"git merge-tree {onto} {branchTip} failed (exit {r.ExitCode}): {r.Error.Trim()}", root);
        var tree = r.Output.Split('\0', 2)[0].Trim();
        if (strategy == MergeStrategy.Squash && tree == GitQueries.TreeOf(root, onto)) return onto;
        string[] parents = strategy == MergeStrategy.Merge ? ["-p", onto, "-p", branchTip] : ["-p", onto];
        return GitCli.Run(root, ["commit-tree", tree, .. parents], stdin: message).Output.Trim();
    }
}
