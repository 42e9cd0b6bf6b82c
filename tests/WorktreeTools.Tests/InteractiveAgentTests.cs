using System.Diagnostics;
using System.Text;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// Start-IssueAgent -Interactive in real pwsh on a real terminal (a pseudo-terminal from util-linux script(1)):
/// the agent reads the keyboard, the test types the answer, and other sessions see what the agent is doing.
/// Ports 163xx belong to this class.
/// </summary>
public sealed class InteractiveAgentTests
{
    /// <summary>pwsh running a script on its own pseudo-terminal; what is written to <see cref="Type"/> is typed on its keyboard.</summary>
    private sealed class Terminal : IDisposable
    {
        private readonly Process _script;
        private readonly StringBuilder _screen = new();

        public Terminal(string ps1)
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";
            var psi = new ProcessStartInfo("script")
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var a in new[] { "-q", "-f", "-e", "-c", $"'{dotnet}' '{PwshProcess.PwshDll}' -NoProfile -File '{ps1}'", "/dev/null" })
                psi.ArgumentList.Add(a);
            psi.Environment["NO_COLOR"] = "1";
            psi.Environment["TERM"] = "dumb";
            _script = Process.Start(psi)!;
            // Raw, not by lines: a prompt waits for its answer on an unfinished line.
            foreach (var stream in new[] { _script.StandardOutput, _script.StandardError })
                Task.Run(() =>
                {
                    var buffer = new char[4096];
                    int n;
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                        lock (_screen) _screen.Append(buffer, 0, n);
                });
        }

        public string Screen { get { lock (_screen) return _screen.ToString(); } }

        public void Type(string text)
        {
            _script.StandardInput.Write(text);
            _script.StandardInput.Flush();
        }

        public int WaitForExit()
        {
            Assert.True(_script.WaitForExit(TimeSpan.FromSeconds(60)), "pwsh did not end:\n" + Screen);
            _script.WaitForExit();
            return _script.ExitCode;
        }

        public void Dispose()
        {
            if (!_script.HasExited) _script.Kill(entireProcessTree: true);
            _script.Dispose();
        }
    }

    private static string StartScript(ProcessRepo repo, string agent, string prompt) => repo.Tool("run.ps1", $$"""
        Import-Module '{{TestEnvironment.ManifestPath}}'
        Set-Location '{{repo.Repo.Root}}'
        $run = Start-IssueAgent 1 -Interactive -Agent "'{{agent}}' {prompt}" -Prompt '{{prompt}}'
        "RESULT $($run.State) $($run.ProcessState) $($run.ExitCode) $($run.Commits.Count) $($run.Interactive)"
        """);

    private static AgentRun? Latest(ProcessRepo repo) => repo.Ok("Get-IssueAgent 1").Objects<AgentRun>().LastOrDefault();

    [LinuxFact]
    public void An_interactive_agent_asks_in_the_terminal_is_seen_waiting_and_gets_the_answer_typed()
    {
        using var repo = new ProcessRepo("ports: { web: 16301-16349 }\n");
        repo.NewWorktrees("1");
        var agent = repo.Tool("ask.sh", """
            #!/bin/sh
            echo working >> "$WORKTREE_AGENT_STATE_FILE"
            echo "Prompt: $1. I changed the login timeout to 30 s."
            printf 'Commit it? [y/n] '
            echo "waiting asks whether to commit" >> "$WORKTREE_AGENT_STATE_FILE"
            read answer
            echo working >> "$WORKTREE_AGENT_STATE_FILE"
            echo "$answer" > "$(dirname "$0")/answer"
            [ "$answer" = yes ] && echo "timeout: 30" > login.yml && git add login.yml && git commit -q -m "Login timeout 30 s"
            """);
        using var terminal = new Terminal(StartScript(repo, agent, "Fix the login timeout"));

        Assert.True(Procs.Eventually(() => Latest(repo)?.State == AgentState.Waiting, 60), "never waiting:\n" + terminal.Screen);
        var waiting = Latest(repo)!;
        repo.Track(waiting.Pid);
        Assert.Equal((true, "asks whether to commit", ProcessState.Running), (waiting.Interactive, waiting.StateMessage, waiting.ProcessState));
        Assert.StartsWith("/dev/pts/", waiting.Terminal);
        var listed = Assert.Single(repo.Ok("Get-IssueWorktree").Objects<IssueWorktree>());
        Assert.Equal(("ask", AgentState.Waiting), (listed.Agent, listed.AgentState));
        Assert.Contains("Commit it? [y/n]", terminal.Screen);

        terminal.Type("yes\n");
        Assert.Equal(0, terminal.WaitForExit());
        Assert.Contains("RESULT Done Exited 0 1 True", terminal.Screen);
        Assert.Equal("yes", File.ReadAllText(Path.Combine(repo.Tools, "answer")).Trim());
        Assert.Equal("Login timeout 30 s", repo.Repo.Git("log", "-1", "--format=%s", "feature/issue-1"));
    }

    [LinuxFact]
    public void An_interactive_agent_that_reports_nothing_is_idle_once_its_terminal_is_quiet()
    {
        using var repo = new ProcessRepo("ports: { web: 16351-16399 }\n");
        repo.NewWorktrees("1");
        var agent = repo.Tool("quiet.sh", "#!/bin/sh\necho ready\nprintf '> '\nread line\necho \"$line\" > \"$(dirname \"$0\")/line\"\n");
        using var terminal = new Terminal(StartScript(repo, agent, "hello"));

        Assert.True(Procs.Eventually(() => terminal.Screen.Contains("> ") && Latest(repo) is not null, 60), "no prompt:\n" + terminal.Screen);
        var run = Latest(repo)!;
        repo.Track(run.Pid);
        Assert.Equal((AgentState.Working, false), (run.State, run.StateReported)); // it just printed

        // Nothing printed for five minutes: at its prompt, it is the user's turn.
        File.SetLastWriteTimeUtc(run.Terminal!, DateTime.UtcNow.AddMinutes(-5));
        var quiet = Latest(repo)!;
        Assert.Equal((AgentState.Idle, "no output for 5 min", false), (quiet.State, quiet.StateMessage, quiet.StateReported));

        terminal.Type("thanks\n");
        Assert.Equal(0, terminal.WaitForExit());
        Assert.Equal("thanks", File.ReadAllText(Path.Combine(repo.Tools, "line")).Trim());
        Assert.Equal(AgentState.Done, Latest(repo)!.State);
    }
}
