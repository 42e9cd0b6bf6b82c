using WorktreeTools.Core.Processes;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class WorktreeProcessesTests : IDisposable
{
    private readonly ProcessSandbox _box = new();
    private readonly TestRepo _repo = new();

    public WorktreeProcessesTests() => _box.Watch(_repo.Parent);

    public void Dispose()
    {
        _box.Dispose();
        _repo.Dispose();
    }

    [LinuxFact]
    public void StopAll_stops_the_dev_server_the_agent_and_anything_else_working_in_the_worktree()
    {
        var worktree = Path.Combine(_repo.Parent, "wt-21");
        _repo.Git("worktree", "add", "-q", "-b", "feature/issue-21", worktree);
        _box.WriteServer("server.js");
        var server = DevServers.Start(_repo.Root, "21", worktree, $"node {Path.Combine(_box.Dir, "server.js")}", null,
            new Dictionary<string, int> { ["web"] = ProcessSandbox.FreePort() }, null, SilentHost.Instance)!;
        var agent = _box.Write("agent.sh", "#!/bin/sh\nsleep 30\n", executable: true);
        var run = AgentRuns.Start(_repo.Root, "21", worktree, "feature/issue-21", agent, "p", null, SilentHost.Instance)!;
        var stray = DetachedProcess.Start(new LaunchRequest
        {
            Arguments = ["sleep", "30"],
            WorkingDirectory = Directory.CreateDirectory(Path.Combine(worktree, "src")).FullName,
            LogPath = Path.Combine(_box.Dir, "stray.log"),
            ExitFile = Path.Combine(_box.Dir, "stray.exit"),
        }).Process;
        Assert.True(ProcessSandbox.Eventually(() => FolderProcesses.Find(worktree).Count >= 6));

        var report = WorktreeProcesses.StopAll(_repo.Root, "21", worktree, TimeSpan.FromSeconds(10), SilentHost.Instance);

        Assert.Equal(ProcessState.Stopped, report.DevServer!.State);
        Assert.Equal(server.Pid, report.DevServer.Pid);
        Assert.Equal(ProcessState.Stopped, Assert.Single(report.AgentRuns).ProcessState);
        Assert.Equal(run.Id, report.AgentRuns[0].Id);
        Assert.Contains(report.OtherProcesses, p => p.Identity.Pid == stray.Pid);
        Assert.False(stray.IsAlive());
        Assert.Empty(report.LeftRunning);
        Assert.Empty(FolderProcesses.Find(worktree));

        WorktreeProcesses.Forget(_repo.Root, "21");
        Assert.Empty(DevServers.Get(_repo.Root, "21"));
        Assert.Empty(AgentRuns.Get(_repo.Root, "21"));
        Assert.False(File.Exists(server.LogPath));
    }

    [LinuxFact]
    public void Processes_with_a_terminal_are_reported_but_left_running_unless_asked()
    {
        var worktree = _box.Folder("wt-22");
        // script(1) gives its command a pseudo-terminal, as a user's shell or editor has.
        var started = DetachedProcess.Start(new LaunchRequest
        {
            Arguments = ["script", "-qfc", "sleep 30", "/dev/null"],
            WorkingDirectory = worktree,
            LogPath = Path.Combine(_box.Dir, "tty.log"),
            ExitFile = Path.Combine(_box.Dir, "tty.exit"),
        });
        _box.Track(started.Process);
        Assert.True(ProcessSandbox.Eventually(() => FolderProcesses.Find(worktree).Any(p => p.Name == "sleep")));
        var stray = DetachedProcess.Start(new LaunchRequest
        {
            Arguments = ["sleep", "31"],
            WorkingDirectory = worktree,
            LogPath = Path.Combine(_box.Dir, "bg.log"),
            ExitFile = Path.Combine(_box.Dir, "bg.exit"),
        }).Process;
        Assert.True(ProcessSandbox.Eventually(() => FolderProcesses.Find(worktree).Count(p => p.Name == "sleep") == 2));

        var report = WorktreeProcesses.StopAll(_repo.Root, "22", worktree, TimeSpan.FromSeconds(5), SilentHost.Instance);
        // The terminal's process and the processes hosting it (script, its wrapper) are spared; the background one is not.
        Assert.Contains(report.LeftRunning, p => p.Name == "sleep");
        Assert.Contains(report.LeftRunning, p => p.Name == "script");
        Assert.All(report.LeftRunning, p => Assert.True(p.Identity.IsAlive()));
        Assert.Contains(report.OtherProcesses, p => p.Identity.Pid == stray.Pid);
        Assert.False(stray.IsAlive());

        report = WorktreeProcesses.StopAll(_repo.Root, "22", worktree, TimeSpan.FromSeconds(5), SilentHost.Instance, includeInteractive: true);
        Assert.Contains(report.OtherProcesses, p => p.Name == "sleep");
        Assert.Empty(report.LeftRunning);
        Assert.Empty(FolderProcesses.Find(worktree));
    }
}
