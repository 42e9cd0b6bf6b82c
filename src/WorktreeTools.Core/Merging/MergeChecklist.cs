using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging;

/// <summary>The workflow document's merge checklist, as checks that stop before anything is changed.</summary>
internal static class MergeChecklist
{
    /// <summary>Throws <c>OperationInProgress</c> if a merge, rebase, cherry-pick or revert is under way in any of the worktrees.</summary>
    public static void EnsureNoOperationInProgress(params string?[] worktrees)
    {
        foreach (var wt in worktrees.OfType<string>().Distinct(GitQueries.PathComparer))
        {
            if (!Directory.Exists(wt)) continue;
            var op = GitQueries.OperationInProgress(wt);
            if (op is null) continue;
            throw new WorktreeToolsException("OperationInProgress", ErrorKind.InvalidOperation,
                $"A {op} is in progress in {wt}. Finish it ('git {op} --continue') or abort it ('git {op} --abort') first.", wt,
                recommendedAction: $"git -C \"{wt}\" {op} --abort");
        }
    }

    /// <summary>
    /// Throws <c>IssueWorktreeDirty</c> if the issue worktree (an existing folder, or null for none) has uncommitted or
    /// untracked files; <paramref name="status"/> is its status when it was just read (else it is read here).
    /// </summary>
    public static void EnsureClean(string? worktree, string issue, WorktreeStatus? status = null)
    {
        if (worktree is null) return;
        var dirty = (status ?? WorktreeStatus.Read(worktree)).Paths;
        if (dirty.Count == 0) return;
        throw new WorktreeToolsException("IssueWorktreeDirty", ErrorKind.InvalidOperation,
            $"The worktree of issue {issue} ({worktree}) has {dirty.Count} uncommitted or untracked file(s): {Sample(dirty)}. " +
            "Commit or stash them first; nothing was changed.", worktree, recommendedAction: $"git -C \"{worktree}\" status");
    }

    /// <summary>
    /// Throws <c>ConflictMarkersCommitted</c> if the issue's own changes (the <paramref name="picks"/>, or everything the
    /// branch changed since it left <paramref name="baseTip"/>) add conflict marker lines, as <c>git diff --check</c> finds them
    /// (it knows each file's <c>conflict-marker-size</c>).
    /// </summary>
    public static void EnsureNoConflictMarkers(string root, string issue, IReadOnlyList<string>? picks, string baseTip, string branchTip)
    {
        var r = picks is null
            ? GitCli.Read(root, ["diff", "--check", "--no-color", baseTip + "..." + branchTip, "--"], check: false)
            : GitCli.Read(root, ["show", "--check", "--no-color", "--format=", .. picks, "--"], check: false);
        var flagged = r.Output.Split('\n').Where(l => l.EndsWith(": leftover conflict marker", StringComparison.Ordinal))
            .Select(l => l[..l.LastIndexOf(':', l.Length - ": leftover conflict marker".Length - 1)]).Distinct().ToList();
        if (flagged.Count == 0) return;
        // A lone "=======" is also a Markdown heading: only files with a "<<<<<<<" or ">>>>>>>" line count.
        var markers = GitCli.Read(root, ["grep", "-n", "-E", "^(<{7}|>{7})( |$)", branchTip, "--", .. flagged], check: false).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(branchTip.Length + 1)..]).Select(l => l[..l.IndexOf(':', l.IndexOf(':') + 1)]).ToList();
        if (markers.Count == 0) return;
        throw new WorktreeToolsException("ConflictMarkersCommitted", ErrorKind.InvalidData,
            $"Issue {issue} commits conflict markers (a conflict resolved by committing it as it was) at {Sample(markers)}. " +
            "Resolve those conflicts in the issue's worktree and commit; nothing was changed.", issue,
            recommendedAction: "git diff --check " + baseTip[..Math.Min(10, baseTip.Length)] + "..." + branchTip[..Math.Min(10, branchTip.Length)]);
    }

    /// <summary>The first few entries of a list, for messages.</summary>
    public static string Sample(IReadOnlyCollection<string> items, int max = 5) =>
        string.Join(", ", items.Take(max)) + (items.Count > max ? $" and {items.Count - max} more" : "");
}
