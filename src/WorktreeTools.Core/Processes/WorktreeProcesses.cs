using WorktreeTools.Processes;

namespace WorktreeTools.Core.Processes;

/// <summary>What <see cref="WorktreeProcesses.StopAll"/> stopped.</summary>
public sealed record WorktreeStopReport(DevServer? DevServer, IReadOnlyList<AgentRun> AgentRuns, IReadOnlyList<RunningProcess> OtherProcesses)
{
    public bool StoppedAnything => DevServer is not null || AgentRuns.Count > 0 || OtherProcesses.Count > 0;
}

/// <summary>Everything running for an issue's worktree, stopped before the worktree is removed.</summary>
public static class WorktreeProcesses
{
    /// <summary>
    /// Stops the issue's dev server and agent runs (recorded as Stopped), then every other process working
    /// inside <paramref name="worktreePath"/> (a shell, a test watcher, an editor's language server), each as
    /// a whole tree: gracefully, then forcefully after <paramref name="timeout"/>. Does not ask ShouldProcess:
    /// the caller (Remove-IssueWorktree) asked for the removal already.
    /// </summary>
    public static WorktreeStopReport StopAll(string repoRoot, string issue, string worktreePath, TimeSpan timeout, IOperationHost host)
    {
        var doc = ProcessRegistry.Open(repoRoot).Read();
        DevServer? server = null;
        if (doc.DevServers.FirstOrDefault(r => r.Issue == issue && r.Process.IsAlive()) is { } s)
        {
            DevServers.StopCore(repoRoot, s, timeout, host);
            server = DevServers.Get(repoRoot, issue).Single();
        }
        var runs = new List<AgentRun>();
        foreach (var r in doc.AgentRuns.Where(r => r.Issue == issue && r.Process.IsAlive()))
        {
            AgentRuns.StopCore(repoRoot, r, timeout, host);
            runs.Add(AgentRuns.Get(repoRoot, id: r.Id).Single());
        }
        var others = Directory.Exists(worktreePath) ? FolderProcesses.Find(worktreePath) : [];
        if (others.Count > 0)
            DevServers.Report(host, $"the processes in {worktreePath}", ProcessTree.Stop(others.Select(o => o.Identity), timeout, host.Cancellation));
        return new WorktreeStopReport(server, runs, others);
    }
}
