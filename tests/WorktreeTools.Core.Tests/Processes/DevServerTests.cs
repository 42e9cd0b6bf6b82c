using System.Net;
using System.Net.Sockets;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Processes;
using WorktreeTools.Processes;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class DevServerTests : IDisposable
{
    private readonly ProcessSandbox _box = new();
    private readonly string _repo;

    public DevServerTests() => _repo = _box.Folder("repo");

    public void Dispose() => _box.Dispose();

    [LinuxFact]
    public void Three_servers_run_at_once_and_one_stopped_from_another_process_leaves_nothing_running()
    {
        var issues = new[] { "101", "102", "103" };
        var ports = issues.ToDictionary(i => i, _ => ProcessSandbox.FreePort());
        foreach (var issue in issues)
        {
            var work = _box.Folder($"wt-{issue}");
            _box.WriteServer($"wt-{issue}/server.js");
            var started = DevServers.Start(_repo, issue, work, "node server.js", new Dictionary<string, string?> { ["PORT"] = "1" },
                new Dictionary<string, int> { ["web"] = ports[issue] }, null, SilentHost.Instance, wait: false)!;
            Assert.Equal(ProcessState.Starting, started.State);
        }
        // Another session listing them meanwhile sees each Starting or, once its port answers, Running.
        Assert.All(DevServers.Get(_repo), s => Assert.True(s.State is ProcessState.Starting or ProcessState.Running, s.ToString()));
        foreach (var issue in issues)
        {
            var server = DevServers.WaitUntilReady(_repo, issue, SilentHost.Instance);
            Assert.Equal(ProcessState.Running, server.State);
            Assert.Equal($"http://localhost:{ports[issue]}/", server.Url);
            Assert.False(FolderProcesses.IsInside(server.LogPath, _box.Dir));      // logs stay out of the worktree
            // The right issue's server on the right port (PORT from the lease beat the env file's PORT=1).
            Assert.Equal($"issue {issue} port {ports[issue]}", ProcessSandbox.Get($"http://127.0.0.1:{ports[issue]}/"));
        }

        var tree = ProcessTree.Members([ProcessIdentity.Of(DevServers.Get(_repo, "102").Single().Pid)!]);
        Assert.True(tree.Count >= 4, string.Join(", ", tree));   // wrapper, shell, node, node's child

        var (exit, output) = ProcessSandbox.RunEngineScript($"""
            let server = DevServers.Stop("{_repo}", "102", System.TimeSpan.FromSeconds 10.0, SilentHost.Instance)
            printfn "stopped: %O" server.State
            """);
        Assert.True(exit == 0, output);
        Assert.Contains("stopped: Stopped", output);

        Assert.True(ProcessSandbox.AllGone(tree));
        Assert.All(tree, p => Assert.False(Directory.Exists($"/proc/{p.Pid}") && p.IsAlive()));
        Assert.Equal(ProcessState.Stopped, DevServers.Get(_repo, "102").Single().State);
        Assert.Equal(["101", "103"], DevServers.Get(_repo).Where(s => s.IsRunning).Select(s => s.Issue));
        Assert.Equal($"issue 103 port {ports["103"]}", ProcessSandbox.Get($"http://127.0.0.1:{ports["103"]}/"));
    }

    [LinuxFact]
    public void A_server_started_by_a_session_that_got_ctrl_c_and_ended_keeps_running()
    {
        var work = _box.Folder("wt-7");
        _box.WriteServer("wt-7/server.js");
        var port = ProcessSandbox.FreePort();
        // A separate .NET process in a session of its own starts the server through the engine, then its
        // whole process group gets SIGINT (Ctrl+C) and SIGHUP (terminal closed), and it ends.
        var (exit, output) = ProcessSandbox.RunEngineScript($"""
            let ports = dict [ "web", {port} ]
            let server = DevServers.Start("{_repo}", "7", "{work}", "node server.js", null, System.Collections.Generic.Dictionary<string, int>(ports), null, SilentHost.Instance, true)
            printfn "started: %O %d" server.State server.Pid
            System.Diagnostics.Process.Start("/bin/sh", [ "-c"; "kill -INT 0; kill -HUP 0" ]).WaitForExit()
            """, newSession: true);
        Assert.Contains("started: Running", output);
        Assert.NotEqual(0, exit);   // the starter itself was killed by the signals

        var server = DevServers.Get(_repo, "7").Single();
        Assert.Equal(ProcessState.Running, server.State);
        Assert.Equal($"issue 7 port {port}", ProcessSandbox.Get(server.Url!));
        Assert.Contains($"listening on {port}", DevServers.ReadLog(_repo, "7", 10, follow: false, CancellationToken.None));
    }

    [LinuxFact]
    public void Starting_a_running_server_again_returns_it()
    {
        var (first, work, ports) = StartServer("5");
        var again = DevServers.Start(_repo, "5", work, "node server.js", null, ports, null, SilentHost.Instance)!;
        Assert.Equal(first.Pid, again.Pid);
        Assert.Equal(ProcessState.Running, again.State);
    }

    [LinuxFact]
    public void A_server_that_crashes_at_start_fails_with_the_log_tail()
    {
        var work = _box.Folder("wt-crash");
        _box.Write("wt-crash/server.js", "console.log('booting'); console.error('Error: Cannot find module express'); process.exit(3);");
        var ex = Assert.Throws<WorktreeToolsException>(() => DevServers.Start(_repo, "9", work, "node server.js", null,
            new Dictionary<string, int> { ["web"] = ProcessSandbox.FreePort() }, null, SilentHost.Instance));

        Assert.Equal("DevServerExited", ex.ErrorId);
        Assert.Contains("with code 3", ex.Message);
        Assert.Contains("Error: Cannot find module express", ex.Message);
        var server = DevServers.Get(_repo, "9").Single();
        Assert.Contains(server.LogPath, ex.Message);
        Assert.Equal(ProcessState.Crashed, server.State);
        Assert.Equal(3, server.ExitCode);
        Assert.Empty(FolderProcesses.Find(work));
    }

    [LinuxFact]
    public void A_server_that_is_not_ready_in_time_is_stopped_and_fails_with_the_log_tail()
    {
        var work = _box.Folder("wt-slow");
        _box.Write("wt-slow/server.js", "console.log('still compiling'); require('child_process').spawn('sleep', ['30'], { stdio: 'inherit' }); setInterval(() => {}, 1000);");
        var host = new RecordingHost();
        var ex = Assert.Throws<WorktreeToolsException>(() => DevServers.Start(_repo, "11", work, "node server.js", null,
            new Dictionary<string, int> { ["web"] = ProcessSandbox.FreePort() }, new ReadySettings { TimeoutSec = 1 }, host));

        Assert.Equal("DevServerNotReady", ex.ErrorId);
        Assert.Equal(ErrorKind.OperationTimeout, ex.Kind);
        Assert.Contains("still compiling", ex.Message);
        Assert.Equal(ProcessState.Stopped, DevServers.Get(_repo, "11").Single().State);
        Assert.Empty(FolderProcesses.Find(work));
        Assert.Contains(host.Progress, p => p.Activity.Contains("issue 11") && p.Status.StartsWith("Waiting for port"));
        Assert.True(host.Progress[^1].Completed);
    }

    [LinuxTheory]
    [InlineData("pattern")]
    [InlineData("url")]
    public void Readiness_can_be_a_log_pattern_or_a_url(string kind)
    {
        var port = ProcessSandbox.FreePort();
        var ready = kind == "pattern"
            ? new ReadySettings { Pattern = @"listening on \d+" }
            : new ReadySettings { Url = $"http://127.0.0.1:{port}/health" };
        var (server, _, _) = StartServer("12", port, ready);
        Assert.Equal(ProcessState.Running, server.State);
        if (kind == "url") Assert.Equal(ready.Url, server.Url);
    }

    [LinuxFact]
    public void Cancelling_the_wait_stops_the_server()
    {
        var work = _box.Folder("wt-cancel");
        _box.Write("wt-cancel/server.js", "setInterval(() => {}, 1000);");
        Assert.ThrowsAny<OperationCanceledException>(() => DevServers.Start(_repo, "13", work, "node server.js", null,
            new Dictionary<string, int> { ["web"] = ProcessSandbox.FreePort() }, null, new RecordingHost { CancelOnProgress = true }));
        Assert.Equal(ProcessState.Stopped, DevServers.Get(_repo, "13").Single().State);
        Assert.Empty(FolderProcesses.Find(work));
    }

    [LinuxFact]
    public void A_port_held_by_another_program_is_refused_before_starting()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var ex = Assert.Throws<WorktreeToolsException>(() => DevServers.Start(_repo, "14", _box.Folder("wt-busy"), "node server.js", null,
                new Dictionary<string, int> { ["web"] = port }, null, SilentHost.Instance));
            Assert.Equal("PortInUse", ex.ErrorId);
            Assert.Empty(DevServers.Get(_repo, "14"));
        }
        finally
        {
            listener.Stop();
        }
    }

    [LinuxFact]
    public void WhatIf_starts_nothing_and_unknown_issues_are_clear_errors()
    {
        Assert.Null(DevServers.Start(_repo, "15", _box.Dir, "node server.js", null, null, null, new RecordingHost { Answer = false }));
        Assert.Empty(DevServers.Get(_repo));
        Assert.Equal("DevServerNotFound", Assert.Throws<WorktreeToolsException>(() => DevServers.Stop(_repo, "15", TimeSpan.Zero, SilentHost.Instance)).ErrorId);
        Assert.Equal("ReadyPortUnknown", Assert.Throws<WorktreeToolsException>(() =>
            DevServers.Start(_repo, "15", _box.Dir, "x", null, new Dictionary<string, int> { ["web"] = 1 }, new ReadySettings { Port = "api" }, SilentHost.Instance)).ErrorId);
    }

    [LinuxFact]
    public async Task Following_the_log_goes_on_across_a_restart_and_ends_when_the_server_is_stopped()
    {
        var work = _box.Folder("wt-restart");
        // Says which life it is in (a counter file beside it), then a line a second until stopped.
        _box.Write("wt-restart/server.sh", """
            n=$(cat life 2>/dev/null || echo 0); n=$((n + 1)); echo $n > life
            echo "ready in life $n"
            i=0; while true; do i=$((i + 1)); echo "life $n tick $i"; sleep 0.2; done
            """);
        var ready = new ReadySettings { Pattern = "ready in life", TimeoutSec = 30 };
        DevServers.Start(_repo, "31", work, "sh server.sh", null, null, ready, SilentHost.Instance);

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var lines = new List<string>();
        var follower = Task.Run(() =>
        {
            foreach (var line in DevServers.ReadLog(_repo, "31", 0, follow: true, cancel.Token))
                lock (lines) lines.Add(line);
        });
        bool Seen(string text) { lock (lines) return lines.Any(l => l.Contains(text)); }
        Assert.True(ProcessSandbox.Eventually(() => Seen("life 1 tick 2")));

        // Restart-DevServer's way: stop, then start again. The follower must not stop in between.
        DevServers.Stop(_repo, "31", TimeSpan.FromSeconds(10), SilentHost.Instance);
        DevServers.Start(_repo, "31", work, "sh server.sh", null, null, ready, SilentHost.Instance);
        Assert.True(ProcessSandbox.Eventually(() => Seen("life 2 tick 2")), string.Join("\n", lines));
        Assert.False(follower.IsCompleted);

        DevServers.Stop(_repo, "31", TimeSpan.FromSeconds(10), SilentHost.Instance);
        await follower.WaitAsync(TimeSpan.FromSeconds(60));   // ends on its own once the server stays stopped
        Assert.False(cancel.IsCancellationRequested);
        Assert.Contains(lines, l => l.StartsWith("# ", StringComparison.Ordinal) && l.Contains("sh server.sh"));
        Assert.Contains("ready in life 2", lines);
    }

    private (DevServer Server, string Work, Dictionary<string, int> Ports) StartServer(string issue, int? port = null, ReadySettings? ready = null)
    {
        var work = _box.Folder($"wt-{issue}");
        _box.WriteServer($"wt-{issue}/server.js");
        var ports = new Dictionary<string, int> { ["web"] = port ?? ProcessSandbox.FreePort() };
        return (DevServers.Start(_repo, issue, work, "node server.js", null, ports, ready, SilentHost.Instance)!, work, ports);
    }
}
