using System.Management.Automation;
using System.Management.Automation.Runspaces;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// Invoke-IssueCommand end to end: a script block or a command line in an issue's worktree with its environment,
/// exit codes as PowerShell users expect, and the pipeline's own rules (break, Ctrl+C). Ports 141xx–145xx.
/// </summary>
public sealed class IssueCommandTests
{
    private static ProcessRepo CommandRepo(string ports) => new(
        $"ports: {{ web: {ports} }}\nenv: {{ set: {{ GREETING: 'hello {{issue}}' }} }}\ndevServer: {{ command: 'node server.js' }}\n",
        new Dictionary<string, string> { ["server.js"] = ProcessRepo.ServerJs });

    [LinuxFact]
    public void A_script_block_runs_in_the_worktree_with_the_issues_environment_and_both_are_put_back()
    {
        using var repo = CommandRepo("14101-14199");
        var w = Assert.Single(repo.NewWorktrees("101"));
        var port = w.Ports["web"].ToString();
        try
        {
            var r = repo.Ok("""
                $env:PORT = 'outer'
                Invoke-IssueCommand 101 { $env:PORT; $PWD.Path; $env:GREETING; $env:ISSUE_ID; $args[0] } 'an argument'
                $PWD.Path; $env:PORT; "[$env:ISSUE_ID]"; "[$env:GREETING]"; $LASTEXITCODE
                """);
            Assert.Equal([port, w.Path, "hello 101", "101", "an argument", repo.Repo.Root, "outer", "[]", "[]", "0"], r.Output.Select(o => o.ToString()));
            Assert.Equal(repo.Repo.Root, repo.Ps.Location);

            // A native command's exit code is $LASTEXITCODE; with -ErrorOnFailure a non-zero one is an error too.
            Assert.Equal(["4"], repo.Ok("Invoke-IssueCommand 101 { sh -c 'exit 4' }; $LASTEXITCODE").Output.Select(o => o.ToString()));
            var failed = repo.Run("Invoke-IssueCommand 101 { sh -c 'exit 4' } -ErrorOnFailure; $LASTEXITCODE");
            Assert.Equal(["CommandFailed"], failed.ErrorIds);
            Assert.Equal(["4"], failed.Output.Select(o => o.ToString()));

            // The block's output streams on as it comes: a break downstream ends it before its next statement.
            var marker = Path.Combine(repo.Repo.Parent, "second-statement-ran");
            repo.Ok("foreach ($i in 1) { Invoke-IssueCommand 101 { 'first'; [IO.File]::WriteAllText($marker, 'x') } | ForEach-Object { break } }",
                new Dictionary<string, object?> { ["marker"] = marker });
            Assert.False(File.Exists(marker));
            Assert.Equal(repo.Repo.Root, repo.Ps.Location);

            // Its errors are this command's errors; its output goes on.
            // (The hosted engine has no Write-Error; an unknown command is a non-terminating error as well.)
            var soft = repo.Run("Invoke-IssueCommand 101 { no-such-command-wtt; 'after' }");
            Assert.Equal(["after"], soft.Output.Select(o => o.ToString()));
            Assert.StartsWith("CommandNotFoundException", Assert.Single(soft.Errors).FullyQualifiedErrorId);

            // A script block that throws is the script's own error, not a WorktreeTools failure; location and environment are put back.
            var thrown = repo.Run("Invoke-IssueCommand 101 { throw 'the tests failed' }");
            Assert.Equal("the tests failed", Assert.Single(thrown.Errors).Exception.Message);
            Assert.Equal(repo.Repo.Root, repo.Ps.Location);
            Assert.Equal(["outer"], repo.Ok("$env:PORT").Output.Select(o => o.ToString()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PORT", null);
        }
    }

    [LinuxFact]
    public void A_command_line_streams_its_output_and_sets_LASTEXITCODE()
    {
        using var repo = CommandRepo("14201-14299");
        var w = Assert.Single(repo.NewWorktrees("101"));
        var port = w.Ports["web"].ToString();

        var r = repo.Ok("Invoke-IssueCommand 101 -Command 'echo $PORT; pwd; echo \"$GREETING\"; echo \"$ISSUE_ID $WORKTREE_BRANCH\"; echo oops >&2; exit 3'; $LASTEXITCODE");
        Assert.Equal([port, w.Path, "hello 101", "101 feature/issue-101", "3"], r.Output.Select(o => o.ToString()));
        Assert.Contains("oops", r.Text);   // stderr is shown, not output

        var failed = repo.Run("Invoke-IssueCommand 101 -Command 'echo $PORT; exit 3' -ErrorOnFailure");
        Assert.Equal([port], failed.Output.Select(o => o.ToString()));
        var error = Assert.Single(failed.Errors);
        Assert.Equal(("CommandFailed", "101"), (failed.ErrorIds.Single(), error.TargetObject));
        Assert.Contains("exit code 3", error.Exception.Message);

        Assert.Equal(["0"], repo.Ok("Invoke-IssueCommand 101 -Command 'true'; $LASTEXITCODE").Output.Select(o => o.ToString()));
        Assert.Equal(["IssueWorktreeNotFound"], repo.Run("Invoke-IssueCommand 999 -Command 'true'").ErrorIds);
        Assert.Equal(["InvalidIssueId"], repo.Run("Invoke-IssueCommand '../x' { 'never' }").ErrorIds);
    }

    [LinuxFact]
    public void A_CLI_run_in_an_issue_connects_to_that_issues_dev_server()
    {
        using var repo = CommandRepo("14301-14399");
        var servers = repo.Ok("101, 102 | New-IssueWorktree -NoInstall | Start-DevServer").Objects<DevServer>().ToList();
        foreach (var s in servers) repo.Track(s.Pid);
        foreach (var s in servers)
        {
            var r = repo.Ok($"Invoke-IssueCommand {s.Issue} -Command 'node -e \"fetch(\\\"http://127.0.0.1:\\\"+process.env.PORT).then(r=>r.text()).then(console.log)\"'");
            Assert.Equal([$"issue {s.Issue} port {s.Ports["web"]}"], r.Output.Select(o => o.ToString()));
        }
        repo.Ok("Get-DevServer | Stop-DevServer");
    }

    [LinuxFact]
    public void Break_after_a_streaming_command_stops_it_and_the_loop_and_nothing_crashes()
    {
        using var repo = CommandRepo("14401-14499");
        var w = Assert.Single(repo.NewWorktrees("101"));
        // A separate process: before the fix, the host process died of an exception on a thread-pool thread.
        var (exit, output, error) = PwshProcess.Run(repo.Repo.Root, "-Command", $$"""
            Import-Module '{{TestEnvironment.ManifestPath}}'
            foreach ($i in 1..3) { Invoke-IssueCommand 101 -Command 'while true; do echo tick; sleep 0.05; done' | ForEach-Object { "got $_ $i"; break } }
            'after break'
            foreach ($i in 1..2) { Invoke-IssueCommand 101 -Command 'echo a; echo b' | ForEach-Object { "$_ $i"; continue } }
            'after continue'
            try { Invoke-IssueCommand 101 -Command 'echo a; sleep 300' | ForEach-Object { throw "downstream failed at $_" } } catch { "caught: $_" }
            [Threading.Thread]::Sleep(300)
            'still alive'
            exit 0
            """);
        Assert.True(exit == 0, output + error);
        Assert.Equal(["got tick 1", "after break", "a 1", "a 2", "after continue", "caught: downstream failed at a", "still alive"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.True(Procs.Eventually(() => Procs.WorkingIn(w.Path).Count == 0), "left running: " + string.Join(", ", Procs.WorkingIn(w.Path)));
    }

    [LinuxFact]
    public void Ctrl_C_stops_a_running_command_and_its_children()
    {
        using var repo = CommandRepo("14501-14599");
        var w = Assert.Single(repo.NewWorktrees("101"));
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        runspace.SessionStateProxy.Path.SetLocation(repo.Repo.Root);
        using var ps = PowerShell.Create(runspace);
        ps.AddScript($"Import-Module '{TestEnvironment.ManifestPath}'; Invoke-IssueCommand 101 -Command 'echo started; sleep 300 & wait'");
        var output = new PSDataCollection<PSObject>();
        var running = ps.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(Procs.Eventually(() => Procs.WorkingIn(w.Path).Any(p => Procs.CommandLine(p.Pid).StartsWith("sleep"))), "the command never started");
        Assert.True(Procs.Eventually(() => output.Count == 1), "no output streamed");
        var tree = Procs.WorkingIn(w.Path);

        var stopping = ps.BeginStop(null, null);   // what Ctrl+C does
        var stopped = stopping.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30));
        if (!stopped) Procs.Kill(tree);   // so that the pipeline ends and the test reports instead of hanging
        Assert.True(stopped, "the command did not stop");
        ps.EndStop(stopping);
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(running));
        Assert.Equal(["started"], output.Select(o => o.ToString()));
        Assert.All(tree, p => Assert.False(p.IsAlive, p.ToString()));
    }
}
