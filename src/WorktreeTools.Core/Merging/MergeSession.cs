using WorktreeTools.Core.State;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// One merge or sync run on a repository (a single issue or a whole train): holds the per-repository merge lock so
/// two never run at once (the OS releases it if the process dies), first finishes what a killed run left (a base
/// checkout moved halfway, test processes still running in staging), hands out the staging worktree, and cleans it
/// when the run ends — however it ends.
/// </summary>
internal sealed class MergeSession : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly IOperationHost _host;
    private FileLock? _lock;
    private StagingWorktree? _staging;
    private string? _recovered;

    private MergeSession(string root, TimeSpan timeout, IOperationHost host)
    {
        Root = root;
        _timeout = timeout;
        _host = host;
    }

    public string Root { get; }

    public static string LockPath(string root) => Path.Combine(ToolPaths.RepositoryStateDirectory(root), "merge.lock");

    /// <summary>
    /// Opens a session, taking the lock now, or (<paramref name="lazy"/>) only when something is about to be built or
    /// changed (<see cref="Lock"/>): a dry run that never builds anything then writes nothing, not even the lock file.
    /// </summary>
    public static MergeSession Open(string root, TimeSpan timeout, IOperationHost host, bool lazy = false)
    {
        var session = new MergeSession(root, timeout, host);
        if (lazy) return session;
        try
        {
            session.Lock();
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// For Repair-IssueWorktree: finishes what a killed merge left (a half-moved checkout, test processes in staging),
    /// unless a merge or sync is running now (it does that itself). Returns what was done, or null.
    /// </summary>
    public static string? FinishInterrupted(string root, IOperationHost host)
    {
        try
        {
            var file = BranchMoveJournal.RecoverFile(root);
            using var session = Open(root, TimeSpan.FromSeconds(2), host);
            return file is null ? session._recovered : session._recovered is null ? file : $"{file}; {session._recovered}";
        }
        catch (WorktreeToolsException ex) when (ex.ErrorId == "MergeInProgress")
        {
            return null;
        }
    }

    /// <summary>Takes the merge lock (once), then finishes what a killed merge left.</summary>
    public void Lock()
    {
        if (_lock is not null) return;
        try { _lock = FileLock.Acquire(LockPath(Root), _timeout); }
        catch (WorktreeToolsException ex) when (ex.ErrorId == "StateLockTimeout")
        {
            throw new WorktreeToolsException("MergeInProgress", ErrorKind.ResourceBusy,
                $"Another merge or sync of {Root} is running (it holds {LockPath(Root)}). Try again when it has finished.", Root, ex);
        }
        // What a killed merge left: a half-moved checkout, and processes of its test gate.
        _recovered = BranchMoveJournal.Recover(Root, _host);
        StagingWorktree.StopSurvivors(Root, _host);
    }

    /// <summary>The staging worktree with <paramref name="commit"/> checked out, opened on first use (under the lock).</summary>
    public StagingWorktree Staging(string commit)
    {
        Lock();
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
        finally { _lock?.Dispose(); }
    }
}
