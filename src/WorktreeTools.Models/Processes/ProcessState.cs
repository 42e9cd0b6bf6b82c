namespace WorktreeTools.Processes;

/// <summary>Where a dev server or agent run is, as observed now (never as merely recorded).</summary>
public enum ProcessState
{
    /// <summary>Running, but not yet ready (a dev server still waiting for its port, pattern or URL).</summary>
    Starting,
    /// <summary>Running (and, for a dev server, ready).</summary>
    Running,
    /// <summary>Ended by itself with exit code 0.</summary>
    Exited,
    /// <summary>Ended by itself with a non-zero exit code, or vanished without recording one (killed, reboot).</summary>
    Crashed,
    /// <summary>Stopped by WorktreeTools (Stop-DevServer, Stop-IssueAgent, Remove-IssueWorktree).</summary>
    Stopped,
}
