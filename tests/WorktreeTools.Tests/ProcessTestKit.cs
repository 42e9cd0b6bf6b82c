using System.Diagnostics;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>A test of real processes on Linux (/proc, POSIX shells, node): skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux only: it inspects /proc and runs POSIX shell scripts.";
    }
}

/// <summary>One process as /proc shows it: the pid and its start time, so that a reused pid is never taken for it.</summary>
public readonly record struct LinuxProcess(int Pid, long StartTicks)
{
    /// <summary>True while this very process exists and is not a zombie.</summary>
    public bool IsAlive => Procs.Stat(Pid) is { } s && s.StartTicks == StartTicks && s.State is not ('Z' or 'X');

    public override string ToString() => $"{Pid} ({Procs.CommandLine(Pid)})";
}

/// <summary>
/// The test's own view of processes, read from /proc independently of the module's engine: what runs below a
/// pid, in its session, or inside a folder. Used to prove that a stop left nothing, and to clean up.
/// </summary>
public static class Procs
{
    public readonly record struct StatLine(char State, int ParentPid, int SessionId, long StartTicks);

    public static StatLine? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid pgrp session ... starttime(22nd field)"; comm may hold spaces and ')'.
            var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return new StatLine(f[0][0], int.Parse(f[1]), int.Parse(f[3]), long.Parse(f[19]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return "?"; }
    }

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var p) ? p : 0).Where(p => p > 0);

    private static LinuxProcess? Of(int pid) => Stat(pid) is { State: not ('Z' or 'X') } s ? new LinuxProcess(pid, s.StartTicks) : null;

    /// <summary>
    /// <paramref name="pid"/> and everything below it (parent-pid walk), plus every member of the session it leads
    /// (a detached wrapper leads its own session, so orphans of the tree are found too).
    /// </summary>
    public static IReadOnlyList<LinuxProcess> TreeOf(int pid)
    {
        var stats = AllPids().Select(p => (Pid: p, Stat: Stat(p))).Where(x => x.Stat is { State: not ('Z' or 'X') })
            .ToDictionary(x => x.Pid, x => x.Stat!.Value);
        var members = new HashSet<int>();
        if (stats.ContainsKey(pid)) members.Add(pid);
        foreach (var (p, s) in stats) if (s.SessionId == pid) members.Add(p);
        bool grew;
        do
        {
            grew = false;
            foreach (var (p, s) in stats)
                if (!members.Contains(p) && members.Contains(s.ParentPid)) grew |= members.Add(p);
        } while (grew);
        return members.Select(p => new LinuxProcess(p, stats[p].StartTicks)).ToList();
    }

    /// <summary>The processes whose working directory is <paramref name="folder"/> or inside it.</summary>
    public static IReadOnlyList<LinuxProcess> WorkingIn(string folder)
    {
        var full = Path.GetFullPath(folder).TrimEnd('/');
        var found = new List<LinuxProcess>();
        foreach (var pid in AllPids())
        {
            if (pid == Environment.ProcessId) continue;
            string? cwd;
            try { cwd = new FileInfo($"/proc/{pid}/cwd").LinkTarget; }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { continue; }
            if (cwd is not null && (cwd == full || cwd.StartsWith(full + "/", StringComparison.Ordinal)) && Of(pid) is { } p)
                found.Add(p);
        }
        return found;
    }

    /// <summary>SIGKILL, at once, for each process still alive (cleanup after a test, never the thing under test).</summary>
    public static void Kill(IEnumerable<LinuxProcess> processes)
    {
        foreach (var p in processes.Where(p => p.IsAlive && p.Pid != Environment.ProcessId))
        {
            try { using var process = Process.GetProcessById(p.Pid); process.Kill(); }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }
    }

    /// <summary>Polls a state change of another process until true or a generous limit passes.</summary>
    public static bool Eventually(Func<bool> condition, int seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) return false;
            Thread.Sleep(25);
        }
        return true;
    }
}

/// <summary>
/// A real repository with a committed, approved <c>.worktree-tools.yml</c>, a PowerShell session in it, and
/// scripts for fake dev servers and agents. Dispose kills whatever still runs in the repository's folder or in
/// the trees of its recorded dev servers and agent runs, so that no test leaves a process behind.
/// Each test class leases its own port range below 32768, outside Linux's ephemeral ports, so that neither a
/// parallel test nor the local end of some outgoing connection ever holds a port a test server must listen on.
/// </summary>
public sealed class ProcessRepo : IDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<int> _roots = [];

    /// <summary>A node HTTP server answering "issue &lt;ISSUE_ID&gt; port &lt;PORT&gt;"; it starts a child node, as `pnpm dev` → node → children do.</summary>
    public const string ServerJs = """
        const http = require('http');
        const { spawn } = require('child_process');
        const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
        console.log('issue ' + process.env.ISSUE_ID + ' child ' + child.pid);
        http.createServer((req, res) => res.end('issue ' + process.env.ISSUE_ID + ' port ' + process.env.PORT))
            .listen(+process.env.PORT, '127.0.0.1', () => console.log('listening on ' + process.env.PORT));
        """;

    /// <param name="config">The text of .worktree-tools.yml (committed).</param>
    /// <param name="files">More files to commit, by relative path.</param>
    /// <param name="approve">Approve the repository's commands, as a user who read them would.</param>
    public ProcessRepo(string config, IReadOnlyDictionary<string, string>? files = null, bool approve = true, string name = "app")
    {
        Repo = new TestRepo(name);
        foreach (var (path, text) in files ?? new Dictionary<string, string>()) Repo.Write(path, text);
        Repo.Write(".worktree-tools.yml", config);
        Repo.Commit("config");
        Tools = Path.Combine(Repo.Parent, "agent tools");   // a space on purpose: paths must stay one argument
        Directory.CreateDirectory(Tools);
        Ps = new PowerShellSession(Repo.Root);
        if (approve) Assert.Empty(Ps.Run("Approve-WorktreeConfig").Errors);
    }

    public TestRepo Repo { get; }
    public PowerShellSession Ps { get; }

    /// <summary>A folder outside the repository for fake agents and what they report.</summary>
    public string Tools { get; }

    public RunResult Run(string script, IDictionary<string, object?>? variables = null) => Ps.Run(script, variables);

    /// <summary>Runs <paramref name="script"/> and fails the test on any error.</summary>
    public RunResult Ok(string script, IDictionary<string, object?>? variables = null)
    {
        var r = Ps.Run(script, variables);
        Assert.True(r.Errors.Count == 0, $"{script}\n{string.Join("\n", r.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}"))}");
        return r;
    }

    public IReadOnlyList<IssueWorktree> NewWorktrees(params string[] issues) =>
        Ok(string.Join(", ", issues.Select(i => $"'{i}'")) + " | New-IssueWorktree -NoInstall").Objects<IssueWorktree>().ToList();

    /// <summary>Writes an executable script into <see cref="Tools"/> and returns its path.</summary>
    public string Tool(string name, string text)
    {
        var path = Path.Combine(Tools, name);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    /// <summary>Remember a tree to kill at the end, should the test fail before it is stopped.</summary>
    public int Track(int pid)
    {
        lock (_roots) _roots.Add(pid);
        return pid;
    }

    public static string Get(string url) => Http.GetStringAsync(url).GetAwaiter().GetResult();

    /// <summary>True when nothing accepts a connection on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool Refuses(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try { client.Connect(System.Net.IPAddress.Loopback, port); return false; }
        catch (System.Net.Sockets.SocketException) { return true; }
    }

    public void Dispose()
    {
        try
        {
            var pids = new List<int>();
            lock (_roots) pids.AddRange(_roots);
            var servers = Ps.Run("Get-DevServer").Objects<DevServer>().Select(d => d.Pid);
            var agents = Ps.Run("Get-IssueAgent").Objects<AgentRun>().Select(a => a.Pid);
            Procs.Kill(pids.Concat(servers).Concat(agents).SelectMany(Procs.TreeOf).Concat(Procs.WorkingIn(Repo.Parent)).ToList());
        }
        finally
        {
            Ps.Dispose();
            Repo.Dispose();
        }
    }
}
