namespace WorktreeTools.Core.Processes;

/// <summary>Reading a run's log the way Get-DevServer / Get-IssueAgent <c>-Tail -Wait</c> do.</summary>
internal static class RunLogs
{
    /// <summary>
    /// The last <paramref name="tail"/> lines of the run's output, then, with <paramref name="follow"/>, new lines until
    /// it ends (<paramref name="isRunning"/>, by default its process), <paramref name="timeout"/> passes or <paramref name="cancel"/>.
    /// </summary>
    public static IEnumerable<string> Read(RunRecord run, int tail, bool follow, CancellationToken cancel, TimeSpan? timeout = null, Func<bool>? isRunning = null) =>
        follow ? LogFile.TailThenFollow(run.LogPath, tail, isRunning ?? run.Process.IsAlive, cancel, timeout) : LogFile.Tail(run.LogPath, tail);

    /// <summary>The end of an error message about a run: the log's path and its last lines.</summary>
    public static string TailForMessage(RunRecord run, int lines = 20)
    {
        var tail = LogFile.Tail(run.LogPath, lines, run.LogStart);
        return $"Log: {run.LogPath}" + (tail.Count == 0 ? " (empty)" : $"\nLast {tail.Count} lines:\n" + string.Join('\n', tail));
    }
}
