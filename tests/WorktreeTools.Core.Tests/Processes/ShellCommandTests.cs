using WorktreeTools.Core.Processes;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class ShellCommandTests : IDisposable
{
    private readonly ProcessSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [LinuxFact]
    public void Stream_runs_in_the_worktree_with_the_issues_environment_and_reports_each_stream_and_the_exit_code()
    {
        var work = _box.Folder("wt-101");
        var env = IssueEnvironment.For("101", work, new Dictionary<string, string?> { ["API_URL"] = "http://localhost:3001" },
            new Dictionary<string, int> { ["web"] = 3001 });
        var lines = new List<(string Line, bool Error)>();
        var code = ShellCommand.Stream("echo \"$ISSUE_ID on $PORT in $(pwd) to $API_URL\"; echo oops >&2; exit 2", work, env,
            (line, error) => { lock (lines) lines.Add((line, error)); });

        Assert.Equal(2, code);
        Assert.Contains(($"101 on 3001 in {work} to http://localhost:3001", false), lines);
        Assert.Contains(("oops", true), lines);
    }

    [LinuxFact]
    public void Cancelling_a_streamed_command_stops_its_whole_tree()
    {
        using var cancel = new CancellationTokenSource();
        var pids = new List<int>();
        Assert.ThrowsAny<OperationCanceledException>(() => ShellCommand.Stream("sleep 30 & echo $!; wait", _box.Dir, null, (line, _) =>
        {
            pids.Add(int.Parse(line));
            cancel.Cancel();
        }, cancel.Token));
        var sleeper = Assert.Single(pids);
        Assert.True(ProcessSandbox.Eventually(() => LinuxProc.ReadStat(sleeper) is not { State: not 'Z' }));
    }

    [LinuxFact]
    public void Run_logs_a_header_the_output_and_the_exit_code()
    {
        var log = Path.Combine(_box.Dir, "logs", "install.log");
        Assert.Equal(0, ShellCommand.Run("echo installed", _box.Dir, null, log));
        var lines = LogFile.Tail(log, 10);
        Assert.StartsWith("# ", lines[0]);
        Assert.Equal(["installed", "# exit code 0"], lines.Skip(1));
        Assert.Equal("WorkingDirectoryNotFound", Assert.Throws<WorktreeToolsException>(() =>
            ShellCommand.Stream("true", Path.Combine(_box.Dir, "missing"), null, (_, _) => { })).ErrorId);
    }
}
