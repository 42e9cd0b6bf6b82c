namespace WorktreeTools.Core.Git;

/// <summary>One entry of <c>git worktree list --porcelain -z</c>.</summary>
public sealed record GitWorktree(string Path, string? Head, string? Branch, bool Bare, bool Detached, bool Locked, string? LockReason, bool Prunable)
{
    public bool Exists => Directory.Exists(Path);

    /// <summary>The worktrees git knows of the repository at <paramref name="repoRoot"/>; the first is the main worktree.</summary>
    public static List<GitWorktree> List(string repoRoot)
    {
        var output = GitCli.Read(repoRoot, ["worktree", "list", "--porcelain", "-z"]).Output;
        var result = new List<GitWorktree>();
        string? path = null, head = null, branch = null, lockReason = null;
        bool bare = false, detached = false, locked = false, prunable = false;
        foreach (var field in output.Split('\0'))
        {
            if (field.Length == 0)
            {
                if (path is not null)
                    result.Add(new GitWorktree(RepositoryInfo.Normalize(path), head, branch, bare, detached, locked, lockReason, prunable));
                path = head = branch = lockReason = null;
                bare = detached = locked = prunable = false;
                continue;
            }
            var space = field.IndexOf(' ');
            var key = space < 0 ? field : field[..space];
            var value = space < 0 ? null : field[(space + 1)..];
            switch (key)
            {
                case "worktree": path = value; break;
                case "HEAD": head = value; break;
                case "branch": branch = value?.StartsWith("refs/heads/", StringComparison.Ordinal) == true ? value[11..] : value; break;
                case "bare": bare = true; break;
                case "detached": detached = true; break;
                case "locked": locked = true; lockReason = string.IsNullOrEmpty(value) ? null : value; break;
                case "prunable": prunable = true; break;
            }
        }
        return result;
    }
}
