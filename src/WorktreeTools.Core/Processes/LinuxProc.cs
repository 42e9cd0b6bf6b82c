using System.Globalization;

namespace WorktreeTools.Core.Processes;

/// <summary>Reads processes from Linux's <c>/proc</c>: status, parent, group, start, working directory, executable.</summary>
internal static class LinuxProc
{
    /// <summary>USER_HZ: the unit of /proc's times, fixed at 100 by the Linux ABI.</summary>
    private const double TicksPerSecond = 100;

    private static readonly Lazy<string> BootId = new(() => ReadOrEmpty("/proc/sys/kernel/random/boot_id").Trim());

    private static readonly Lazy<DateTime> BootTime = new(() =>
    {
        var line = ReadOrEmpty("/proc/stat").Split('\n').FirstOrDefault(l => l.StartsWith("btime ", StringComparison.Ordinal));
        return line is null ? DateTime.UnixEpoch : DateTime.UnixEpoch.AddSeconds(long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture));
    });

    /// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> that WorktreeTools needs (<c>Terminal</c>: tty_nr, 0 when none).</summary>
    internal readonly record struct Stat(int Pid, char State, int ParentPid, int GroupId, int SessionId, int Terminal, long StartTicks);

    public static Stat? ReadStat(int pid)
    {
        var text = ReadOrEmpty($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        var f = text[(close + 2)..].Split(' ');
        // f[0] is field 3 (state), so field n is f[n - 3].
        if (f.Length < 20) return null;
        return new Stat(pid, f[0][0], Int(f[1]), Int(f[2]), Int(f[3]), Int(f[4]), long.Parse(f[19], CultureInfo.InvariantCulture));
    }

    public static ProcessIdentity? Identity(int pid)
    {
        if (ReadStat(pid) is not { } s || s.State is 'Z' or 'X') return null;
        return new ProcessIdentity(pid, BootTime.Value.AddSeconds(s.StartTicks / TicksPerSecond), $"{BootId.Value}:{s.StartTicks}");
    }

    public static IEnumerable<int> Pids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                yield return pid;
    }

    public static string? WorkingDirectory(int pid) => Link($"/proc/{pid}/cwd");

    public static string? Executable(int pid) => Link($"/proc/{pid}/exe");

    public static string Name(int pid) => ReadOrEmpty($"/proc/{pid}/comm").TrimEnd('\n');

    private static string? Link(string path)
    {
        try
        {
            var target = new FileInfo(path).LinkTarget;
            // A folder or file removed while in use reads as "<path> (deleted)".
            return target?.EndsWith(" (deleted)", StringComparison.Ordinal) == true ? target[..^10] : target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return ""; }
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
