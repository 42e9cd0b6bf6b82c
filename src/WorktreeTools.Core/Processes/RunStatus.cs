using WorktreeTools.Processes;

namespace WorktreeTools.Core.Processes;

/// <summary>The live state of a recorded run, computed on every read from the process and its exit file.</summary>
internal readonly record struct RunStatus(ProcessState State, int? ExitCode, DateTime? EndedAt)
{
    /// <param name="stoppedAt">When WorktreeTools stopped it, if it did.</param>
    /// <param name="ready">False while a dev server is still waiting for readiness.</param>
    public static RunStatus Of(ProcessIdentity process, string exitFile, DateTime? stoppedAt, bool ready = true)
    {
        if (process.IsAlive()) return new RunStatus(ready ? ProcessState.Running : ProcessState.Starting, null, null);
        var code = DetachedProcess.ReadExitCode(exitFile);
        var endedAt = code is null ? stoppedAt : File.GetLastWriteTimeUtc(exitFile);
        if (stoppedAt is not null) return new RunStatus(ProcessState.Stopped, code, stoppedAt);
        // No exit code: killed by a signal, or the machine restarted.
        return new RunStatus(code == 0 ? ProcessState.Exited : ProcessState.Crashed, code, endedAt);
    }
}
