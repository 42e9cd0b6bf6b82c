using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>The small read-only git questions the merge engine asks, answered from machine-readable output.</summary>
internal static class GitQueries
{
    /// <summary>Paths compare as the file system does: exactly on Linux, ignoring case elsewhere.</summary>
    public static readonly StringComparer PathComparer = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    /// <summary>Splits <c>-z</c> output into its entries (empty entries dropped).</summary>
    public static List<string> SplitZ(string output) =>
        output.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The commit a revision names, or null if there is none.</summary>
    public static string? ResolveCommit(string dir, string revision)
    {
        var r = GitCli.Read(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"], check: false);
        return r.Success ? r.Output.Trim() : null;
    }

    /// <summary>The tree of a commit.</summary>
    public static string TreeOf(string dir, string commit) => GitCli.Read(dir, ["rev-parse", commit + "^{tree}"]).Output.Trim();

    public static string BranchTip(string dir, string branch, string errorId, string what) =>
        ResolveCommit(dir, "refs/heads/" + branch)
        ?? throw new WorktreeToolsException(errorId, ErrorKind.ObjectNotFound, $"The {what} branch '{branch}' does not exist.", branch);

    /// <summary>True when <paramref name="ancestor"/> is reachable from <paramref name="descendant"/> (or equal).</summary>
    public static bool IsAncestor(string dir, string ancestor, string descendant)
    {
        var r = GitCli.Read(dir, ["merge-base", "--is-ancestor", ancestor, descendant], check: false);
        return r.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw new WorktreeToolsException("GitCommandFailed", ErrorKind.InvalidOperation,
                $"git merge-base --is-ancestor {ancestor} {descendant} failed: {r.Error.Trim()}", dir),
        };
    }

    public static string? MergeBase(string dir, string a, string b)
    {
        var r = GitCli.Read(dir, ["merge-base", a, b], check: false);
        return r.Success ? r.Output.Trim() : null;
    }

    /// <summary>Commits of a range such as <c>a..b</c>, oldest first.</summary>
    public static List<MergeCommit> Commits(string dir, params string[] revisions) =>
        ParseCommits(GitCli.Read(dir, ["log", "-z", "--reverse", CommitFormat, .. revisions, "--"]).Output);

    /// <summary>Every path that differs between two commits (renames listed as delete + add).</summary>
    public static List<string> ChangedPaths(string dir, string from, string to, string? filter = null) =>
        SplitZ(GitCli.Read(dir, ["diff", "--name-only", "--no-renames", "-z", .. filter is null ? Array.Empty<string>() : ["--diff-filter=" + filter], from, to, "--"]).Output);

    /// <summary>Every changed path between two commits with its status letter (A, M, D, T; renames as D + A), from one <c>diff --name-status</c>.</summary>
    public static List<(char Status, string Path)> Changes(string dir, string from, string to)
    {
        var fields = SplitZ(GitCli.Read(dir, ["diff", "--name-status", "--no-renames", "-z", from, to, "--"]).Output);
        var changes = new List<(char, string)>(fields.Count / 2);
        for (var i = 0; i + 1 < fields.Count; i += 2) changes.Add((fields[i][0], fields[i + 1]));
        return changes;
    }

    /// <summary>Paths with unresolved conflicts in a worktree, sorted.</summary>
    public static List<string> UnmergedPaths(string worktree) =>
        SplitZ(GitCli.Read(worktree, ["diff", "--name-only", "--diff-filter=U", "-z"]).Output).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>True when nothing is staged (the index equals HEAD).</summary>
    public static bool NothingStaged(string worktree) =>
        GitCli.Read(worktree, ["diff", "--cached", "--quiet"], check: false).ExitCode == 0;

    public static string Head(string worktree) => GitCli.Read(worktree, ["rev-parse", "HEAD"]).Output.Trim();

    /// <summary>The git command of the operation in progress in a worktree (<c>merge</c>, <c>rebase</c>, <c>cherry-pick</c>, <c>revert</c>), or null.</summary>
    public static string? OperationInProgress(string worktree) => WorktreeStatus.InProgress(worktree) switch
    {
        "Merge" => "merge",
        "Rebase" => "rebase",
        "CherryPick" => "cherry-pick",
        "Revert" => "revert",
        _ => null,
    };

    /// <summary>The configured remotes.</summary>
    public static bool HasRemote(string dir, string remote) =>
        GitCli.Read(dir, ["remote"]).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains(remote);

    /// <summary>Sha and subject of each commit, in the order given.</summary>
    public static List<MergeCommit> Describe(string dir, IReadOnlyCollection<string> commits) =>
        commits.Count == 0 ? [] : ParseCommits(GitCli.Read(dir, ["show", "-s", "-z", CommitFormat, .. commits]).Output);

    private const string CommitFormat = "--format=%H%x1f%s";

    private static List<MergeCommit> ParseCommits(string output) =>
        SplitZ(output).Select(e => e.Split('\x1f', 2)).Select(p => new MergeCommit(p[0].Trim(), p.Length > 1 ? p[1] : "")).ToList();

    /// <summary>How many parents a commit has.</summary>
    public static int ParentCount(string dir, string commit) =>
        GitCli.Read(dir, ["rev-list", "--parents", "-n", "1", commit]).Output.Trim().Split(' ').Length - 1;
}
