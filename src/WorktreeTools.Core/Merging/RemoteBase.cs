using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging;

/// <summary>The base branch as the merge will use it.</summary>
/// <param name="Tip">The commit to merge onto (after a safe fast-forward to the remote, if one was needed).</param>
/// <param name="Note">What was done or would be done to bring the base up to date, if anything.</param>
internal sealed record BaseState(string Tip, string? Remote, string? Note);

/// <summary>
/// The checklist's "base up to date with its remote": fetch the base, fast-forward a local base that is behind
/// (only when its checkout allows it), refuse a base that diverged. Never merges onto a stale base silently.
/// </summary>
internal static class RemoteBase
{
    public static BaseState Prepare(string root, string branch, string? checkout, string? remote, bool fetch, bool dryRun)
    {
        var local = GitQueries.BranchTip(root, branch, "BaseNotFound", "base");
        if (remote is null || !GitQueries.HasRemote(root, remote)) return new BaseState(local, null, null);
        var tracking = $"refs/remotes/{remote}/{branch}";
        if (fetch && !Fetch(root, remote, branch, tracking)) return new BaseState(local, remote, null);
        var remoteTip = GitQueries.ResolveCommit(root, tracking);
        if (remoteTip is null || remoteTip == local || GitQueries.IsAncestor(root, remoteTip, local)) return new BaseState(local, remote, null);

        if (!GitQueries.IsAncestor(root, local, remoteTip))
            throw new WorktreeToolsException("BaseDiverged", ErrorKind.InvalidOperation,
                $"'{branch}' and '{remote}/{branch}' have diverged: each has commits the other lacks. Bring them together first " +
                $"(for example 'git pull --rebase' in the checkout of '{branch}'); nothing was changed.", branch,
                recommendedAction: "git pull --rebase");
        var behind = GitCli.Read(root, ["rev-list", "--count", local + ".." + remoteTip]).Output.Trim();
        if (dryRun) return new BaseState(remoteTip, remote, $"'{branch}' is {behind} commit(s) behind '{remote}/{branch}' and would be fast-forwarded first");
        try
        {
            BranchMover.Move(root, branch, checkout, local, remoteTip, $"worktree-tools: fast-forward {branch} to {remote}/{branch}", "BaseBehindRemote");
        }
        catch (WorktreeToolsException ex) when (ex.ErrorId is "BaseBehindRemote" or "BaseMoved")
        {
            throw new WorktreeToolsException("BaseBehindRemote", ErrorKind.InvalidOperation,
                $"'{branch}' is {behind} commit(s) behind '{remote}/{branch}' and cannot be fast-forwarded safely: {ex.Message}", branch, ex,
                recommendedAction: $"git pull --ff-only (in the checkout of '{branch}')");
        }
        return new BaseState(remoteTip, remote, $"fast-forwarded '{branch}' by {behind} commit(s) to '{remote}/{branch}'");
    }

    /// <summary>Fetches one branch into its remote-tracking ref; false when the remote does not have it. Throws <c>FetchFailed</c>.</summary>
    public static bool Fetch(string root, string remote, string branch, string tracking)
    {
        var r = GitCli.Run(root, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, $"+refs/heads/{branch}:{tracking}"], check: false);
        if (r.Success) return true;
        if (GitCli.Run(root, ["ls-remote", "--exit-code", "--heads", remote, "refs/heads/" + branch], check: false).ExitCode == 2) return false;
        throw new WorktreeToolsException("FetchFailed", ErrorKind.ResourceUnavailable,
            $"Could not fetch '{branch}' from '{remote}' to check that the base is up to date: {r.Error.Trim()} Nothing was changed.", remote,
            recommendedAction: "Check the network and credentials, or pass -NoFetch to merge onto the local base as it is.");
    }
}
