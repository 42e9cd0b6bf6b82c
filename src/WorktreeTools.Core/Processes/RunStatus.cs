using WorktreeTools.Processes;

namespace WorktreeTools.Core.Processes;

/// <summary>The live state of a recorded run, computed on every read from the process and its exit file.</summary>
internal readonly record struct RunStatus(ProcessState State, int? ExitCode, DateTime? EndedAt)
{
    /// <param name="startedAt">When it was started (UTC); it never ends before that.</param>
    /// <param name="stoppedAt">When WorktreeTools stopped it, if it did.</param>
    /// <param name="ready">False while a dev server is still waiting for readiness.</param>
    public static RunStatus Of(ProcessIdentity process, string exitFile, DateTime startedAt, DateTime? stoppedAt, bool ready = true)
    {
        if (process.IsAlive()) return new RunStatus(ready ? ProcessState.Running : ProcessState.Starting, null, null);
        var code = DetachedProcess.ReadExitCode(exitFile);
        // The exit file's time comes from the file system's coarser clock: a run that ends at once may show a
        // time a few milliseconds before its start.
        var endedAt = code is null ? stoppedAt : Later(File.GetLastWriteTimeUtc(exitFile), startedAt);
        if (stoppedAt is not null) return new RunStatus(ProcessState.Stopped, code, stoppedAt);
        // No exit code: killed by a signal, or the machine restarted.
        return new RunStatus(code == 0 ? ProcessState.Exited : ProcessState.Crashed, code, endedAt);
    }

    private static DateTime Later(DateTime a, DateTime b) => a.ToUniversalTime() >= b.ToUniversalTime() ? a : b;
}
