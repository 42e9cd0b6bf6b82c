using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// The private, detached worktree where merges are built and tested, under the per-repository state folder
/// (never inside the user's checkouts). One per repository, used under the merge lock: created at the start
/// of a merge, reset between the issues of a train, removed at the end — and a leftover from a killed process
/// is removed before the next use.
/// </summary>
public sealed class StagingWorktree
{
    private readonly string _repositoryRoot;

    private StagingWorktree(string repositoryRoot, string path)
    {
        _repositoryRoot = repositoryRoot;
        Path = path;
    }

    /// <summary>The staging folder of a repository (Get-IssueWorktree should not list it as the user's).</summary>
    public static string PathFor(string repositoryRoot) =>
        System.IO.Path.Combine(ToolPaths.RepositoryStateDirectory(repositoryRoot), "merge-staging");

    public string Path { get; }

    /// <summary>A fresh staging worktree with <paramref name="commit"/> checked out (detached); any leftover is removed first.</summary>
    internal static StagingWorktree Create(string repositoryRoot, string commit)
    {
        RemoveLeftover(repositoryRoot);
        var path = PathFor(repositoryRoot);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        GitCli.Run(repositoryRoot, ["worktree", "add", "--quiet", "--detach", path, commit]);
        return new StagingWorktree(repositoryRoot, path);
    }

    /// <summary>Checks out <paramref name="commit"/> (detached), dropping whatever the previous step left.</summary>
    internal void Checkout(string commit)
    {
        Clean();
        GitCli.Run(Path, ["checkout", "--quiet", "--detach", "--force", commit]);
    }

    /// <summary>Aborts any operation in progress and throws away uncommitted and untracked files (ignored ones stay).</summary>
    internal void Clean()
    {
        var op = GitQueries.OperationInProgress(Path);
        if (op is not null) GitCli.Run(Path, [op, "--abort"], check: false);
        var squashMessage = System.IO.Path.Combine(WorktreeStatus.GitDirOf(Path) ?? Path, "SQUASH_MSG");
        if (File.Exists(squashMessage)) File.Delete(squashMessage);
        GitCli.Run(Path, ["reset", "--quiet", "--hard"]);
        GitCli.Run(Path, ["clean", "-ffdq"]);
    }

    /// <summary>Removes the staging worktree of <paramref name="repositoryRoot"/>, registered or not, if there is one.</summary>
    internal static void RemoveLeftover(string repositoryRoot)
    {
        var path = PathFor(repositoryRoot);
        var registered = GitWorktree.List(repositoryRoot).Any(w => GitQueries.PathComparer.Equals(w.Path, RepositoryInfo.Normalize(path)));
        if (registered)
        {
            // A killed git may have left its index lock behind; the staging worktree is only ever ours.
            if (WorktreeStatus.GitDirOf(path) is { } gitDir && File.Exists(System.IO.Path.Combine(gitDir, "index.lock")))
                File.Delete(System.IO.Path.Combine(gitDir, "index.lock"));
            GitCli.Run(repositoryRoot, ["worktree", "remove", "--force", "--force", path], check: false);
        }
        if (Directory.Exists(path)) ForceDelete(path);
        if (registered && GitWorktree.List(repositoryRoot).Any(w => GitQueries.PathComparer.Equals(w.Path, RepositoryInfo.Normalize(path))))
            throw new WorktreeToolsException("StagingCleanupFailed", ErrorKind.InvalidOperation,
                $"Could not remove the merge staging worktree {path}. Run 'git worktree remove --force --force \"{path}\"' and try again.", path);
    }

    internal void Remove() => RemoveLeftover(_repositoryRoot);

    private static void ForceDelete(string dir)
    {
        // Windows refuses to delete read-only files; links are skipped so nothing outside the folder is touched.
        if (OperatingSystem.IsWindows())
            foreach (var f in Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
                File.SetAttributes(f, FileAttributes.Normal);
        Directory.Delete(dir, recursive: true);
    }
}
