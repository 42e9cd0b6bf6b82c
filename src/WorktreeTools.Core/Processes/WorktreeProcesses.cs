using WorktreeTools.Processes;

namespace WorktreeTools.Core.Processes;

/// <summary>What <see cref="WorktreeProcesses.StopAll"/> did.</summary>
/// <param name="OtherProcesses">Other processes that worked in the worktree and were stopped.</param>
/// <param name="LeftRunning">Interactive processes (a shell, an editor in a terminal) that were not stopped.</param>
public sealed record WorktreeStopReport(DevServer? DevServer, IReadOnlyList<AgentRun> AgentRuns,
    IReadOnlyList<RunningProcess> OtherProcesses, IReadOnlyList<RunningProcess> LeftRunning)
{
    public bool StoppedAnything => DevServer is not null || AgentRuns.Count > 0 || OtherProcesses.Count > 0;
}

/// <summary>Everything running for an issue's worktree, stopped before the worktree is removed.</summary>
public static class WorktreeProcesses
{
    /// <summary>
    /// Stops the issue's dev server and agent runs (recorded as Stopped), then every other background process
    /// working inside <paramref name="worktreePath"/> (a test watcher, a language server), each as a whole
    /// tree: gracefully, then forcefully after <paramref name="timeout"/>. Processes with a controlling
    /// terminal (a user's shell, an editor with unsaved work) are left running and reported in
    /// <see cref="WorktreeStopReport.LeftRunning"/> unless <paramref name="includeInteractive"/>. Does not ask ShouldProcess: the caller (Remove-IssueWorktree)
    /// asked for the removal already. <paramref name="repoRoot"/> is the main checkout.
    /// </summary>
    public static WorktreeStopReport StopAll(string repoRoot, string issue, string worktreePath, TimeSpan timeout, IOperationHost host,
        bool includeInteractive = false)
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

        var found = Directory.Exists(worktreePath) ? FolderProcesses.Find(worktreePath) : [];
        var stop = found.Where(p => includeInteractive || !p.Interactive).ToList();
        var keep = found.Except(stop).ToList();
        if (stop.Count > 0)
            ProcessTree.Stop(stop.Select(o => o.Identity), timeout, host.Cancellation).Report(host, $"the processes in {worktreePath}");
        return new WorktreeStopReport(server, runs, stop, keep);
    }

    /// <summary>
    /// Forgets the issue's finished dev server and agent runs (after its worktree was removed; with
    /// <paramref name="startedBefore"/>, only runs of an earlier worktree) and deletes their logs. Returns what it forgot.
    /// </summary>
    public static IReadOnlyList<string> Forget(string repoRoot, string issue, DateTime? startedBefore = null)
    {
        var forgotten = ProcessRegistry.Open(repoRoot).Update(doc =>
        {
            bool Old(RunRecord r) => r.Issue == issue && !r.Process.IsAlive() && (startedBefore is null || r.StartedAt < startedBefore);
            var runs = doc.DevServers.Where(Old).Cast<RunRecord>().Concat(doc.AgentRuns.Where(Old)).ToList();
            doc.DevServers.RemoveAll(runs.Contains);
            doc.AgentRuns.RemoveAll(runs.Contains);
            return runs;
        });
        foreach (var path in forgotten.SelectMany(r => new[] { r.LogPath, r.ExitFile, r.ExitFile + ".launch.json", AgentStates.FileFor(r.LogPath) }))
        {
            try { File.Delete(path); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        return forgotten.Select(r => r is AgentRunRecord a ? $"agent run {a.Id}" : $"dev server {r.Process.Pid}").ToList();
    }
}
