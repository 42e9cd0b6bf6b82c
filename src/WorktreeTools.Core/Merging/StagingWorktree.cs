using WorktreeTools.Core.Git;
using WorktreeTools.Core.Processes;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// The private, detached worktree where merges are built and tested, under the per-repository state folder (never
/// inside the user's checkouts). One per repository, used only under the merge lock. It is kept between runs so a
/// merge only rewrites the files that changed (a fresh checkout of a large repository costs seconds) and installed
/// dependencies can be reused by the next gate; it is cleaned (operation aborted, tracked files reset, untracked
/// files removed) at the end of every run and before every use, emptied of every ignored file but the dependencies
/// before a gate run (<see cref="CheckoutExactly"/>), and re-created when damaged — including what a killed process
/// left behind. It is locked in git (<c>git worktree list</c> shows why) so a prune keeps it.
/// </summary>
public sealed class StagingWorktree
{
    private const string LockReason = "WorktreeTools merge staging (reused by Merge-IssueWorktree; safe to remove)";
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

    /// <summary>The staging worktree with <paramref name="commit"/> checked out (detached): the existing one cleaned, or a new one.</summary>
    internal static StagingWorktree Open(string repositoryRoot, string commit)
    {
        var path = PathFor(repositoryRoot);
        if (IsRegistered(repositoryRoot, path) && Directory.Exists(path))
        {
            var existing = new StagingWorktree(repositoryRoot, path);
            try
            {
                existing.Checkout(commit);
                return existing;
            }
            catch (WorktreeToolsException)
            {
                // Damaged beyond cleaning: start again below.
            }
        }
        RemoveLeftover(repositoryRoot);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        GitCli.Run(repositoryRoot, ["worktree", "add", "--quiet", "--detach", "--lock", "--reason", LockReason, path, commit]);
        return new StagingWorktree(repositoryRoot, path);
    }

    /// <summary>Checks out <paramref name="commit"/> (detached), dropping whatever the previous step left.</summary>
    internal void Checkout(string commit)
    {
        AbortAndUnlock();
        GitCli.Run(Path, ["checkout", "--quiet", "--detach", "--force", commit]);
        GitCli.Run(Path, ["clean", "-ffdq"]);
    }

    /// <summary>
    /// Checks out <paramref name="commit"/> with nothing else in the folder: every untracked and ignored file goes, except
    /// the paths <paramref name="keep"/> names (gitignore patterns, such as installed dependencies that still fit).
    /// </summary>
    internal void CheckoutExactly(string commit, IReadOnlyList<string> keep)
    {
        AbortAndUnlock();
        GitCli.Run(Path, ["checkout", "--quiet", "--detach", "--force", commit]);
        GitCli.Run(Path, ["clean", "-ffdxq", .. keep.SelectMany(k => new[] { "-e", k })]);
    }

    /// <summary>
    /// Ends every process still working inside the staging worktree of <paramref name="repositoryRoot"/> (a test gate's
    /// child that escaped its tree, or the tree of a gate whose merge process was killed): nothing from an earlier run
    /// may change the verdict of the next one.
    /// </summary>
    internal static void StopSurvivors(string repositoryRoot, IOperationHost host)
    {
        var path = PathFor(repositoryRoot);
        if (!Directory.Exists(path)) return;
        var found = FolderProcesses.Find(path);
        if (found.Count == 0) return;
        var stop = ProcessTree.Stop(found.Select(p => p.Identity), TimeSpan.FromSeconds(3), host.Cancellation);
        host.Verbose($"Ended {stop.Stopped.Count} process(es) left running in the merge staging worktree: {string.Join(", ", found.Take(5))}.");
        if (stop.Remaining.Count > 0)
            host.Warning($"Could not end every process left in the merge staging worktree: {string.Join(", ", stop.Remaining)} still run.");
    }

    /// <summary>Aborts any operation in progress and throws away uncommitted and untracked files (ignored ones stay).</summary>
    internal void Clean()
    {
        AbortAndUnlock();
        GitCli.Run(Path, ["reset", "--quiet", "--hard"]);
        GitCli.Run(Path, ["clean", "-ffdq"]);
    }

    /// <summary>Removes the staging worktree of <paramref name="repositoryRoot"/>, registered or not, if there is one.</summary>
    internal static void RemoveLeftover(string repositoryRoot)
    {
        var path = PathFor(repositoryRoot);
        var registered = IsRegistered(repositoryRoot, path);
        if (registered) GitCli.Run(repositoryRoot, ["worktree", "remove", "--force", "--force", path], check: false);
        if (Directory.Exists(path)) ForceDelete(path);
        if (registered && IsRegistered(repositoryRoot, path))
            throw new WorktreeToolsException("StagingCleanupFailed", ErrorKind.InvalidOperation,
                $"Could not remove the merge staging worktree {path}. Run 'git worktree remove --force --force \"{path}\"' and try again.", path);
    }

    /// <summary>
    /// Aborts a merge, rebase or cherry-pick a previous step (or a killed process) left, and removes git's index lock:
    /// under the merge lock nothing else uses this worktree, so a lock file here is always stale.
    /// </summary>
    private void AbortAndUnlock()
    {
        var gitDir = WorktreeStatus.GitDirOf(Path)
            ?? throw new WorktreeToolsException("StagingDamaged", ErrorKind.InvalidOperation, $"{Path} is not a git worktree any more.", Path);
        var indexLock = System.IO.Path.Combine(gitDir, "index.lock");
        if (File.Exists(indexLock)) File.Delete(indexLock);
        if (GitQueries.OperationInProgress(Path) is { } op) GitCli.Run(Path, [op, "--abort"], check: false);
        var squashMessage = System.IO.Path.Combine(gitDir, "SQUASH_MSG");
        if (File.Exists(squashMessage)) File.Delete(squashMessage);
        if (GitQueries.OperationInProgress(Path) is { } still)
            throw new WorktreeToolsException("StagingDamaged", ErrorKind.InvalidOperation, $"A {still} in {Path} could not be aborted.", Path);
    }

    private static bool IsRegistered(string repositoryRoot, string path) =>
        GitWorktree.List(repositoryRoot).Any(w => GitQueries.PathComparer.Equals(w.Path, RepositoryInfo.Normalize(path)));

    private static void ForceDelete(string dir)
    {
        // Windows refuses to delete read-only files; links are skipped so nothing outside the folder is touched.
        if (OperatingSystem.IsWindows())
            foreach (var f in Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
                File.SetAttributes(f, FileAttributes.Normal);
        Directory.Delete(dir, recursive: true);
    }
}
