using System.Diagnostics;
using System.Globalization;

namespace WorktreeTools.Core.Processes;

/// <summary>One row of the process table; <c>HasTerminal</c>: it has a controlling terminal (someone's interactive session).</summary>
internal readonly record struct ProcessEntry(int Pid, int ParentPid, int GroupId, bool HasTerminal);

/// <summary>
/// A snapshot of every process's parent and process group (Linux: <c>/proc</c>; macOS and other Unixes:
/// <c>ps</c>), and the process trees found in it. Not used on Windows, where the system stops trees itself.
/// </summary>
internal static class ProcessTable
{
    public static IReadOnlyList<ProcessEntry> Snapshot() => OperatingSystem.IsLinux() ? FromProc() : FromPs();

    /// <summary>
    /// The processes below <paramref name="roots"/> (by parent pid) and the members of the process groups led
    /// by <paramref name="groups"/> and their descendants, never the current process or its ancestors.
    /// </summary>
    public static IReadOnlySet<int> Tree(IReadOnlyList<ProcessEntry> table, IEnumerable<int> roots, IEnumerable<int> groups)
    {
        var groupSet = groups.ToHashSet();
        var tree = roots.Concat(table.Where(e => groupSet.Contains(e.GroupId)).Select(e => e.Pid)).ToHashSet();
        var children = table.ToLookup(e => e.ParentPid, e => e.Pid);
        var queue = new Queue<int>(tree);
        while (queue.TryDequeue(out var pid))
            foreach (var child in children[pid])
                if (tree.Add(child)) queue.Enqueue(child);
        tree.ExceptWith(SelfAndAncestors(table));
        tree.RemoveWhere(pid => pid <= 1);
        return tree;
    }

    /// <summary>The current process and its parents up to init: never to be stopped (the user's pwsh and shell).</summary>
    public static HashSet<int> SelfAndAncestors(IReadOnlyList<ProcessEntry> table)
    {
        var parents = table.GroupBy(e => e.Pid).ToDictionary(g => g.Key, g => g.First().ParentPid);
        var set = new HashSet<int>();
        for (var pid = Environment.ProcessId; pid > 1 && set.Add(pid);)
            pid = parents.TryGetValue(pid, out var parent) ? parent : 0;
        return set;
    }

    private static List<ProcessEntry> FromProc()
    {
        var list = new List<ProcessEntry>();
        foreach (var pid in LinuxProc.Pids())
            if (LinuxProc.ReadStat(pid) is { State: not ('Z' or 'X') } s)
                list.Add(new ProcessEntry(pid, s.ParentPid, s.GroupId, s.Terminal != 0));
        return list;
    }

    private static List<ProcessEntry> FromPs()
    {
        var psi = new ProcessStartInfo("ps") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-A", "-o", "pid=,ppid=,pgid=,tty=" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        var list = new List<ProcessEntry>();
        foreach (var line in lines)
        {
            // pid ppid pgid tty ("??" or "-" without a terminal)
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 4 && f[..3].All(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                list.Add(new ProcessEntry(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture),
                    int.Parse(f[2], CultureInfo.InvariantCulture), f[3] is not ("??" or "-" or "?")));
        }
        return list;
    }
}
