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

    /// <summary>Throws <c>IssueWorktreeDirty</c> if the issue worktree has uncommitted or untracked files.</summary>
    public static void EnsureClean(string? worktree, string issue)
    {
        if (worktree is null) return;
        if (!Directory.Exists(worktree))
            throw new WorktreeToolsException("WorktreeNotFound", ErrorKind.ObjectNotFound, $"The worktree of issue {issue} ({worktree}) does not exist.", worktree);
        var dirty = WorktreeStatus.Read(worktree).Paths;
        if (dirty.Count == 0) return;
        throw new WorktreeToolsException("IssueWorktreeDirty", ErrorKind.InvalidOperation,
            $"The worktree of issue {issue} ({worktree}) has {dirty.Count} uncommitted or untracked file(s): {Sample(dirty)}. " +
            "Commit or stash them first; nothing was changed.", worktree, recommendedAction: $"git -C \"{worktree}\" status");
    }

    /// <summary>The first few entries of a list, for messages.</summary>
    public static string Sample(IReadOnlyCollection<string> items, int max = 5) =>
        string.Join(", ", items.Take(max)) + (items.Count > max ? $" and {items.Count - max} more" : "");
}
