using System.Runtime.InteropServices;

namespace WorktreeTools.Core.Processes;

/// <summary>kill(2) on Linux and macOS (.NET only offers SIGKILL).</summary>
internal static class UnixSignals
{
    public const int Kill = 9;
    public const int Terminate = 15;

    /// <summary>Sends <paramref name="signal"/>; false when the process is gone or not ours.</summary>
    public static bool Send(int pid, int signal) => pid > 1 && kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
