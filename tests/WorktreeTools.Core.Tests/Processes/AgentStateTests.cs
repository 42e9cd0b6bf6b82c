using System.Text.Json;
using WorktreeTools.Core.Processes;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

/// <summary>
/// What an agent is doing, at a glance: fake agents (small scripts) report their states through the protocol
/// (WORKTREE_AGENT_STATE_FILE), fake <c>claude</c> and <c>codex</c> programs run the presets' hooks the way the real
/// tools do, and agents that report nothing are judged by their process and output.
/// </summary>
public sealed class AgentStateTests : IDisposable
{
    private readonly ProcessSandbox _box = new();
    private readonly TestRepo _repo = new();

    public AgentStateTests() => _box.Watch(_repo.Parent);

    public void Dispose()
    {
        _box.Dispose();
        _repo.Dispose();
    }

    /// <summary>Writes "step N" into the sync folder, then waits for "go-N" from the test.</summary>
    private const string Pause = """
        pause() { touch "$SYNC/step-$1"; n=0; while [ ! -e "$SYNC/go-$1" ]; do n=$((n + 1)); [ $n -gt 1200 ] && exit 9; sleep 0.05; done; }
        """;

    private AgentRun Run(string id) => AgentRuns.Get(_repo.Root, id: id).Single();

    private void Step(string sync, int n) => Assert.True(ProcessSandbox.Eventually(() => File.Exists(Path.Combine(sync, $"step-{n}"))), $"step {n} never came");

    private static void Go(string sync, int n) => File.WriteAllText(Path.Combine(sync, $"go-{n}"), "");

    private Dictionary<string, string?> Env(string sync, string? path = null)
    {
        var env = new Dictionary<string, string?> { ["SYNC"] = sync };
        if (path is not null) env["PATH"] = path + ":" + Environment.GetEnvironmentVariable("PATH");
        return env;
    }

    [LinuxFact]
    public void An_agent_reports_working_waiting_and_idle_through_its_state_file_and_ends_done()
    {
        var sync = _box.Folder("sync");
        var agent = _box.Write("reporting-agent.sh", "#!/bin/sh\n" + Pause + "\n" + """
            echo "$WORKTREE_AGENT_ID" > "$SYNC/id"
            echo working >> "$WORKTREE_AGENT_STATE_FILE"
            pause 1
            echo "waiting permission to run the tests" >> "$WORKTREE_AGENT_STATE_FILE"
            pause 2
            echo idle >> "$WORKTREE_AGENT_STATE_FILE"
            pause 3
            """, executable: true);

        var run = AgentRuns.Start(_repo.Root, "1", _repo.Root, "main", agent, "go", Env(sync), SilentHost.Instance)!;
        Step(sync, 1);
        Assert.Equal(run.Id, File.ReadAllText(Path.Combine(sync, "id")).Trim());
        Assert.Equal((AgentState.Working, true), (Run(run.Id).State, Run(run.Id).StateReported));
        Go(sync, 1);
        Step(sync, 2);
        var waiting = Run(run.Id);
        Assert.Equal((AgentState.Waiting, "permission to run the tests", true), (waiting.State, waiting.StateMessage, waiting.StateReported));
        Assert.Equal(ProcessState.Running, waiting.ProcessState);
        Go(sync, 2);
        Step(sync, 3);
        Assert.Equal(AgentState.Idle, Run(run.Id).State);
        Go(sync, 3);

        var done = AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.FromSeconds(30), SilentHost.Instance);
        Assert.Equal((AgentState.Done, ProcessState.Exited, 0), (done.State, done.ProcessState, done.ExitCode));
    }

    [LinuxFact]
    public void A_reported_failure_or_a_failing_exit_code_is_failed()
    {
        var reported = _box.Write("gives-up.sh", "#!/bin/sh\necho 'failed the API refused the request' >> \"$WORKTREE_AGENT_STATE_FILE\"\nexit 0\n", executable: true);
        var crashing = _box.Write("crashes.sh", "#!/bin/sh\necho working >> \"$WORKTREE_AGENT_STATE_FILE\"\nexit 3\n", executable: true);

        var a = AgentRuns.Wait(_repo.Root, AgentRuns.Start(_repo.Root, "2", _repo.Root, "main", reported, "go", null, SilentHost.Instance)!.Id, TimeSpan.FromSeconds(30), SilentHost.Instance);
        var b = AgentRuns.Wait(_repo.Root, AgentRuns.Start(_repo.Root, "3", _repo.Root, "main", crashing, "go", null, SilentHost.Instance)!.Id, TimeSpan.FromSeconds(30), SilentHost.Instance);

        Assert.Equal((AgentState.Failed, "the API refused the request", ProcessState.Exited), (a.State, a.StateMessage, a.ProcessState));
        Assert.Equal((AgentState.Failed, "exit code 3", ProcessState.Crashed), (b.State, b.StateMessage, b.ProcessState));
    }

    [LinuxFact]
    public void Without_reports_a_running_agent_is_working_a_quiet_one_says_so_and_a_stopped_one_is_stopped()
    {
        var agent = _box.Write("silent.sh", "#!/bin/sh\necho started\nsleep 60\n", executable: true);
        var run = AgentRuns.Start(_repo.Root, "4", _repo.Root, "main", agent, "go", null, SilentHost.Instance)!;
        Assert.True(ProcessSandbox.Eventually(() => ProcessSandbox.Read(run.LogPath).Contains("started")));
        Assert.Equal((AgentState.Working, false, null), (Run(run.Id).State, Run(run.Id).StateReported, Run(run.Id).StateMessage));

        // Ten quiet minutes: a detached run cannot be asked anything, so it is still working, and says how quiet it is.
        File.SetLastWriteTimeUtc(run.LogPath, DateTime.UtcNow.AddMinutes(-10));
        Assert.Equal((AgentState.Working, "no output for 10 min"), (Run(run.Id).State, Run(run.Id).StateMessage));

        var stopped = AgentRuns.Stop(_repo.Root, run.Id, TimeSpan.FromSeconds(10), SilentHost.Instance);
        Assert.Equal((AgentState.Stopped, ProcessState.Stopped), (stopped.State, stopped.ProcessState));
    }

    [LinuxFact]
    public void Reports_from_PowerShell_and_bad_lines_are_handled()
    {
        var sync = _box.Folder("sync");
        var agent = _box.Write("waits.sh", "#!/bin/sh\n" + Pause + "\n" + "pause 1\necho 'not a state' >> \"$WORKTREE_AGENT_STATE_FILE\"\npause 2\n", executable: true);
        var run = AgentRuns.Start(_repo.Root, "5", _repo.Root, "main", agent, "go", Env(sync), SilentHost.Instance)!;
        Step(sync, 1);

        var reported = AgentRuns.Report(_repo.Root, run.Id, AgentState.Waiting, "pick a name\nfor the table");
        Assert.Equal((AgentState.Waiting, "pick a name for the table"), (reported.State, reported.StateMessage));
        Go(sync, 1);
        Step(sync, 2);
        Assert.Equal(AgentState.Waiting, Run(run.Id).State); // a line that names no state changes nothing
        Assert.Equal("AgentStateNotReportable", Assert.Throws<WorktreeToolsException>(() => AgentRuns.Report(_repo.Root, run.Id, AgentState.Stopped, null)).ErrorId);
        Go(sync, 2);
        AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.FromSeconds(30), SilentHost.Instance);
    }

    /// <summary>
    /// A stand-in for Claude Code: it records its arguments, then runs the hooks of the settings given with
    /// --settings for a session's events, as Claude Code does (each command through a shell, the Notification
    /// matcher tried against the notification type), pausing where a person would be asked for permission.
    /// </summary>
    private const string FakeClaude = """
        #!/usr/bin/env node
        const fs = require('fs'), { execFileSync } = require('child_process');
        const args = process.argv.slice(2);
        fs.writeFileSync(process.env.SYNC + '/argv.json', JSON.stringify(args));
        const settings = JSON.parse(args[args.indexOf('--settings') + 1]);
        const fire = (event, type) => {
          for (const group of settings.hooks[event] || [])
            if (!group.matcher || (type && new RegExp('^(' + group.matcher + ')$').test(type)))
              for (const h of group.hooks) execFileSync('/bin/sh', ['-c', h.command], { stdio: 'inherit' });
        };
        const step = (n) => { fs.writeFileSync(process.env.SYNC + '/step-' + n, ''); while (!fs.existsSync(process.env.SYNC + '/go-' + n)) execFileSync('sleep', ['0.05']); };
        fire('SessionStart'); fire('UserPromptSubmit'); fire('PreToolUse');
        step(1);
        fire('Notification', 'permission_prompt');
        step(2);
        fire('PostToolUse'); step(3);
        fire('Notification', 'auth_success'); fire('Stop');
        step(4);
        """;

    /// <summary>Runs the preset <paramref name="agent"/> with <paramref name="script"/> as its program, up to the script's first pause; the arguments it got.</summary>
    private (AgentRun Run, string Sync, string[] Argv) StartStandIn(string agent, string script, string issue)
    {
        var sync = _box.Folder("sync");
        var bin = _box.Folder("bin");
        _box.Write("bin/" + agent, script, executable: true);
        var run = AgentRuns.Start(_repo.Root, issue, _repo.Root, "main", agent, "Fix the login", Env(sync, bin), SilentHost.Instance)!;
        Step(sync, 1);
        return (run, sync, JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(sync, "argv.json")))!);
    }

    [LinuxFact]
    public void The_claude_preset_reports_through_Claude_Code_hooks()
    {
        var (run, sync, argv) = StartStandIn("claude", FakeClaude, "6");
        Assert.Equal(["--settings", AgentCommand.ClaudeCodeSettings(), "-p", "Fix the login"], argv);
        Assert.Equal((AgentState.Working, true), (Run(run.Id).State, Run(run.Id).StateReported));
        Go(sync, 1);
        Step(sync, 2);
        Assert.Equal(AgentState.Waiting, Run(run.Id).State);    // the permission prompt
        Go(sync, 2);
        Step(sync, 3);
        Assert.Equal(AgentState.Working, Run(run.Id).State);    // permission given, the tool ran
        Go(sync, 3);
        Step(sync, 4);
        Assert.Equal(AgentState.Idle, Run(run.Id).State);       // the turn is over; other notifications change nothing
        Go(sync, 4);
        Assert.Equal(AgentState.Done, AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.FromSeconds(30), SilentHost.Instance).State);
    }

    /// <summary>A stand-in for Codex: records its arguments, then at the end of its turn runs the notify program of its -c notify=... override with the JSON payload appended, as Codex does.</summary>
    private const string FakeCodex = """
        #!/usr/bin/env node
        const fs = require('fs'), { execFileSync } = require('child_process');
        const args = process.argv.slice(2);
        fs.writeFileSync(process.env.SYNC + '/argv.json', JSON.stringify(args));
        const notify = JSON.parse(args[args.indexOf('-c') + 1].replace(/^notify=/, ''));
        execFileSync(notify[0], [...notify.slice(1), JSON.stringify({ type: 'agent-turn-complete', 'turn-id': '1', 'last-assistant-message': 'done' })], { stdio: 'inherit' });
        fs.writeFileSync(process.env.SYNC + '/step-1', '');
        while (!fs.existsSync(process.env.SYNC + '/go-1')) execFileSync('sleep', ['0.05']);
        """;

    [LinuxFact]
    public void The_codex_preset_reports_through_its_notify_program()
    {
        var (run, sync, argv) = StartStandIn("codex", FakeCodex, "7");
        Assert.Equal(["exec", "-c", "Fix the login"], argv.Where((_, i) => i != 2));
        Assert.StartsWith("notify=[", argv[2]);
        Assert.Equal((AgentState.Idle, true), (Run(run.Id).State, Run(run.Id).StateReported));
        Go(sync, 1);
        Assert.Equal(AgentState.Done, AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.FromSeconds(30), SilentHost.Instance).State);
    }

    [LinuxFact]
    public void The_report_command_does_nothing_outside_an_agent_run()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
        foreach (var a in AgentCommand.Reporter("idle").Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment.Remove(AgentStates.FileVariable);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.WaitForExit();
        Assert.Equal((0, ""), (p.ExitCode, p.StandardError.ReadToEnd()));
    }
}
