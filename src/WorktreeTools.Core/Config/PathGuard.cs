namespace WorktreeTools.Core.Config;

/// <summary>
/// Keeps the paths a repository's file names inside the repository and its worktrees: after <c>..</c> and every
/// symbolic link on the way are resolved, a path must lie under the folder it belongs to.
/// </summary>
public static class PathGuard
{
    private static readonly StringComparison PathCase =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The full path with every symbolic link among its parts resolved (parts that do not exist yet stay as written).</summary>
    public static string Resolve(string path) => Resolve(Path.GetFullPath(path), 0);

    private static string Resolve(string full, int depth)
    {
        if (depth > 40)
            throw new WorktreeToolsException("PathLinkLoop", ErrorKind.InvalidData, $"{full}: too many levels of symbolic links.", full);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        var parts = full[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                // A link, dangling or not: continue from where it points (relative targets are relative to its folder).
                var rest = string.Join(Path.DirectorySeparatorChar, parts.Skip(i + 1));
                return Resolve(Path.GetFullPath(Path.Combine(Path.GetFullPath(target, current), rest)), depth + 1);
            }
            current = next;
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies under it, links resolved on both.</summary>
    public static bool IsInside(string path, string folder)
    {
        var p = Resolve(path).TrimEnd(Path.DirectorySeparatorChar);
        var f = Resolve(folder).TrimEnd(Path.DirectorySeparatorChar);
        return p.Equals(f, PathCase) || p.StartsWith(f + Path.DirectorySeparatorChar, PathCase);
    }

    /// <summary>
    /// <paramref name="path"/> when it lies inside <paramref name="folder"/> or the user's own file chose it
    /// (<paramref name="userChosen"/>); else <c>PathOutsideRepository</c> naming the key, before anything is changed.
    /// </summary>
    public static string Inside(string path, string folder, string key, bool userChosen)
    {
        if (userChosen || IsInside(path, folder)) return path;
        throw new WorktreeToolsException("PathOutsideRepository", ErrorKind.SecurityError,
            $"{key} leads to {Resolve(path)}, outside {folder}. A repository's .worktree-tools.yml may only name paths inside " +
            "the repository and its worktrees (after '..' and symbolic links are followed); nothing was changed. " +
            "If you want this path, set it in your own configuration file.", path);
    }
}
