using System.Management.Automation;
using System.Management.Automation.Runspaces;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// Issue 4's dev servers end to end through the cmdlets: real node HTTP servers on 127.0.0.1, started detached,
/// found and stopped from other runspaces and processes, checked in /proc. Ports 121xx–126xx belong to this class.
/// </summary>
public sealed class DevServerCmdletTests
{
    private static ProcessRepo ServerRepo(string ports, string? command = "node server.js") => new(
        $"ports: {{ web: {ports} }}\n" + (command is null ? "" : $"devServer: {{ command: '{command}', ready: {{ timeoutSec: 30 }} }}\n"),
        new Dictionary<string, string> { ["server.js"] = ProcessRepo.ServerJs, ["crash.js"] = "console.error('boom: cannot open the database'); process.exit(3);\n" });

    [LinuxFact]
    public void Three_servers_start_from_the_pipeline_and_one_is_stopped_from_another_runspace_and_one_from_another_process()
    {
        using var repo = ServerRepo("12101-12199");
        var started = repo.Ok("101, 102, 103 | New-IssueWorktree -NoInstall | Start-DevServer").Objects<DevServer>().ToList();
        foreach (var s in started) repo.Track(s.Pid);
        Assert.Equal(["101", "102", "103"], started.Select(s => s.Issue).Order());
        Assert.All(started, s => Assert.Equal(ProcessState.Running, s.State));
        var ports = started.ToDictionary(s => s.Issue, s => s.Ports["web"]);
        Assert.Equal(3, ports.Values.Distinct().Count());

        // Each answers on its own issue's port, as its own issue.
        foreach (var s in started)
        {
            Assert.Equal($"http://localhost:{ports[s.Issue]}/", s.Url);
            Assert.Equal($"issue {s.Issue} port {ports[s.Issue]}", ProcessRepo.Get($"http://127.0.0.1:{ports[s.Issue]}/"));
        }

        var listed = repo.Ok("Get-DevServer").Objects<DevServer>().ToList();
        Assert.Equal(["101", "102", "103"], listed.Select(s => s.Issue));
        Assert.All(listed, s => Assert.Equal(ProcessState.Running, s.State));
        Assert.Equal(started.OrderBy(s => s.Issue).Select(s => (s.Pid, s.Url)), listed.Select(s => (s.Pid, s.Url)));

        // Get-IssueWorktree shows each worktree's server, as properties and in its table.
        var worktrees = repo.Ok("Get-IssueWorktree").Objects<IssueWorktree>().ToList();
        Assert.All(worktrees, w =>
        {
            Assert.Equal("Running", w.DevServer);
            Assert.Equal($"http://localhost:{ports[w.Issue]}/", w.DevServerUrl);
            Assert.Equal("", TestRepo.Run(w.Path, "status", "--porcelain"));   // logs are kept outside the worktree
        });
        var table = repo.Ps.Render("Get-IssueWorktree");
        foreach (var (issue, port) in ports)
            Assert.Matches($@"(?m)^{issue}\s+Ready\s+.*\s+http://localhost:{port}/\s+feature/issue-{issue}\s", table);

        var trees = listed.ToDictionary(s => s.Issue, s => Procs.TreeOf(s.Pid));
        Assert.All(trees.Values, t => Assert.True(t.Count >= 3, string.Join(", ", t)));   // wrapper, node, node's child (at least)

        // Another runspace (a second session in this process) stops 101.
        using (var other = new PowerShellSession(repo.Repo.Root))
        {
            var r = other.Run("Stop-DevServer 101 -PassThru");
            Assert.Empty(r.Errors);
            Assert.Equal(ProcessState.Stopped, Assert.Single(r.Objects<DevServer>()).State);
        }
        Assert.True(Procs.Eventually(() => trees["101"].All(p => !p.IsAlive)), "left running: " + string.Join(", ", trees["101"].Where(p => p.IsAlive)));

        // Another process (a fresh PowerShell importing the module from disk) stops 102.
        var (exit, output, error) = PwshProcess.Run(repo.Repo.Root, "-Command", $"Import-Module '{TestEnvironment.ManifestPath}'; Stop-DevServer 102");
        Assert.True(exit == 0, output + error);
        Assert.True(Procs.Eventually(() => trees["102"].All(p => !p.IsAlive)), "left running: " + string.Join(", ", trees["102"].Where(p => p.IsAlive)));

        Assert.True(ProcessRepo.Refuses(ports["101"]));
        Assert.True(ProcessRepo.Refuses(ports["102"]));
        Assert.All(trees["103"], p => Assert.True(p.IsAlive, p.ToString()));
        Assert.Equal($"issue 103 port {ports["103"]}", ProcessRepo.Get($"http://127.0.0.1:{ports["103"]}/"));

        Assert.Equal([ProcessState.Stopped, ProcessState.Stopped, ProcessState.Running], repo.Ok("Get-DevServer").Objects<DevServer>().Select(s => s.State));
        var after = repo.Ok("Get-IssueWorktree").Objects<IssueWorktree>().ToDictionary(w => w.Issue);
        Assert.Equal(("Stopped", null), (after["101"].DevServer, after["101"].DevServerUrl));
        Assert.Equal(("Running", $"http://localhost:{ports["103"]}/"), (after["103"].DevServer, after["103"].DevServerUrl));
    }

    [LinuxFact]
    public void A_server_started_by_a_PowerShell_that_ended_keeps_running_and_is_found_again()
    {
        using var repo = ServerRepo("12601-12699");
        repo.NewWorktrees("101");
        var (exit, output, error) = PwshProcess.Run(repo.Repo.Root, "-Command", $"Import-Module '{TestEnvironment.ManifestPath}'; (Start-DevServer 101).State");
        Assert.True(exit == 0 && output.Trim() == "Running", output + error);

        var server = Assert.Single(repo.Ok("Get-DevServer").Objects<DevServer>());
        repo.Track(server.Pid);
        Assert.Equal(ProcessState.Running, server.State);
        Assert.Equal($"issue 101 port {server.Ports["web"]}", ProcessRepo.Get($"http://127.0.0.1:{server.Ports["web"]}/"));
        repo.Ok("Stop-DevServer 101");
        Assert.True(ProcessRepo.Refuses(server.Ports["web"]));
    }

    [LinuxFact]
    public void A_server_that_crashes_at_start_is_an_error_with_the_log_tail_and_leaves_nothing_running()
    {
        using var repo = ServerRepo("12201-12299", "node crash.js");
        var w = Assert.Single(repo.NewWorktrees("101"));

        var r = repo.Run("Start-DevServer 101");
        Assert.Empty(r.Output);
        var error = Assert.Single(r.Errors);
        Assert.Equal("DevServerExited", r.ErrorIds.Single());
        Assert.Equal("101", error.TargetObject);
        Assert.Contains("with code 3", error.Exception.Message);
        Assert.Contains("boom: cannot open the database", error.Exception.Message);   // the log's tail

        var server = Assert.Single(repo.Ok("Get-DevServer 101").Objects<DevServer>());
        Assert.Equal((ProcessState.Crashed, 3), (server.State, server.ExitCode));
        Assert.Empty(Procs.TreeOf(server.Pid));
        Assert.Empty(Procs.WorkingIn(w.Path));
        Assert.Equal("Crashed", repo.Ok("Get-IssueWorktree 101").Objects<IssueWorktree>().Single().DevServer);
    }

    [LinuxFact]
    public void Starting_a_running_server_returns_it_restart_gives_a_new_one_and_the_log_is_readable()
    {
        using var repo = ServerRepo("12301-12399");
        repo.NewWorktrees("101");
        var whatIf = repo.Ok("Start-DevServer 101 -WhatIf");
        Assert.Empty(whatIf.Output);
        Assert.Contains("What if:", whatIf.Text);
        Assert.Empty(repo.Ok("Get-DevServer").Output);

        var first = repo.Ok("Start-DevServer 101").Objects<DevServer>().Single();
        repo.Track(first.Pid);
        var port = first.Ports["web"];

        var again = repo.Ok("Get-IssueWorktree 101 | Start-DevServer").Objects<DevServer>().Single();
        Assert.Equal((first.Pid, ProcessState.Running), (again.Pid, again.State));
        Assert.Single(Procs.TreeOf(first.Pid), p => Procs.CommandLine(p.Pid).StartsWith("node server.js"));   // not a second server

        var log = repo.Ok("Get-IssueLog 101").Output.Select(o => (string)o.BaseObject).ToList();
        Assert.Contains($"listening on {port}", log);
        Assert.Contains(log, l => l.StartsWith("issue 101 child "));
        Assert.Equal([$"listening on {port}"], repo.Ok("Get-IssueLog 101 -Tail 1").Output.Select(o => (string)o.BaseObject));
        // A DevServer or an IssueWorktree piped in reads the server's log.
        Assert.Equal([$"listening on {port}"], repo.Ok("Get-DevServer 101 | Get-IssueLog -Tail 1").Output.Select(o => (string)o.BaseObject));
        Assert.Equal([$"listening on {port}"], repo.Ok("Get-IssueWorktree 101 | Get-IssueLog -Tail 1").Output.Select(o => (string)o.BaseObject));

        var oldTree = Procs.TreeOf(first.Pid);
        var restarted = repo.Ok("Restart-DevServer 101").Objects<DevServer>().Single();
        repo.Track(restarted.Pid);
        Assert.NotEqual(first.Pid, restarted.Pid);
        Assert.Equal(ProcessState.Running, restarted.State);
        Assert.All(oldTree, p => Assert.False(p.IsAlive, p.ToString()));
        Assert.Equal($"issue 101 port {port}", ProcessRepo.Get($"http://127.0.0.1:{port}/"));
        Assert.Equal(restarted.Pid, repo.Ok("Get-DevServer 101").Objects<DevServer>().Single().Pid);

        // The log is kept across restarts: both starts are in it.
        Assert.Equal(2, repo.Ok("Get-IssueLog 101 -Tail 100").Output.Count(o => (string)o.BaseObject == $"listening on {port}"));

        repo.Ok("Stop-DevServer 101");
        Assert.True(Procs.Eventually(() => ProcessRepo.Refuses(port)));
    }

    [LinuxFact]
    public void Bad_input_is_an_error_with_a_stable_id_and_starts_nothing()
    {
        using var repo = ServerRepo("12401-12499", command: null);
        var w = Assert.Single(repo.NewWorktrees("101"));

        Assert.Equal(["IssueWorktreeNotFound"], repo.Run("Start-DevServer 999").ErrorIds);
        Assert.Equal(["InvalidIssueId"], repo.Run("Start-DevServer '../x'").ErrorIds);
        Assert.Equal(["DevServerNotFound", "InvalidIssueId"], repo.Run("Stop-DevServer 999, '../x'").ErrorIds);
        Assert.Equal(["InvalidIssueId"], repo.Run("Get-IssueLog '../x'").ErrorIds);

        // No devServer.command and no package.json: a clear error asking for one.
        var missing = repo.Run("Start-DevServer 101");
        Assert.Equal(["DevServerCommandMissing"], missing.ErrorIds);
        Assert.Contains("devServer.command", missing.Errors[0].ErrorDetails?.RecommendedAction ?? missing.Errors[0].Exception.Message);
        Assert.Empty(repo.Ok("Get-DevServer").Output);

        // A repository command nobody approved does not run.
        var marker = Path.Combine(repo.Repo.Parent, "ran");
        File.WriteAllText(Path.Combine(repo.Repo.Root, ".worktree-tools.yml"),
            $"ports: {{ web: 12401-12499 }}\ndevServer: {{ command: 'touch \"{marker}\"; node server.js' }}\n");
        var refused = repo.Run("Start-DevServer 101");
        Assert.Equal(["CommandNotApproved"], refused.ErrorIds);
        Assert.Empty(refused.Output);
        Assert.Empty(repo.Ok("Get-DevServer").Output);
        Assert.False(File.Exists(marker));
        Assert.Empty(Procs.WorkingIn(w.Path));

        // A command the user types is theirs: it needs no approval.
        var typed = Assert.Single(repo.Ok("Start-DevServer 101 -Command 'node server.js'").Objects<DevServer>());
        repo.Track(typed.Pid);
        Assert.Equal(("node server.js", ProcessState.Running), (typed.Command, typed.State));
        repo.Ok("Stop-DevServer 101");
        Assert.Empty(Procs.WorkingIn(w.Path));
    }

    [LinuxFact]
    public void Ctrl_C_while_servers_start_leaves_none_of_them_running()
    {
        // Servers that never listen: Start-DevServer waits for their ports until it is stopped.
        using var repo = ServerRepo("12501-12599", "node -e \"setInterval(() => {}, 1000)\"");
        repo.NewWorktrees("101", "102");
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        runspace.SessionStateProxy.Path.SetLocation(repo.Repo.Root);
        using var ps = PowerShell.Create(runspace);
        ps.AddScript($"Import-Module '{TestEnvironment.ManifestPath}'; 101, 102 | Start-DevServer");
        var running = ps.BeginInvoke();
        List<DevServer> servers = [];
        Assert.True(Procs.Eventually(() => (servers = repo.Ok("Get-DevServer").Objects<DevServer>().ToList()).Count == 2), "the servers never started");
        foreach (var s in servers) repo.Track(s.Pid);
        Assert.All(servers, s => Assert.Equal(ProcessState.Starting, s.State));
        var trees = servers.SelectMany(s => Procs.TreeOf(s.Pid)).ToList();

        ps.Stop();   // what Ctrl+C does
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(running));
        Assert.All(trees, p => Assert.False(p.IsAlive, p.ToString()));
        Assert.All(repo.Ok("Get-DevServer").Objects<DevServer>(), s => Assert.False(s.IsRunning, s.ToString()));
    }
}
