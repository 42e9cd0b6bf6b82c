using System.Diagnostics;

namespace WorktreeTools.Core.Processes;

/// <summary>
/// Who a process is: its pid and when it started. A pid alone is not enough, because the system gives a
/// finished process's pid to the next program; a recorded process is alive only if a process with that pid
/// exists and started at the same time.
/// </summary>
/// <param name="StartTime">When the process started (UTC), for display and for comparison off Linux.</param>
/// <param name="StartKey">An exact start stamp where the platform has one (Linux: boot id and clock ticks since boot),
/// which survives wall-clock changes; null elsewhere.</param>
public sealed record ProcessIdentity(int Pid, DateTime StartTime, string? StartKey = null)
{
    private const string VanishedKey = "vanished";

    /// <summary>The process with <paramref name="pid"/> as it is now, or null when there is none (zombies count as gone).</summary>
    public static ProcessIdentity? Of(int pid)
    {
        if (pid <= 0) return null;
        if (OperatingSystem.IsLinux()) return LinuxProc.Identity(pid);
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited ? null : new ProcessIdentity(pid, p.StartTime.ToUniversalTime());
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>A process that ended before its start time could be read: it never matches a live one.</summary>
    public static ProcessIdentity Vanished(int pid) => new(pid, DateTime.UtcNow, VanishedKey);

    /// <summary>True when this very process (same pid, same start) is still running.</summary>
    public bool IsAlive() => StartKey != VanishedKey && Of(Pid) is { } now && now.SameProcessAs(this);

    /// <summary>Same pid and same start: the exact key where both have one, else start times within a second.</summary>
    public bool SameProcessAs(ProcessIdentity other) =>
        Pid == other.Pid && (StartKey is not null && other.StartKey is not null
            ? StartKey == other.StartKey
            : (StartTime - other.StartTime).Duration() < TimeSpan.FromSeconds(1));

    public override string ToString() => $"pid {Pid} (started {StartTime:u})";
}
