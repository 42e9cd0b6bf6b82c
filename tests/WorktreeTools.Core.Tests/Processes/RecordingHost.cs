namespace WorktreeTools.Core.Tests.Processes;

/// <summary>An <see cref="IOperationHost"/> that records what the engine reports and can cancel on a progress report.</summary>
internal sealed class RecordingHost : IOperationHost
{
    private readonly CancellationTokenSource _cancel = new();

    public List<(string Activity, string Status, int Percent, bool Completed)> Progress { get; } = [];
    public List<string> Messages { get; } = [];
    /// <summary>Cancel (as Ctrl+C would) at the first progress report.</summary>
    public bool CancelOnProgress { get; init; }
    public bool Answer { get; init; } = true;

    public CancellationToken Cancellation => _cancel.Token;

    void IOperationHost.Progress(int id, string activity, string status, int percent, bool completed)
    {
        lock (Progress) Progress.Add((activity, status, percent, completed));
        if (CancelOnProgress && !completed) _cancel.Cancel();
    }

    public void Verbose(string message) { lock (Messages) Messages.Add("VERBOSE: " + message); }
    public void Warning(string message) { lock (Messages) Messages.Add("WARNING: " + message); }
    public bool ShouldProcess(string target, string action) => Answer;
}
