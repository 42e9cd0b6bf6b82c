namespace WorktreeTools;

/// <summary>
/// What the engine may ask of whoever calls it: progress, chatter, and permission. The cmdlets implement
/// it over PSCmdlet; tests and other callers can pass <see cref="SilentHost"/>.
/// </summary>
public interface IOperationHost
{
    /// <summary>Reports progress; <paramref name="percent"/> of -1 means unknown; <paramref name="completed"/> closes the bar.</summary>
    void Progress(int id, string activity, string status, int percent = -1, bool completed = false);
    void Verbose(string message);
    void Warning(string message);
    /// <summary>ShouldProcess: false means "do not change anything" (-WhatIf or a declined -Confirm).</summary>
    bool ShouldProcess(string target, string action);
    CancellationToken Cancellation { get; }
}

/// <summary>
/// Progress ids: one per activity and issue, so that bars of several issues (servers started side by side, or
/// cmdlets in ForEach-Object -Parallel, whose bars share one host) never overwrite each other.
/// </summary>
public static class ProgressId
{
    public static int For(string activity, string issue)
    {
        // FNV-1a: the same id in every session and runspace (string.GetHashCode differs per process).
        var hash = 2166136261u;
        foreach (var c in activity + "\0" + issue.ToUpperInvariant()) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x3FFFFFFF) + 1;
    }
}

/// <summary>A host that says yes to everything and shows nothing.</summary>
public sealed class SilentHost : IOperationHost
{
    public static readonly SilentHost Instance = new();
    public List<string> Warnings { get; } = [];
    public void Progress(int id, string activity, string status, int percent = -1, bool completed = false) { }
    public void Verbose(string message) { }
    public void Warning(string message) { lock (Warnings) Warnings.Add(message); }
    public bool ShouldProcess(string target, string action) => true;
    public CancellationToken Cancellation => CancellationToken.None;
}
