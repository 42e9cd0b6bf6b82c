using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WorktreeTools.Core.Processes;
using WorktreeTools.Testing;

namespace WorktreeTools.Core.Tests.Processes;

/// <summary>
/// A test's folder for fake servers and agents. Everything a test starts runs inside it, so Dispose can stop
/// every process working there (and every tree the test registered), leaving nothing running.
/// </summary>
internal sealed class ProcessSandbox : IDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly List<ProcessIdentity> _trees = [];
    private readonly List<string> _folders = [];

    public ProcessSandbox()
    {
        Dir = Path.Combine(TestEnvironment.Root, "proc-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }

    public string Write(string relative, string content, bool executable = false)
    {
        var path = Path.Combine(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        if (executable && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    public string Folder(string relative)
    {
        var path = Path.Combine(Dir, relative);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Also stop, at the end, whatever runs in <paramref name="folder"/> (a test repository, say).</summary>
    public void Watch(string folder)
    {
        lock (_folders) _folders.Add(folder);
    }

    public ProcessIdentity Track(ProcessIdentity process)
    {
        lock (_trees) _trees.Add(process);
        return process;
    }

    /// <summary>A node HTTP server answering "issue &lt;ISSUE_ID&gt; port &lt;PORT&gt;"; it starts a child node process, as dev servers do.</summary>
    public string WriteServer(string relative = "server.js") => Write(relative, """
        const http = require('http');
        const { spawn } = require('child_process');
        const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
        console.log('child ' + child.pid);
        http.createServer((req, res) => res.end('issue ' + process.env.ISSUE_ID + ' port ' + process.env.PORT))
            .listen(+process.env.PORT, '127.0.0.1', () => console.log('listening on ' + process.env.PORT));
        """);

    /// <summary>The file's text, or "" while it does not exist yet.</summary>
    public static string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    // Below the kernel's ephemeral range (32768+ here): a port the OS hands out for port 0 can be taken by
    // any outgoing connection between this probe and the server's bind, which made tests flaky.
    private static int _next = 17000 + Random.Shared.Next(0, 1000);

    /// <summary>A port nothing listens on, from 17000-19999, never the same twice in this process.</summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref _next);
            if (port > 19999) throw new InvalidOperationException("No free test port left in 17000-19999.");
            if (WorktreeTools.Core.Resources.LeaseRegistry.IsFree(port)) return port;
        }
    }

    public static string Get(string url) => Http.GetStringAsync(url).GetAwaiter().GetResult();

    /// <summary>Polls <paramref name="condition"/> (a state change of another process) until true or a generous limit passes.</summary>
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

    /// <summary>True when no process with any of <paramref name="pids"/> exists (checked in /proc), or only another program reusing the pid.</summary>
    public static bool AllGone(IEnumerable<ProcessIdentity> processes) => processes.All(p => !p.IsAlive());

    public static IReadOnlyList<int> PidsIn(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder).Select(f => int.Parse(Path.GetFileName(f))).ToList() : [];

    /// <summary>Runs an F# script in a separate, short-lived .NET process that references the engine (a second "session").</summary>
    /// <param name="newSession">Run it in a session of its own (setsid), so that it may signal its own process group.</param>
    public static (int ExitCode, string Output) RunEngineScript(string body, bool newSession = false)
    {
        var script = $"""
            #r "{typeof(WorktreeToolsException).Assembly.Location}"
            #r "{typeof(ProcessTree).Assembly.Location}"
            open WorktreeTools
            open WorktreeTools.Core.Processes
            {body}
            """;
        var file = Path.Combine(TestEnvironment.Root, "engine-" + Guid.NewGuid().ToString("N")[..8] + ".fsx");
        File.WriteAllText(file, script);
        var psi = new ProcessStartInfo(newSession ? "setsid" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in (string[])[.. newSession ? ["dotnet"] : Array.Empty<string>(), "fsi", "--quiet", "--nologo", file]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    public void Dispose()
    {
        List<ProcessIdentity> all;
        lock (_trees) all = [.. _trees];
        lock (_folders) all.AddRange(_folders.Append(Dir).SelectMany(FolderProcesses.Find).Select(p => p.Identity));
        ProcessTree.Stop(all, TimeSpan.Zero);
        try { TestRepo.ForceDelete(Dir); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
