using WorktreeTools.Core.State;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// One merge or sync run on a repository (a single issue or a whole train): holds the per-repository merge lock so
/// two never run at once (the OS releases it if the process dies), hands out the staging worktree, and cleans it
/// when the run ends — however it ends.
/// </summary>
internal sealed class MergeSession : IDisposable
{
    private readonly FileLock _lock;
    private readonly IOperationHost _host;
    private StagingWorktree? _staging;

    private MergeSession(string root, FileLock fileLock, IOperationHost host)
    {
        Root = root;
        _lock = fileLock;
        _host = host;
    }

    public string Root { get; }

    public static string LockPath(string root) => Path.Combine(ToolPaths.RepositoryStateDirectory(root), "merge.lock");

    public static MergeSession Open(string root, TimeSpan timeout, IOperationHost host)
    {
        FileLock fileLock;
        try { fileLock = FileLock.Acquire(LockPath(root), timeout); }
        catch (WorktreeToolsException ex) when (ex.ErrorId == "StateLockTimeout")
        {
            throw new WorktreeToolsException("MergeInProgress", ErrorKind.ResourceBusy,
                $"Another merge or sync of {root} is running (it holds {LockPath(root)}). Try again when it has finished.", root, ex);
        }
        return new MergeSession(root, fileLock, host);
    }

    /// <summary>The staging worktree with <paramref name="commit"/> checked out, opened on first use.</summary>
    public StagingWorktree Staging(string commit)
    {
        if (_staging is null) _staging = StagingWorktree.Open(Root, commit);
        else _staging.Checkout(commit);
        return _staging;
    }

    public void Dispose()
    {
        try { _staging?.Clean(); }
        catch (Exception ex) when (ex is WorktreeToolsException or IOException or UnauthorizedAccessException)
        {
            _host.Warning($"Could not clean the merge staging worktree (the next merge will): {ex.Message}");
        }
        finally { _lock.Dispose(); }
    }
}
