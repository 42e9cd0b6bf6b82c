using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>
/// Rebase with -Push moves the issue branch on the remote too, with a lease on what the remote has. That lease must be
/// on the remote's real tip (fetched now, not remembered from the last fetch), and a branch the remote has commits
/// for that the local branch lacks cannot be rebased and pushed without losing them: the checklist refuses it.
/// </summary>
internal static class IssueBranchOnRemote
{
    public static void EnsureNotBehind(TrainContext ctx, IssueToMerge issue, string branchTip, string? worktree)
    {
        var tracking = $"refs/remotes/{ctx.Remote}/{issue.Branch}";
        if (!ctx.Options.NoFetch && !RemoteBase.Fetch(ctx.Root, ctx.Remote, issue.Branch, tracking))
        {
            // The remote has no such branch (any more): the push creates it, and the lease says it must not exist.
            GitCli.Run(ctx.Root, ["update-ref", "-d", tracking], check: false);
            return;
        }
        var remoteTip = GitQueries.ResolveCommit(ctx.Root, tracking);
        if (remoteTip is null || GitQueries.IsAncestor(ctx.Root, remoteTip, branchTip)) return;
        var pull = worktree is null ? $"git branch -f {issue.Branch} {ctx.Remote}/{issue.Branch}" : $"git -C \"{worktree}\" pull --rebase {ctx.Remote} {issue.Branch}";
        throw new WorktreeToolsException("IssueBranchBehindRemote", ErrorKind.InvalidOperation,
            $"'{ctx.Remote}/{issue.Branch}' has commits that '{issue.Branch}' lacks (someone pushed to the issue's branch): a rebase pushed " +
            $"with -Push would drop them. Bring them into the issue's branch first ({pull}), then merge again; nothing was changed.",
            issue.Branch, recommendedAction: pull);
    }
}
