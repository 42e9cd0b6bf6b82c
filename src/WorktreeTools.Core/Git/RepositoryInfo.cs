namespace WorktreeTools.Core.Git;

/// <summary>
/// Where a repository is: the main worktree (where <c>.worktree-tools.yml</c> lives), the common git
/// directory shared by all worktrees, and the worktree the caller stands in.
/// </summary>
public sealed record RepositoryInfo(string MainRoot, string CommonDir, string CurrentRoot)
{
    public string Name => Path.GetFileName(MainRoot.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));

    /// <summary>Finds the repository that contains <paramref name="path"/>, from the main checkout or any of its worktrees.</summary>
    public static RepositoryInfo Discover(string path)
    {
        GitCli.EnsureVersion();
        if (!Directory.Exists(path))
            throw new WorktreeToolsException("PathNotFound", ErrorKind.ObjectNotFound, $"The folder '{path}' does not exist.", path);
        var r = GitCli.Read(path, ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir", "--is-bare-repository"], check: false);
        if (!r.Success)
            throw new WorktreeToolsException("NotAGitRepository", ErrorKind.InvalidOperation,
                $"'{path}' is not inside a git repository. Run this from your project's checkout (or pass -Repository).", path,
                recommendedAction: "cd into a git repository, or run 'git init' first.");
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 3 || lines[2].Trim() == "true")
            throw new WorktreeToolsException("BareRepositoryNotSupported", ErrorKind.InvalidOperation,
                $"'{path}' is a bare repository; WorktreeTools works from a checkout with a main worktree.", path);
        var current = Normalize(lines[0]);
        var common = Normalize(lines[1]);
        // The main worktree is the folder that holds the common .git directory.
        var main = Path.GetFileName(common) == ".git" ? Path.GetDirectoryName(common)! : current;
        return new RepositoryInfo(main, common, current);
    }

    public static string Normalize(string p) =>
        Path.GetFullPath(p.Trim()).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
}
