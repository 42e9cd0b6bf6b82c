using System.Diagnostics;
using System.Globalization;

namespace WorktreeTools.Core.Processes;

/// <summary>A process found running inside a folder.</summary>
/// <param name="WorkingDirectory">Its current directory, when the platform shows it.</param>
/// <param name="Executable">Its program file, when the platform shows it.</param>
/// <param name="Interactive">It has a controlling terminal (someone's shell, editor or foreground command), or hosts a
/// process that has one (tmux, screen). Never set on Windows.</param>
public sealed record RunningProcess(ProcessIdentity Identity, string Name, string? WorkingDirectory, string? Executable, bool Interactive)
{
    public override string ToString() => $"{Name} (pid {Identity.Pid}) in {WorkingDirectory ?? Executable}";
}

/// <summary>
/// Finds the processes working inside a folder (a worktree about to be removed): Linux reads
/// <c>/proc/*/cwd</c> and <c>/proc/*/exe</c>; macOS asks <c>lsof</c> for current directories; Windows
/// cannot read another process's current directory without debugging it, so it falls back to processes
/// whose executable is inside the folder. The current process and its ancestors (the user's shell) are
/// never included; processes of other users that cannot be inspected are skipped.
/// </summary>
public static class FolderProcesses
{
    public static IReadOnlyList<RunningProcess> Find(string folder)
    {
        var roots = new[] { Path.GetFullPath(folder), RealPath(folder) }.Distinct().ToArray();
        if (OperatingSystem.IsWindows())
            return FindWindows(roots).Where(p => p.Identity.Pid != Environment.ProcessId).OrderBy(p => p.Identity.Pid).ToList();
        var table = ProcessTable.Snapshot();
        var excluded = ProcessTable.SelfAndAncestors(table);
        var interactive = WithTerminalOrHostingOne(table);
        var found = OperatingSystem.IsLinux() ? FindLinux(roots) : FindWithLsof(roots);
        return found.Where(p => !excluded.Contains(p.Identity.Pid))
            .Select(p => p with { Interactive = interactive.Contains(p.Identity.Pid) })
            .OrderBy(p => p.Identity.Pid).ToList();
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or inside it.</summary>
    internal static bool IsInside(string? path, string folder)
    {
        if (string.IsNullOrEmpty(path)) return false;
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var f = folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return path.Equals(f, comparison) || path.StartsWith(f + Path.DirectorySeparatorChar, comparison);
    }

    /// <summary>The folder with symbolic links resolved (macOS's /tmp is /private/tmp; /proc and lsof show real paths).</summary>
    internal static string RealPath(string folder)
    {
        var full = Path.GetFullPath(folder);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            try
            {
                if (new DirectoryInfo(current).LinkTarget is not null)
                    current = new DirectoryInfo(current).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? current;
            }
            catch (IOException) { }
        }
        return current;
    }

    /// <summary>Processes with a controlling terminal and all their ancestors.</summary>
    private static HashSet<int> WithTerminalOrHostingOne(IReadOnlyList<ProcessEntry> table)
    {
        var parents = table.GroupBy(e => e.Pid).ToDictionary(g => g.Key, g => g.First().ParentPid);
        var set = new HashSet<int>();
        foreach (var e in table.Where(e => e.HasTerminal))
            for (var pid = e.Pid; pid > 1 && set.Add(pid);)
                pid = parents.GetValueOrDefault(pid);
        return set;
    }

    private static IEnumerable<RunningProcess> FindLinux(string[] roots)
    {
        foreach (var pid in LinuxProc.Pids())
        {
            var cwd = LinuxProc.WorkingDirectory(pid);
            var exe = LinuxProc.Executable(pid);
            if (!roots.Any(r => IsInside(cwd, r) || IsInside(exe, r))) continue;
            if (ProcessIdentity.Of(pid) is { } id)
                yield return new RunningProcess(id, LinuxProc.Name(pid), cwd, exe, false);
        }
    }

    private static IEnumerable<RunningProcess> FindWithLsof(string[] roots)
    {
        // -F pcn: one field per line; p<pid>, c<command>, then f<fd> and n<name> for the cwd entry.
        var psi = new ProcessStartInfo("lsof") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-n", "-P", "-w", "-d", "cwd", "-F", "pcn" }) psi.ArgumentList.Add(a);
        string output;
        try
        {
            using var p = Process.Start(psi)!;
            output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new WorktreeToolsException("LsofNotFound", ErrorKind.NotInstalled, $"Finding the processes inside a folder needs 'lsof': {ex.Message}", "lsof", ex);
        }
        int pid = 0;
        var name = "";
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (line[0])
            {
                case 'p': pid = int.Parse(line[1..], CultureInfo.InvariantCulture); break;
                case 'c': name = line[1..]; break;
                case 'n' when roots.Any(r => IsInside(line[1..], r)) && ProcessIdentity.Of(pid) is { } id:
                    yield return new RunningProcess(id, name, line[1..], null, false);
                    break;
            }
        }
    }

    private static IEnumerable<RunningProcess> FindWindows(string[] roots)
    {
        foreach (var p in Process.GetProcesses())
        {
            using (p)
            {
                string? exe;
                try { exe = p.MainModule?.FileName; }
                catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or NotSupportedException) { continue; }
                if (roots.Any(r => IsInside(exe, r)) && ProcessIdentity.Of(p.Id) is { } id)
                    yield return new RunningProcess(id, p.ProcessName, null, exe, false);
            }
        }
    }
}
