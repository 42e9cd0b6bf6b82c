using WorktreeTools.Core.Processes;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class DetachedProcessTests : IDisposable
{
    private readonly ProcessSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [LinuxTheory]
    [InlineData(UnixDetach.Setsid)]
    [InlineData(UnixDetach.JobControl)]
    internal void The_wrapper_leads_its_own_group_out_of_reach_of_the_starting_session(UnixDetach mode)
    {
        var request = Request("sleep 30", []);
        Directory.CreateDirectory(Path.GetDirectoryName(request.LogPath)!);
        var process = _box.Track(UnixLauncher.Start(request, mode));
        var stat = LinuxProc.ReadStat(process.Pid)!.Value;
        var self = LinuxProc.ReadStat(Environment.ProcessId)!.Value;
        Assert.True(process.IsAlive());
        Assert.NotEqual(Environment.ProcessId, stat.ParentPid);    // the short-lived starter is gone: init adopted it
        Assert.Equal(process.Pid, stat.GroupId);                   // Ctrl+C goes to the terminal's foreground group: not this one
        Assert.NotEqual(self.GroupId, stat.GroupId);
        if (mode == UnixDetach.Setsid) Assert.Equal(process.Pid, stat.SessionId);   // no controlling terminal to hang up
    }

    [LinuxTheory]
    [InlineData(0)]
    [InlineData(3)]
    public void The_exit_code_and_both_output_streams_are_recorded(int code)
    {
        var request = Request($"echo to-stdout; echo to-stderr >&2; exit {code}", []);
        var started = DetachedProcess.Start(request);
        Assert.True(ProcessSandbox.Eventually(() => !started.Process.IsAlive()));
        Assert.True(ProcessSandbox.Eventually(() => File.Exists(request.ExitFile)));
        Assert.Equal(code, DetachedProcess.ReadExitCode(request.ExitFile));
        var log = File.ReadAllText(request.LogPath);
        Assert.StartsWith("# ", log);                          // the header line
        Assert.Contains("to-stdout\n", log);
        Assert.Contains("to-stderr\n", log);
        Assert.EndsWith($"# exit code {code}\n", log);
        Assert.Equal("to-stdout", LogFile.Tail(request.LogPath, 3, started.LogStart)[0]);
    }

    [LinuxFact]
    public void Environment_and_working_directory_are_applied()
    {
        var work = _box.Folder("work dir");
        var request = Request("printf '%s|%s|%s' \"$A_VAR\" \"$(pwd)\" \"${HOME:-unset}\" >out.txt", new() { ["A_VAR"] = "a value; $(not run)", ["HOME"] = null }) with { WorkingDirectory = work };
        var started = DetachedProcess.Start(request);
        Assert.True(ProcessSandbox.Eventually(() => !started.Process.IsAlive()));
        Assert.Equal($"a value; $(not run)|{work}|unset", File.ReadAllText(Path.Combine(work, "out.txt")));
    }

    [LinuxFact]
    public void A_missing_working_directory_is_a_clear_error()
    {
        var ex = Assert.Throws<WorktreeToolsException>(() => DetachedProcess.Start(Request("true", []) with { WorkingDirectory = Path.Combine(_box.Dir, "nope") }));
        Assert.Equal("WorkingDirectoryNotFound", ex.ErrorId);
    }

    [LinuxFact]
    public void The_windows_runner_logs_both_streams_and_records_the_exit_code()
    {
        // DetachedRunner is the Windows wrapper; it is plain .NET, so its logic is checked here.
        var log = Path.Combine(_box.Dir, "runner.log");
        var exit = Path.Combine(_box.Dir, "runner.exit");
        var spec = Path.Combine(_box.Dir, "runner.json");
        DetachedRunner.WriteSpec(spec, new RunnerSpec("/bin/sh", null, ["-c", "echo out; echo err >&2; exit 5"], _box.Dir, log, exit));
        Assert.Equal(5, DetachedRunner.Run(spec));
        Assert.Equal(5, DetachedProcess.ReadExitCode(exit));
        var text = File.ReadAllText(log);
        Assert.Contains("out\n", text);
        Assert.Contains("err\n", text);
        Assert.EndsWith("# exit code 5\n", text);

        DetachedRunner.WriteSpec(spec, new RunnerSpec(Path.Combine(_box.Dir, "no-such-program"), null, [], _box.Dir, log, exit));
        Assert.Equal(127, DetachedRunner.Run(spec));
        Assert.Contains("# could not start", File.ReadAllText(log));
    }

    private LaunchRequest Request(string command, Dictionary<string, string?> env)
    {
        var name = Guid.NewGuid().ToString("N")[..6];
        return new LaunchRequest
        {
            ShellCommand = command,
            WorkingDirectory = _box.Dir,
            Environment = env,
            LogPath = Path.Combine(_box.Dir, "logs", name + ".log"),
            ExitFile = Path.Combine(_box.Dir, "logs", name + ".exit"),
        };
    }
}
