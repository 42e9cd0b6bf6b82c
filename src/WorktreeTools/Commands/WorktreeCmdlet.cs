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
        try { action(); }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteError(ToErrorRecord(ex, target));
        }
    }

    /// <summary>Runs <paramref name="action"/>; an engine error stops the command.</summary>
    protected void TryOrStop(Action action, object? target = null)
    {
        try { action(); }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowTerminatingError(ToErrorRecord(ex, target));
        }
    }

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

    // IOperationHost
    void IOperationHost.Progress(int id, string activity, string status, int percent, bool completed)
    {
        var record = new ProgressRecord(id, activity, string.IsNullOrEmpty(status) ? activity : status)
        {
            PercentComplete = Math.Clamp(percent, -1, 100),
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        WriteProgress(record);
    }

    void IOperationHost.Verbose(string message) => WriteVerbose(message);
    void IOperationHost.Warning(string message) => WriteWarning(message);
    bool IOperationHost.ShouldProcess(string target, string action) => ShouldProcess(target, action);
    CancellationToken IOperationHost.Cancellation => _stop.Token;

    protected IOperationHost Operation => this;
}
