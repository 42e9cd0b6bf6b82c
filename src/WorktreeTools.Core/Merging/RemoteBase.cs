using System.Globalization;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging;

/// <summary>How the local base branch stands against its remote-tracking branch.</summary>
internal enum BaseRelation { NoRemote, Same, LocalAhead, LocalBehind, Diverged }

/// <summary>The base branch, locally and on its remote.</summary>
internal sealed record BaseState(string Branch, string Local, string? Remote, string? RemoteTip, BaseRelation Relation, int Behind)
{
    /// <summary>The commit to build on: the remote's when the local base is strictly behind it, else the local one.</summary>
    public string Newest => Relation == BaseRelation.LocalBehind ? RemoteTip! : Local;

    public string? Note => Relation == BaseRelation.LocalBehind
        ? $"'{Branch}' is {Behind} commit(s) behind '{Remote}/{Branch}': the merge is built on '{Remote}/{Branch}' and '{Branch}' moves past it"
        : null;
}

/// <summary>
/// The checklist's "base up to date with its remote": fetch the base, build on the remote's tip when the local
/// base is behind (the local base catches up when the merge lands, only if its checkout allows it), refuse a
/// base that diverged. Never merges onto a stale base silently; never moves anything itself.
/// </summary>
internal static class RemoteBase
{
    /// <summary>Reads the base against its remote-tracking branch, fetching it first when <paramref name="fetch"/> is set.</summary>
    public static BaseState Read(string root, string branch, string? remote, bool fetch)
    {
        var local = GitQueries.BranchTip(root, branch, "BaseNotFound", "base");
        if (remote is null || !GitQueries.HasRemote(root, remote)) return new BaseState(branch, local, null, null, BaseRelation.NoRemote, 0);
        var tracking = $"refs/remotes/{remote}/{branch}";
        if (fetch && !Fetch(root, remote, branch, tracking)) return new BaseState(branch, local, remote, null, BaseRelation.NoRemote, 0);
        var remoteTip = GitQueries.ResolveCommit(root, tracking);
        if (remoteTip is null) return new BaseState(branch, local, remote, null, BaseRelation.NoRemote, 0);
        if (remoteTip == local) return new BaseState(branch, local, remote, remoteTip, BaseRelation.Same, 0);
        if (GitQueries.IsAncestor(root, remoteTip, local)) return new BaseState(branch, local, remote, remoteTip, BaseRelation.LocalAhead, 0);
        var relation = GitQueries.IsAncestor(root, local, remoteTip) ? BaseRelation.LocalBehind : BaseRelation.Diverged;
        var behind = int.Parse(GitCli.Read(root, ["rev-list", "--count", local + ".." + remoteTip]).Output.Trim(), CultureInfo.InvariantCulture);
        return new BaseState(branch, local, remote, remoteTip, relation, behind);
    }

    /// <summary>
    /// <see cref="Read"/>, then the merge checklist: throws <c>BaseDiverged</c>, or <c>BaseBehindRemote</c> when the base is
    /// behind and its checkout (<paramref name="checkout"/>) has local changes in files the remote changed.
    /// </summary>
    public static BaseState ReadForMerge(string root, string branch, string? checkout, string? remote, bool fetch)
    {
        var state = Read(root, branch, remote, fetch);
        if (state.Relation == BaseRelation.Diverged)
            throw new WorktreeToolsException("BaseDiverged", ErrorKind.InvalidOperation,
                $"'{branch}' and '{remote}/{branch}' have diverged: each has commits the other lacks. Bring them together first " +
                $"(for example 'git pull --rebase' in the checkout of '{branch}'); nothing was changed.", branch,
                recommendedAction: "git pull --rebase");
        if (state.Relation != BaseRelation.LocalBehind) return state;
        try
        {
            BranchMover.EnsureSafe(root, branch, checkout, state.Local, state.RemoteTip!, "BaseBehindRemote");
        }
        catch (WorktreeToolsException ex)
        {
            throw new WorktreeToolsException("BaseBehindRemote", ErrorKind.InvalidOperation,
                $"'{branch}' is {state.Behind} commit(s) behind '{remote}/{branch}' and cannot be brought up to date safely: {ex.Message}", branch, ex,
                recommendedAction: $"git pull --ff-only (in the checkout of '{branch}', once its changes are committed or stashed)");
        }
        return state;
    }

    /// <summary>Fetches one branch into its remote-tracking ref; false when the remote does not have it. Throws <c>FetchFailed</c>.</summary>
    internal static bool Fetch(string root, string remote, string branch, string tracking)
    {
        var r = GitCli.Run(root, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, $"+refs/heads/{branch}:{tracking}"], check: false);
        if (r.Success) return true;
        if (GitCli.Run(root, ["ls-remote", "--exit-code", "--heads", remote, "refs/heads/" + branch], check: false).ExitCode == 2) return false;
        throw new WorktreeToolsException("FetchFailed", ErrorKind.ResourceUnavailable,
            $"Could not fetch '{branch}' from '{remote}' to check that it is up to date: {r.Error.Trim()} Nothing was changed.", remote,
            recommendedAction: "Check the network and credentials, or pass -NoFetch to merge onto the local base as it is.");
    }
}
