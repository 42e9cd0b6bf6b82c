using System.Text;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// Issue 4's agent runs end to end through the cmdlets, with fake agents (shell and node scripts the tests write)
/// that record their arguments, edit a file and commit. Ports 131xx–136xx belong to this class.
/// </summary>
public sealed class AgentCmdletTests
{
    /// <summary>
    /// Records its first argument byte for byte and its argument count, waits until as many runs as the file
    /// "expect" says have started (so that "at once" is proven, not assumed), then edits a file and commits.
    /// </summary>
    private const string FakeAgent = """
        #!/bin/sh
        out=$(dirname "$0")
        printf '%s' "$1" > "$out/prompt-$ISSUE_ID.txt"
        echo "$#" > "$out/argc-$ISSUE_ID.txt"
        touch "$out/started-$ISSUE_ID"
        expect=$(cat "$out/expect" 2>/dev/null || echo 1)
        n=0
        while [ "$(ls "$out" | grep -c '^started-')" -lt "$expect" ]; do
          n=$((n + 1)); [ $n -gt 600 ] && { echo "the other run never started"; exit 9; }
          sleep 0.05
        done
        echo "agent working on issue $ISSUE_ID (pid $$)"
        echo "work of issue $ISSUE_ID, run $$" >> "agent-$ISSUE_ID.txt"
        git add "agent-$ISSUE_ID.txt" && git commit -q -m "Agent work for issue $ISSUE_ID" || exit 5
        echo "agent done"
        """;

    /// <summary>Runs until stopped, with a child process, as real agents (node + tools) do.</summary>
    private const string SlowAgent = """
        #!/bin/sh
        echo "slow agent started on issue $ISSUE_ID"
        sleep 300 &
        echo $! > "$(dirname "$0")/child-$ISSUE_ID"
        wait
        """;

    private static Dictionary<string, object?> Vars(params (string Name, object? Value)[] vars) => vars.ToDictionary(v => v.Name, v => v.Value);

    private static string Template(string script) => $"'{script}' {{prompt}}";

    [LinuxFact]
    public void Two_agents_run_at_once_and_each_commits_only_on_its_own_branch()
    {
        using var repo = new ProcessRepo("ports: { web: 13101-13199 }\n");
        repo.NewWorktrees("201", "202");
        var agent = repo.Tool("agent.sh", FakeAgent);
        File.WriteAllText(Path.Combine(repo.Tools, "expect"), "2");
        var main = repo.Repo.Git("rev-parse", "main");

        var started = repo.Ok("Get-IssueWorktree | Start-IssueAgent -Prompt 'Fix the login timeout' -Agent $agent",
            Vars(("agent", Template(agent)))).Objects<AgentRun>().ToList();
        foreach (var run in started) repo.Track(run.Pid);
        Assert.Equal(["201", "202"], started.Select(r => r.Issue));
        Assert.All(started, r => Assert.Equal("agent", r.Agent));

        // The runs piped on: Wait-IssueAgent emits each finished run.
        var finished = repo.Ok("$runs | Wait-IssueAgent -Timeout 60", Vars(("runs", started))).Objects<AgentRun>().ToList();
        Assert.Equal(started.Select(r => r.Id), finished.Select(r => r.Id));
        foreach (var run in finished)
        {
            Assert.True(run.ProcessState == ProcessState.Exited && run.ExitCode == 0,
                $"{run}: exit {run.ExitCode}\n{string.Join("\n", repo.Run($"Get-IssueLog {run.Issue} -RunId {run.Id}").Output)}");
            var other = run.Issue == "201" ? "202" : "201";
            // Exactly one new commit on its own branch, touching only its own file ...
            var tip = repo.Repo.Git("rev-parse", $"feature/issue-{run.Issue}");
            Assert.Equal(tip, repo.Repo.Git("rev-list", $"main..feature/issue-{run.Issue}"));
            Assert.Equal($"agent-{run.Issue}.txt", repo.Repo.Git("diff", "--name-only", main, tip));
            // ... and reported as the run's commits.
            var commit = Assert.Single(run.Commits);
            Assert.Equal((tip, $"Agent work for issue {run.Issue}"), (commit.Sha, commit.Subject));
            Assert.DoesNotContain($"agent-{other}.txt", repo.Repo.Git("ls-tree", "-r", "--name-only", tip));
            Assert.Equal("", TestRepo.Run(run.WorkingDirectory, "status", "--porcelain"));
        }
        Assert.Equal(main, repo.Repo.Git("rev-parse", "main"));

        var listed = repo.Ok("Get-IssueAgent").Objects<AgentRun>().ToList();
        Assert.Equal(finished.Select(r => (r.Id, r.State, r.Commits.Count)), listed.Select(r => (r.Id, r.State, r.Commits.Count)));
        Assert.Equal([("agent", AgentState.Done), ("agent", AgentState.Done)], repo.Ok("Get-IssueWorktree").Objects<IssueWorktree>().Select(w => (w.Agent, w.AgentState)));

        var log = repo.Ok("Get-IssueLog 201 -Source Agent").Output.Select(o => o.ToString()).ToList();
        Assert.Matches(@"^agent working on issue 201 \(pid \d+\)\nagent done$", string.Join("\n", log.Where(l => l.StartsWith("agent "))));
        Assert.Contains(log, l => l.StartsWith("agent working on issue 201"));
    }

    [LinuxFact]
    public void A_prompt_full_of_shell_metacharacters_arrives_verbatim_as_one_argument_from_a_parameter_the_pipeline_and_a_file()
    {
        using var repo = new ProcessRepo("ports: { web: 13201-13299 }\n");
        repo.NewWorktrees("201");
        var agent = repo.Tool("agent.sh", FakeAgent);
        var pwned = Path.Combine(repo.Repo.Parent, "pwned");
        var prompt = $"Fix \"the\" login's timeout; echo injected && touch '{pwned}-1' | cat\n" +
                     $"$(touch {pwned}-2) `touch {pwned}-3` ${{HOME}} $HOME %PATH% \\ \\\\ * ? ~ # > out.txt < in.txt & disown\n" +
                     "\ttabs,  double  spaces, ünïcödé ✓ 🚀 日本語\r\nlast line -- --prompt -x ";

        void RunAndCheck(string script, IDictionary<string, object?> vars, string expected)
        {
            var run = Assert.Single(repo.Ok(script, vars).Objects<AgentRun>());
            repo.Track(run.Pid);
            Assert.Equal(expected, run.Prompt);
            var done = Assert.Single(repo.Ok($"Wait-IssueAgent -Id {run.Id} -Timeout 60").Objects<AgentRun>());
            Assert.True(done is { ProcessState: ProcessState.Exited, ExitCode: 0 },
                $"{done} exit {done.ExitCode}\n{string.Join("\n", repo.Run($"Get-IssueLog {run.Issue} -RunId {run.Id}").Output)}");
            Assert.Equal(expected, File.ReadAllText(Path.Combine(repo.Tools, "prompt-201.txt"), Encoding.UTF8));
            Assert.Equal("1", File.ReadAllText(Path.Combine(repo.Tools, "argc-201.txt")).Trim());
            Assert.Empty(Directory.GetFiles(repo.Repo.Parent, "pwned*"));
        }

        RunAndCheck("Start-IssueAgent -Issue 201 -Prompt $prompt -Agent $agent", Vars(("prompt", prompt), ("agent", Template(agent))), prompt);
        RunAndCheck("$prompt | Start-IssueAgent -Issue 201 -Agent $agent", Vars(("prompt", prompt), ("agent", Template(agent))), prompt);
        var file = Path.Combine(repo.Tools, "prompt file.md");
        File.WriteAllText(file, prompt + "\n", new UTF8Encoding(false));
        RunAndCheck("Start-IssueAgent 201 -PromptFile $file -Agent $agent", Vars(("file", file), ("agent", Template(agent))), prompt + "\n");

        // Three runs, three commits, each run reporting only its own.
        var runs = repo.Ok("Get-IssueAgent 201").Objects<AgentRun>().ToList();
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Single(r.Commits));
        Assert.Equal(3, runs.Select(r => r.Commits[0].Sha).Distinct().Count());

        // A run piped on means that run, not the issue's latest: its log, waiting for it, stopping it.
        string Unique(AgentRun r) => File.ReadAllLines(r.LogPath).Single(l => l.StartsWith("agent working on issue 201 (pid "));
        var firstLog = repo.Ok("(Get-IssueAgent 201)[0] | Get-IssueLog").Output.Select(o => o.ToString()).ToList();
        Assert.Contains(Unique(runs[0]), firstLog);
        Assert.DoesNotContain(Unique(runs[2]), firstLog);
        Assert.Contains(Unique(runs[1]), repo.Ok($"Get-IssueLog 201 -RunId {runs[1].Id}").Output.Select(o => o.ToString()));
        Assert.Equal(runs[0].Id, Assert.Single(repo.Ok("(Get-IssueAgent 201)[0] | Wait-IssueAgent").Objects<AgentRun>()).Id);
        Assert.Equal(runs[0].Id, Assert.Single(repo.Ok("(Get-IssueAgent 201)[0] | Stop-IssueAgent -PassThru").Objects<AgentRun>()).Id);
    }

    [LinuxFact]
    public void A_long_running_agent_is_stopped_with_its_whole_tree_and_its_log_followed()
    {
        using var repo = new ProcessRepo("ports: { web: 13301-13399 }\n");
        repo.NewWorktrees("201", "202");
        var slow = repo.Tool("slow.sh", SlowAgent);
        var chatty = repo.Tool("chatty.sh", "#!/bin/sh\nfor i in 1 2 3; do echo \"step $i of $1\"; sleep 0.2; done\n");

        // Stop-IssueAgent takes the run from the pipeline.
        var run = Assert.Single(repo.Ok("Start-IssueAgent 202 'Refactor everything' -Agent $agent", Vars(("agent", Template(slow)))).Objects<AgentRun>());
        repo.Track(run.Pid);
        var childFile = Path.Combine(repo.Tools, "child-202");
        Assert.True(Procs.Eventually(() => File.Exists(childFile) && File.ReadAllText(childFile).Trim().Length > 0), "the slow agent never started its child");
        var tree = Procs.TreeOf(run.Pid);
        Assert.True(tree.Count >= 3, string.Join(", ", tree));   // wrapper, the agent's shell, sleep
        Assert.Contains(tree, p => p.Pid == int.Parse(File.ReadAllText(childFile)));
        Assert.Equal(ProcessState.Running, Assert.Single(repo.Ok("Get-IssueAgent 202").Objects<AgentRun>()).ProcessState);
        Assert.Equal(["AgentAlreadyRunning"], repo.Run("Start-IssueAgent 202 'again' -Agent $agent", Vars(("agent", Template(slow)))).ErrorIds);
        var timedOut = repo.Run("Wait-IssueAgent 202 -Timeout 1");
        Assert.Equal(["AgentWaitTimeout"], timedOut.ErrorIds);
        Assert.Empty(timedOut.Output);

        var stopped = Assert.Single(repo.Ok("Get-IssueAgent 202 | Stop-IssueAgent -PassThru").Objects<AgentRun>());
        Assert.Equal((run.Id, ProcessState.Stopped), (stopped.Id, stopped.ProcessState));
        Assert.All(tree, p => Assert.False(p.IsAlive, p.ToString()));
        Assert.Equal(ProcessState.Stopped, Assert.Single(repo.Ok("Get-IssueAgent 202").Objects<AgentRun>()).ProcessState);
        Assert.Equal(["slow agent started on issue 202"], repo.Ok("Get-IssueLog 202 -Source Agent").Output.Select(o => o.ToString()).Where(l => !l.StartsWith('#')));

        // -Wait follows a run's log until the run ends.
        var chat = Assert.Single(repo.Ok("Start-IssueAgent 201 'the plan' -Agent $agent", Vars(("agent", Template(chatty)))).Objects<AgentRun>());
        repo.Track(chat.Pid);
        var followed = repo.Ok("Get-IssueLog 201 -Source Agent -Wait").Output.Select(o => o.ToString()).ToList();
        Assert.Equal(["step 1 of the plan", "step 2 of the plan", "step 3 of the plan"], followed.Where(l => l.StartsWith("step ")));
        Assert.Equal(ProcessState.Exited, Assert.Single(repo.Ok("Get-IssueAgent 201").Objects<AgentRun>()).ProcessState);
    }

    [LinuxFact]
    public void The_configured_agent_command_runs_once_approved_and_a_worktree_path_with_spaces_stays_one_argument()
    {
        const string agentJs = """
            const fs = require('fs'), path = require('path');
            fs.mkdirSync(process.env.WORKTREE_ARTIFACTS, { recursive: true });
            fs.writeFileSync(path.join(process.env.WORKTREE_ARTIFACTS, process.env.WORKTREE_ARTIFACT_PREFIX + 'argv.json'),
                JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), issue: process.env.ISSUE_ID }));
            """;
        using var repo = new ProcessRepo("ports: { web: 13401-13499 }\nagent: { command: 'node {worktree}/tools/agent.js --prompt {prompt}' }\n",
            new Dictionary<string, string> { ["tools/agent.js"] = agentJs, [".gitignore"] = "artifacts/\n" }, approve: false, name: "my app");
        var w = Assert.Single(repo.NewWorktrees("7"));
        Assert.Contains(' ', w.Path);

        // Not approved yet: nothing runs.
        var refused = repo.Run("Start-IssueAgent 7 'hello world'");
        Assert.Equal(["CommandNotApproved"], refused.ErrorIds);
        Assert.Empty(repo.Ok("Get-IssueAgent").Output);

        repo.Ok("Approve-WorktreeConfig");
        var run = Assert.Single(repo.Ok("Start-IssueAgent 7 'hello world'").Objects<AgentRun>());
        repo.Track(run.Pid);
        var done = Assert.Single(repo.Ok($"Wait-IssueAgent {run.Id} -Timeout 60").Objects<AgentRun>());
        var report = Path.Combine(w.Path, "artifacts", "issue-7-argv.json");
        Assert.True(done.ExitCode == 0 && File.Exists(report), string.Join("\n", repo.Run("Get-IssueLog 7 -Source Agent").Output));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(["--prompt", "hello world"], json.RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(w.Path, json.RootElement.GetProperty("cwd").GetString());
        Assert.Equal("7", json.RootElement.GetProperty("issue").GetString());
    }

    [LinuxFact]
    public void Bad_agent_input_is_an_error_with_a_stable_id()
    {
        using var repo = new ProcessRepo("ports: { web: 13501-13599 }\n");
        repo.NewWorktrees("201");
        var agent = Template(repo.Tool("agent.sh", FakeAgent));
        var vars = Vars(("agent", agent));
        Assert.Equal(["IssueWorktreeNotFound"], repo.Run("Start-IssueAgent 999 'x' -Agent $agent", vars).ErrorIds);
        Assert.Equal(["InvalidIssueId"], repo.Run("Start-IssueAgent '../x' 'x' -Agent $agent", vars).ErrorIds);
        Assert.Equal(["PromptEmpty"], repo.Run("Start-IssueAgent 201 '  ' -Agent $agent", vars).ErrorIds);
        Assert.Equal(["PromptFileNotFound"], repo.Run("Start-IssueAgent 201 -PromptFile ./no-such-prompt.md -Agent $agent", vars).ErrorIds);
        Assert.Equal(["AgentNotInstalled"], repo.Run("Start-IssueAgent 201 'x' -Agent 'no-such-agent-wtt {prompt}'").ErrorIds);
        Assert.Equal(["AgentRunNotFound"], repo.Run("Wait-IssueAgent 201").ErrorIds);
        Assert.Equal(["AgentRunNotFound"], repo.Run("Stop-IssueAgent 201").ErrorIds);
        Assert.Empty(repo.Ok("Get-IssueAgent").Output);
        Assert.Empty(Directory.GetFiles(repo.Tools, "started-*"));
    }

    [LinuxFact]
    public void Removing_an_issue_with_a_running_server_and_agent_stops_both_first()
    {
        using var repo = new ProcessRepo("ports: { web: 13601-13699 }\ndevServer: { command: 'node server.js' }\n",
            new Dictionary<string, string> { ["server.js"] = ProcessRepo.ServerJs });
        var w = Assert.Single(repo.NewWorktrees("301"));
        var server = Assert.Single(repo.Ok("Start-DevServer 301").Objects<DevServer>());
        repo.Track(server.Pid);
        var run = Assert.Single(repo.Ok("Start-IssueAgent 301 'Work forever' -Agent $agent", Vars(("agent", Template(repo.Tool("slow.sh", SlowAgent))))).Objects<AgentRun>());
        repo.Track(run.Pid);
        Assert.True(Procs.Eventually(() => File.Exists(Path.Combine(repo.Tools, "child-301"))));
        var port = server.Ports["web"];
        Assert.Equal($"issue 301 port {port}", ProcessRepo.Get($"http://127.0.0.1:{port}/"));
        var trees = Procs.TreeOf(server.Pid).Concat(Procs.TreeOf(run.Pid)).ToList();
        Assert.True(trees.Count >= 6, string.Join(", ", trees));

        var removed = repo.Run("Remove-IssueWorktree 301 -Confirm:$false");
        Assert.True(removed.Errors.Count == 0, string.Join("\n", removed.Errors));
        Assert.All(trees, p => Assert.False(p.IsAlive, p.ToString()));
        Assert.Empty(Procs.WorkingIn(w.Path));
        Assert.False(Directory.Exists(w.Path));
        Assert.True(ProcessRepo.Refuses(port));
        Assert.Empty(repo.Ok("Get-IssueWorktree").Output);
        Assert.Empty(repo.Ok("Get-DevServer").Output);
        Assert.Empty(repo.Ok("Get-IssueAgent").Output);
    }

    [LinuxFact]
    public void An_agent_reports_waiting_with_Set_IssueAgentState_and_every_listing_shows_it()
    {
        using var repo = new ProcessRepo("ports: { web: 13701-13799 }\n");
        repo.NewWorktrees("401", "402");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";
        // A real pwsh inside the agent, as a PowerShell hook would run it: the run comes from the environment.
        var agent = repo.Tool("asks.sh", $$"""
            #!/bin/sh
            '{{dotnet}}' '{{PwshProcess.PwshDll}}' -NoProfile -NonInteractive -Command "Import-Module '{{TestEnvironment.ManifestPath}}'; Set-IssueAgentState Waiting 'which database?'" || exit 7
            touch "$(dirname "$0")/asked-$ISSUE_ID"
            while [ ! -e "$(dirname "$0")/go-$ISSUE_ID" ]; do sleep 0.1; done
            """);
        var slow = repo.Tool("slow.sh", SlowAgent);
        foreach (var (issue, tool) in new[] { ("401", agent), ("402", slow) })
            repo.Track(Assert.Single(repo.Ok($"Start-IssueAgent {issue} 'go' -Agent $agent", Vars(("agent", Template(tool)))).Objects<AgentRun>()).Pid);
        Assert.True(Procs.Eventually(() => File.Exists(Path.Combine(repo.Tools, "asked-401")), 60),
            string.Join("\n", repo.Run("Get-IssueLog 401 -Source Agent").Output));

        var runs = repo.Ok("Get-IssueAgent").Objects<AgentRun>().ToDictionary(r => r.Issue);
        Assert.Equal((AgentState.Waiting, "which database?", true), (runs["401"].State, runs["401"].StateMessage, runs["401"].StateReported));
        Assert.Equal((AgentState.Working, false), (runs["402"].State, runs["402"].StateReported));
        var waiting = repo.Ok("Get-IssueAgent | Where-Object State -eq Waiting").Objects<AgentRun>();
        Assert.Equal(["401"], waiting.Select(r => r.Issue));
        var worktrees = repo.Ok("Get-IssueWorktree").Objects<IssueWorktree>().ToDictionary(w => w.Issue);
        Assert.Equal(("asks", AgentState.Waiting), (worktrees["401"].Agent, worktrees["401"].AgentState));
        Assert.Equal(("slow", AgentState.Working), (worktrees["402"].Agent, worktrees["402"].AgentState));

        // Outside an agent there is no run to report for; with -Id, a person can set it too.
        Assert.Equal(["AgentRunNotFound"], repo.Run("Set-IssueAgentState Idle").ErrorIds);
        var idle = Assert.Single(repo.Ok($"Set-IssueAgentState Idle -Id {runs["402"].Id} -PassThru").Objects<AgentRun>());
        Assert.Equal(AgentState.Idle, idle.State);
        Assert.Empty(repo.Ok($"Set-IssueAgentState Waiting -Id {runs["402"].Id} -WhatIf").Output);
        Assert.Equal(AgentState.Idle, Assert.Single(repo.Ok("Get-IssueAgent 402").Objects<AgentRun>()).State);

        File.WriteAllText(Path.Combine(repo.Tools, "go-401"), "");
        Assert.Equal(AgentState.Done, Assert.Single(repo.Ok("Wait-IssueAgent 401 -Timeout 60").Objects<AgentRun>()).State);
    }
}
