using System.Text;
using WorktreeTools.Core.Processes;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class AgentRunTests : IDisposable
{
    private readonly ProcessSandbox _box = new();
    private readonly TestRepo _repo = new();

    public AgentRunTests() => _box.Watch(_repo.Parent);

    public void Dispose()
    {
        _box.Dispose();
        _repo.Dispose();
    }

    [LinuxFact]
    public void A_prompt_full_of_shell_metacharacters_arrives_verbatim_as_one_argument()
    {
        const string prompt = "Fix the \"login\" timeout; it's `date` and $(rm -rf /) && echo pwned | tee x > y < z\n" +
                              "second line\twith tab, \\backslash, 'single', %PATH%, !bang, {prompt}, é ✓\n\n";
        var agent = _box.Write("fake-agent.sh", "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$ARGV_OUT\"\n", executable: true);
        var output = Path.Combine(_box.Dir, "argv.bin");

        var run = AgentRuns.Start(_repo.Root, "1", _repo.Root, "main", $"'{agent}' --prompt {{prompt}} --fast", prompt,
            new Dictionary<string, string?> { ["ARGV_OUT"] = output }, SilentHost.Instance)!;
        var done = AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.FromSeconds(30), SilentHost.Instance);

        Assert.Equal(ProcessState.Exited, done.ProcessState);
        Assert.Equal("fake-agent", done.Agent);
        Assert.Equal(prompt, done.Prompt);
        Assert.Equal(Encoding.UTF8.GetBytes("--prompt\0" + prompt + "\0--fast\0"), File.ReadAllBytes(output));
    }

    [LinuxFact]
    public void A_run_that_ends_at_once_never_ends_before_it_started_and_shows_local_times()
    {
        var agent = _box.Write("quick-agent.sh", "#!/bin/sh\nexit 0\n", executable: true);
        var run = AgentRuns.Start(_repo.Root, "7", _repo.Root, "main", $"'{agent}' {{prompt}}", "p", null, SilentHost.Instance)!;
        var exitFile = ProcessRegistry.ExitFile(run.LogPath);
        Assert.True(ProcessSandbox.Eventually(() => File.Exists(exitFile)), "the run never ended");
        // The file system stamps the exit file with its coarser clock: a few milliseconds before the start recorded.
        File.SetLastWriteTimeUtc(exitFile, run.StartedAt.ToUniversalTime().AddMilliseconds(-5));

        var done = AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.FromSeconds(30), SilentHost.Instance);
        Assert.Equal(ProcessState.Exited, done.ProcessState);
        Assert.True(done.Duration >= TimeSpan.Zero, $"Duration {done.Duration}");
        Assert.True(done.EndedAt >= done.StartedAt, $"ended {done.EndedAt:O}, started {done.StartedAt:O}");
        // One convention for every time the module shows: local, as Get-Date's, so that (Get-Date) - StartedAt is right.
        Assert.Equal(DateTimeKind.Local, done.StartedAt.Kind);
        Assert.Equal(DateTimeKind.Local, done.EndedAt!.Value.Kind);
        Assert.InRange(DateTime.Now - done.StartedAt, TimeSpan.Zero, TimeSpan.FromMinutes(5));
    }

    [LinuxFact]
    public void A_split_template_keeps_an_expanded_value_with_spaces_as_one_argument()
    {
        var agent = _box.Write("fake-agent.sh", "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$ARGV_OUT\"\n", executable: true);
        var output = Path.Combine(_box.Dir, "argv.bin");
        var command = AgentCommand.Resolve($"{agent} --dir {{path}} {{prompt}}").Map(a => a.Replace("{path}", "/home/me/My \"Projects\"/wt"));

        var run = AgentRuns.Start(_repo.Root, "6", _repo.Root, "main", command, "p r", new Dictionary<string, string?> { ["ARGV_OUT"] = output }, SilentHost.Instance)!;
        AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.FromSeconds(30), SilentHost.Instance);
        Assert.Equal(Encoding.UTF8.GetBytes("--dir\0/home/me/My \"Projects\"/wt\0p r\0"), File.ReadAllBytes(output));
    }

    [LinuxFact]
    public void Two_agents_work_at_once_in_two_worktrees_and_each_adds_one_commit_to_its_own_branch()
    {
        var sync = _box.Folder("sync");
        // Each agent waits until both have started (proof they run at the same time), then edits, writes an
        // artifact and commits.
        var agent = _box.Write("commit-agent.sh", """
            #!/bin/sh
            set -e
            touch "$SYNC/$ISSUE_ID"
            i=0; while [ "$(ls "$SYNC" | wc -l)" -lt 2 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
            printf '%s\n' "$1" > "notes-$ISSUE_ID.md"
            printf '{}' > "$WORKTREE_ARTIFACTS/${WORKTREE_ARTIFACT_PREFIX}result.json"
            git add -A
            git commit -q -m "agent: issue $ISSUE_ID"
            echo "done with $ISSUE_ID"
            """, executable: true);
        var issues = new[] { "1", "2" };
        var worktrees = issues.ToDictionary(i => i, i => Path.Combine(_repo.Parent, $"wt-{i}"));
        foreach (var i in issues) _repo.Git("worktree", "add", "-q", "-b", $"feature/issue-{i}", worktrees[i]);

        var runs = issues.Select(i => AgentRuns.Start(_repo.Root, i, worktrees[i], $"feature/issue-{i}", $"{agent} {{prompt}}", $"Work on issue {i}",
            new Dictionary<string, string?> { ["SYNC"] = sync }, SilentHost.Instance)!).ToList();
        // The first agent cannot finish before the second has started; the second may already be done.
        Assert.Equal(ProcessState.Running, runs[0].ProcessState);
        var done = runs.Select(r => AgentRuns.Wait(_repo.Root, r.Id, TimeSpan.FromSeconds(60), SilentHost.Instance)).ToList();

        foreach (var (run, i) in done.Zip(issues))
        {
            Assert.True(run.ProcessState == ProcessState.Exited, string.Join('\n', AgentRuns.ReadLog(_repo.Root, run.Id, 20, false, default)));
            Assert.Equal(0, run.ExitCode);
            var commit = Assert.Single(run.Commits);
            Assert.Equal($"agent: issue {i}", commit.Subject);
            Assert.Equal(_repo.Git("rev-parse", $"feature/issue-{i}"), commit.Sha);
            Assert.Equal("1", _repo.Git("rev-list", "--count", $"main..feature/issue-{i}"));
            Assert.Equal([Path.Combine(worktrees[i], "artifacts", $"issue-{i}-result.json")], Artifacts.List(worktrees[i], i));
            Assert.Contains($"done with {i}", AgentRuns.ReadLog(_repo.Root, run.Id, 5, false, default));
        }
        Assert.DoesNotContain("notes-1.md", _repo.Git("ls-tree", "-r", "--name-only", "feature/issue-2"));
        Assert.DoesNotContain("notes-2.md", _repo.Git("ls-tree", "-r", "--name-only", "feature/issue-1"));

        // What a run committed is settled when it ends: later commits on the branch are not the agent's.
        _repo.Commit("by hand", worktrees["1"]);
        Assert.Single(AgentRuns.Get(_repo.Root, id: done[0].Id).Single().Commits);
        Assert.Equal(2, AgentRuns.Get(_repo.Root).Count);
    }

    [LinuxFact]
    public void A_running_agent_can_be_waited_for_with_a_timeout_and_stopped_from_any_session()
    {
        var agent = _box.Write("slow-agent.sh", "#!/bin/sh\necho working\nsleep 30\n", executable: true);
        var run = AgentRuns.Start(_repo.Root, "3", _repo.Root, "main", agent, "take your time", null, SilentHost.Instance)!;
        var tree = Eventually(() => ProcessTree.Members([ProcessIdentity.Of(run.Pid)!]), t => t.Count >= 3);

        Assert.Equal("AgentAlreadyRunning", Assert.Throws<WorktreeToolsException>(() =>
            AgentRuns.Start(_repo.Root, "3", _repo.Root, "main", agent, "again", null, SilentHost.Instance)).ErrorId);
        var timeout = Assert.Throws<WorktreeToolsException>(() => AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.FromMilliseconds(200), SilentHost.Instance));
        Assert.Equal("AgentWaitTimeout", timeout.ErrorId);

        var stopped = AgentRuns.Stop(_repo.Root, "3", TimeSpan.FromSeconds(10), SilentHost.Instance);   // the issue's latest run
        Assert.Equal(run.Id, stopped.Id);
        Assert.Equal(ProcessState.Stopped, stopped.ProcessState);
        Assert.NotNull(stopped.EndedAt);
        Assert.True(ProcessSandbox.AllGone(tree));
        Assert.Equal(ProcessState.Stopped, AgentRuns.Wait(_repo.Root, run.Id, TimeSpan.Zero, SilentHost.Instance).ProcessState);
    }

    [LinuxFact]
    public void Following_the_log_ends_when_the_agent_ends()
    {
        var agent = _box.Write("chatty-agent.sh", "#!/bin/sh\nfor i in 1 2 3; do echo \"step $i\"; sleep 0.1; done\nexit 4\n", executable: true);
        var run = AgentRuns.Start(_repo.Root, "4", _repo.Root, "main", agent, "go", null, SilentHost.Instance)!;
        var lines = AgentRuns.ReadLog(_repo.Root, run.Id, 100, follow: true, CancellationToken.None).ToList();
        Assert.StartsWith("# ", lines[0]);      // the header: when, where, what
        Assert.Equal(["step 1", "step 2", "step 3", "# exit code 4"], lines.Skip(1));
        var done = AgentRuns.Get(_repo.Root, "4").Single();
        Assert.Equal(ProcessState.Crashed, done.ProcessState);
        Assert.Equal(4, done.ExitCode);
    }

    [LinuxFact]
    public void Start_refuses_what_cannot_work_before_starting_anything()
    {
        string Error(string agent, string branch, string prompt) => Assert.Throws<WorktreeToolsException>(() =>
            AgentRuns.Start(_repo.Root, "5", _repo.Root, branch, agent, prompt, null, SilentHost.Instance)).ErrorId;
        Assert.Equal("AgentNotInstalled", Error("no-such-agent-x9 {prompt}", "main", "p"));
        Assert.Equal("BranchNotFound", Error("sh -c true", "no/such/branch", "p"));
        Assert.Equal("PromptEmpty", Error("sh -c true", "main", " "));
        Assert.Equal("AgentRunNotFound", Assert.Throws<WorktreeToolsException>(() => AgentRuns.Wait(_repo.Root, "deadbeef", null, SilentHost.Instance)).ErrorId);
        Assert.Empty(AgentRuns.Get(_repo.Root));
    }

    private static T Eventually<T>(Func<T> get, Func<T, bool> ok)
    {
        var value = get();
        Assert.True(ProcessSandbox.Eventually(() => ok(value = get())));
        return value;
    }
}
