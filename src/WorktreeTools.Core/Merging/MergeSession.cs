using WorktreeTools.Core.State;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// One merge run on a repository (a single issue or a whole train): holds the per-repository merge lock so two
/// merges never run at once, removes a staging worktree a killed run left behind, hands out the staging
/// worktree, and removes it when the run ends — however it ends.
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
        try
        {
            StagingWorktree.RemoveLeftover(root);
            return new MergeSession(root, fileLock, host);
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    /// <summary>The staging worktree with <paramref name="commit"/> checked out, created on first use.</summary>
    public StagingWorktree Staging(string commit)
    {
        if (_staging is null) _staging = StagingWorktree.Create(Root, commit);
        else _staging.Checkout(commit);
        return _staging;
    }

    public void Dispose()
    {
        try { _staging?.Remove(); }
        catch (WorktreeToolsException ex) { _host.Warning(ex.Message); }
        finally { _lock.Dispose(); }
    }
}
