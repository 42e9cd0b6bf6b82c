using System.Collections.Concurrent;
using System.Management.Automation;

namespace WorktreeTools.Commands;

/// <summary>
/// The shared base of every cmdlet: it turns engine exceptions into ErrorRecords with stable ids, and it is
/// the engine's <see cref="IOperationHost"/> (progress, verbose, warnings, ShouldProcess, Ctrl+C).
/// A cmdlet only binds, asks, calls and writes.
/// </summary>
public abstract class WorktreeCmdlet : PSCmdlet, IOperationHost
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The folder to work from (the repository or any of its worktrees); defaults to the current location.</summary>
    protected string WorkingDirectory =>
        SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    /// <summary>A user-supplied path (PowerShell drive paths allowed) as a file-system path; null means the current location.</summary>
    protected string ResolvePath(string? path) =>
        string.IsNullOrEmpty(path) ? WorkingDirectory : GetUnresolvedProviderPathFromPSPath(path);

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Runs <paramref name="action"/>; an engine error becomes a non-terminating error for this input.</summary>
    protected void Try(Action action, object? target = null)
    {
        _pipelineThread = Environment.CurrentManagedThreadId;
        try
        {
            action();
            FlushOtherThreads();
        }
        catch (Exception ex) when (!IsPowerShells(ex))
        {
            FlushOtherThreads();
            WriteError(ToErrorRecord(ex, target));
        }
    }

    /// <summary>Runs <paramref name="action"/>; an engine error stops the command.</summary>
    protected void TryOrStop(Action action, object? target = null)
    {
        _pipelineThread = Environment.CurrentManagedThreadId;
        try
        {
            action();
            FlushOtherThreads();
        }
        catch (Exception ex) when (!IsPowerShells(ex))
        {
            FlushOtherThreads();
            ThrowTerminatingError(ToErrorRecord(ex, target));
        }
    }

    /// <summary>
    /// PowerShell's own exceptions pass through untouched: they come from the pipeline, not from the engine
    /// (WriteObject runs the next command): break, continue and exit in a downstream script (flow control), a
    /// stopped pipeline (Ctrl+C, Select-Object -First), a downstream terminating error or -ErrorAction Stop, or
    /// a script block that threw, or the host (a confirmation prompt in <c>pwsh -NonInteractive</c> throws
    /// PSInvalidOperationException, which PowerShell's own cmdlets report as InvalidOperation). Turned into
    /// "WorktreeTools failed unexpectedly" they would change what the script does (a break that does not break, a
    /// throw that only writes an error) and blame the module. Each carries its ErrorRecord (IContainsErrorRecord).
    /// </summary>
    private static bool IsPowerShells(Exception ex) => ex is FlowControlException or IContainsErrorRecord;

    internal static ErrorRecord ToErrorRecord(Exception ex, object? target)
    {
        if (ex is OperationCanceledException)
            return new ErrorRecord(ex, "OperationStopped", ErrorCategory.OperationStopped, target);
        if (ex is WorktreeToolsException w)
        {
            var category = Enum.TryParse<ErrorCategory>(w.Kind.ToString(), out var c) ? c : ErrorCategory.NotSpecified;
            var record = new ErrorRecord(w, w.ErrorId, category, w.Target ?? target);
            if (w.RecommendedAction is not null)
                record.ErrorDetails = new ErrorDetails(w.Message) { RecommendedAction = w.RecommendedAction };
            return record;
        }
        // Never a raw .NET or LibGit2Sharp exception: wrap it, keep it as the inner exception for diagnosis.
        var wrapped = new WorktreeToolsException("UnexpectedError", ErrorKind.NotSpecified,
            $"WorktreeTools failed unexpectedly: {ex.Message}", target, ex);
        return new ErrorRecord(wrapped, wrapped.ErrorId, ErrorCategory.NotSpecified, target);
    }

    // IOperationHost. PowerShell accepts writes only on the pipeline thread; the engine may report from another
    // (a line of an install's output arrives on a thread-pool thread). Such reports wait in a queue and are written
    // by the pipeline thread at its next write, or when the engine call returns; of progress, only the latest per id.
    void IOperationHost.Progress(int id, string activity, string status, int percent, bool completed)
    {
        var record = new ProgressRecord(id, activity, string.IsNullOrEmpty(status) ? activity : status)
        {
            PercentComplete = Math.Clamp(percent, -1, 100),
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        if (OnPipelineThread) WriteProgress(record);
        else _progressFromOtherThreads[id] = record;
    }

    void IOperationHost.Verbose(string message) => Write(() => WriteVerbose(message));
    void IOperationHost.Warning(string message) => Write(() => WriteWarning(message));

    private int _pipelineThread = Environment.CurrentManagedThreadId;
    private readonly ConcurrentQueue<Action> _fromOtherThreads = new();
    private readonly ConcurrentDictionary<int, ProgressRecord> _progressFromOtherThreads = new();

    private bool OnPipelineThread
    {
        get
        {
            if (Environment.CurrentManagedThreadId != _pipelineThread) return false;
            FlushOtherThreads();
            return true;
        }
    }

    private void Write(Action write)
    {
        if (OnPipelineThread) write();
        else _fromOtherThreads.Enqueue(write);
    }

    /// <summary>Writes what the engine reported from other threads (call on the pipeline thread).</summary>
    protected void FlushOtherThreads()
    {
        while (_fromOtherThreads.TryDequeue(out var write)) write();
        foreach (var id in _progressFromOtherThreads.Keys)
            if (_progressFromOtherThreads.TryRemove(id, out var record)) WriteProgress(record);
    }
    bool IOperationHost.ShouldProcess(string target, string action) => ShouldProcess(target, action);
    CancellationToken IOperationHost.Cancellation => _stop.Token;

    protected IOperationHost Operation => this;

    /// <summary>Runs one slow step for an issue under a progress bar of its own, closed when the step ends (also on error).</summary>
    protected T WithProgress<T>(string activity, string issue, string status, Func<T> step)
    {
        var id = ProgressId.For(activity, issue);
        Operation.Progress(id, activity, status);
        try { return step(); }
        finally { Operation.Progress(id, activity, "Done", 100, completed: true); }
    }
}
