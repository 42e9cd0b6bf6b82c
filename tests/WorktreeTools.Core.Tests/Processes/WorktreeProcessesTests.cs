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
        Assert.Equal(ProcessState.Stopped, Assert.Single(report.AgentRuns).State);
        Assert.Equal(run.Id, report.AgentRuns[0].Id);
        Assert.Contains(report.OtherProcesses, p => p.Identity.Pid == stray.Pid);
        Assert.False(stray.IsAlive());
        Assert.Empty(FolderProcesses.Find(worktree));
    }
}
