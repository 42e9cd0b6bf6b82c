using System.Text.RegularExpressions;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Resources;
using WorktreeTools.Core.State;
using WorktreeTools.Worktrees;
using Record = WorktreeTools.Core.Resources.LeaseRegistry.WorktreeRecord;

namespace WorktreeTools.Core.Worktrees;

public sealed partial class WorktreeService
{
    /// <summary>
    /// Brings the state files, git, the registry and the folders back to agreement after a crash, a damaged file
    /// or a hand-made change: puts back damaged state files from their last good copy, prunes stale git entries,
    /// finishes (or rolls back) interrupted creations, a checkout cut off included, finishes interrupted removals,
    /// releases the leases of worktrees that no longer exist, adopts issue worktrees the registry lost, and
    /// forgets finished runs of an earlier worktree of the issue. Each worktree is repaired on its own: one that
    /// fails is reported (<c>Failed</c>) and the others are still repaired. <paramref name="issues"/> (wildcards)
    /// limits the worktrees; <paramref name="newPorts"/> also leases new ports for theirs that another program took.
    /// </summary>
    public IReadOnlyList<RepairAction> Repair(IReadOnlyList<string>? issues = null, bool newPorts = false)
    {
        var actions = new List<RepairAction>();
        if (!_host.ShouldProcess(Repo.MainRoot, newPorts ? "Repair issue worktrees and lease new ports for ports in use" : "Repair issue worktrees")) return actions;
        var matchers = issues?.Where(i => !string.IsNullOrEmpty(i)).Select(Wildcard).ToList() ?? [];
        bool Selected(string issue) => matchers.Count == 0 || matchers.Any(m => m.IsMatch(issue));

        foreach (var recover in new Func<string?>[] { _registry.Recover, new TrustStore().Recover, ProcessRegistry.Open(Repo.MainRoot).Recover, RecoverLocks })
            Isolated(actions, "", () =>
            {
                if (recover() is { } done) actions.Add(new RepairAction("", "RecoveredStateFile", done));
            });

        var prune = GitCli.Run(Repo.MainRoot, ["worktree", "prune", "--verbose"], check: false);
        foreach (var line in (prune.Output + prune.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            actions.Add(new RepairAction("", "PrunedGitEntry", line));

        try
        {
            if (Merging.MergeSession.FinishInterrupted(Repo.MainRoot, _host) is { } move) actions.Add(new RepairAction("", "FinishedBaseMove", move));
        }
        catch (WorktreeToolsException ex) when (ex.ErrorId == "BaseMoveInterrupted")
        {
            actions.Add(new RepairAction("", "BaseMoveNeedsAttention", ex.Message));
        }

        var git = GitWorktree.List(Repo.MainRoot);
        foreach (var r in _registry.ForRepository(Repo.MainRoot).Where(r => Selected(r.Issue)))
            Isolated(actions, r.Issue, () => RepairRecord(r, git, actions));
        git = GitWorktree.List(Repo.MainRoot); // as the repairs left it
        var recorded = _registry.ForRepository(Repo.MainRoot);
        foreach (var wt in git.Skip(1).Where(w => !recorded.Any(r => LeaseRegistry.SamePath(r.Path, w.Path))).ToList())
            if (IssueAt(wt) is { } issue && Selected(issue))
                Isolated(actions, issue, () => Adopt(issue, wt, actions));
        foreach (var issue in DevServers.Get(Repo.MainRoot).Select(d => d.Issue).Concat(AgentRuns.Get(Repo.MainRoot).Select(a => a.Issue)).Distinct().Where(Selected).ToList())
            Isolated(actions, issue, () => ForgetEarlierRuns(issue, git, actions));
        if (newPorts)
            foreach (var r in _registry.ForRepository(Repo.MainRoot).Where(r => Selected(r.Issue)))
                Isolated(actions, r.Issue, () => actions.Add(RenewPorts(r)));
        return actions;
    }

    /// <summary>Moves aside folders found in place of the repository's lock files.</summary>
    private string? RecoverLocks()
    {
        var moved = Directory.Exists(StateDirectory)
            ? Directory.EnumerateDirectories(StateDirectory, "*.lock").ToList().Select(f => $"the folder in place of the lock file {f} was moved to {FileLock.MoveAsideIfFolder(f)}").ToList()
            : [];
        return moved.Count == 0 ? null : string.Join("; ", moved);
    }

    /// <summary>Runs one repair; a failure becomes a <c>Failed</c> action and a warning, and the rest goes on.</summary>
    private void Isolated(List<RepairAction> actions, string issue, Action repair)
    {
        try { repair(); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            actions.Add(new RepairAction(issue, "Failed", ex.Message));
            _host.Warning($"Repair-IssueWorktree could not repair {(issue.Length > 0 ? "issue " + issue : "the state files")}: {ex.Message}");
        }
    }

    private void RepairRecord(Record r, List<GitWorktree> git, List<RepairAction> actions)
    {
        if (r.Owner is { } owner && owner.Pid != Environment.ProcessId && owner.IsAlive() && r.State is WorktreeState.Creating or WorktreeState.Removing)
            return; // another session is at work on it right now (the same process, started at the same time: never a reused pid)
        var wt = git.FirstOrDefault(w => LeaseRegistry.SamePath(w.Path, r.Path));
        if (r.State == WorktreeState.Creating && wt is not null) StopCutOffSetup(r.Issue, wt.Path, actions);
        switch (r.State)
        {
            case WorktreeState.Creating when wt is not null && FinishCheckout(r.Issue, wt, actions):
                using (LockRepository("worktrees")) Setup(WorktreeLayout.Of(Get(r.Issue, fileStatus: false)), r);
                // The install may have been cut off: it is left for New-IssueWorktree to run again.
                var install = InstallCommand(r.Path);
                _registry.SetState(Repo.MainRoot, r.Issue, install is null ? WorktreeState.Ready : WorktreeState.InstallFailed);
                actions.Add(new RepairAction(r.Issue, "FinishedCreation", install is null
                    ? $"{r.Path} set up."
                    : $"{r.Path} set up; the install ('{install}') was interrupted: run New-IssueWorktree {r.Issue} to run it again."));
                break;
            case WorktreeState.Creating:
                _registry.Release(Repo.MainRoot, r.Issue);
                WorktreeProcesses.Forget(Repo.MainRoot, r.Issue);
                if (Directory.Exists(r.Path) && !Directory.EnumerateFileSystemEntries(r.Path).Any()) Directory.Delete(r.Path);
                actions.Add(new RepairAction(r.Issue, "RolledBackCreation", $"the worktree was never added; ports {string.Join(", ", r.Ports.Values)} released."));
                break;
            case WorktreeState.Removing:
                var outcome = Remove(r.Issue, force: true, deleteBranch: false);
                actions.Add(new RepairAction(r.Issue, "FinishedRemoval", outcome?.BackupRef is { } b ? $"work saved as {b}" : r.Path));
                break;
            default:
                if (wt is null && !Directory.Exists(r.Path))
                {
                    _registry.Release(Repo.MainRoot, r.Issue);
                    WorktreeProcesses.Forget(Repo.MainRoot, r.Issue);
                    actions.Add(new RepairAction(r.Issue, "ReleasedLeases", $"{r.Path} no longer exists; ports {string.Join(", ", r.Ports.Values)} released."));
                }
                break;
        }
    }

    /// <summary>
    /// Ends what still runs in the folder of a creation whose session died: a session killed in its install or hook
    /// leaves that command running, which Repair would otherwise call interrupted while it runs, and which would race
    /// the install run again. Someone's shell or editor there (a terminal) is never stopped: the repair waits for it.
    /// </summary>
    private void StopCutOffSetup(string issue, string path, List<RepairAction> actions)
    {
        var working = FolderProcesses.Find(path);
        if (working.Count == 0) return;
        if (working.Where(p => p.Interactive).ToList() is { Count: > 0 } interactive)
            throw new WorktreeToolsException("IssueWorktreeInUse", ErrorKind.ResourceBusy,
                $"The creation of issue {issue} was cut off, but {string.Join(", ", interactive)} work in {path}: close them and run Repair-IssueWorktree again.", issue);
        ProcessTree.Stop(working.Select(p => p.Identity), TimeSpan.FromSeconds(Config.DevServer.StopTimeoutSec), _host.Cancellation)
            .Report(_host, $"the cut-off setup of issue {issue}");
        actions.Add(new RepairAction(issue, "StoppedSetup", $"{string.Join(", ", working)} still ran the setup of the session that was cut off; stopped."));
    }

    /// <summary>
    /// Finishes the checkout of a worktree whose <c>git worktree add</c> was cut off (git leaves it locked
    /// "initializing", with a stale <c>index.lock</c> or no index, every file not yet written a staged deletion):
    /// <c>git reset --hard</c> writes the rest, then the lock goes. A worktree without a usable HEAD is removed
    /// instead (false: the creation is rolled back). True when the worktree is complete.
    /// </summary>
    private bool FinishCheckout(string issue, GitWorktree wt, List<RepairAction> actions)
    {
        var gitDir = WorktreeStatus.GitDirOf(wt.Path);
        var initializing = wt.Locked && wt.LockReason == "initializing";
        var indexLock = gitDir is null ? null : System.IO.Path.Combine(gitDir, "index.lock");
        var staleLock = indexLock is not null && File.Exists(indexLock);
        var noIndex = gitDir is not null && !File.Exists(System.IO.Path.Combine(gitDir, "index"));
        if (!initializing && !staleLock && !noIndex) return true;
        if (FolderProcesses.Find(wt.Path) is { Count: > 0 } working)
            throw new WorktreeToolsException("IssueWorktreeInUse", ErrorKind.ResourceBusy,
                $"The checkout of {wt.Path} was cut off, but {string.Join(", ", working)} work in it: close them and run Repair-IssueWorktree again.", issue);

        var why = string.Join(", ", new[] { initializing ? "locked 'initializing'" : null, staleLock ? "a stale index.lock" : null, noIndex ? "no index" : null }.OfType<string>());
        if (gitDir is null || !GitCli.Read(wt.Path, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], check: false).Success)
        {
            // Cut off before HEAD: git wrote no file yet. Its own record goes (git worktree remove refuses such a
            // worktree), and the folder with it when it holds nothing else.
            var dotGit = System.IO.Path.Combine(wt.Path, ".git");
            var admin = gitDir ?? (Directory.Exists(System.IO.Path.Combine(Repo.CommonDir, "worktrees"))
                ? Directory.EnumerateDirectories(System.IO.Path.Combine(Repo.CommonDir, "worktrees")).FirstOrDefault(d =>
                    File.Exists(System.IO.Path.Combine(d, "gitdir")) && LeaseRegistry.SamePath(File.ReadAllText(System.IO.Path.Combine(d, "gitdir")).Trim(), dotGit))
                : null);
            if (admin is not null && Directory.Exists(admin)) Directory.Delete(admin, recursive: true);
            if (Directory.Exists(wt.Path) && Directory.EnumerateFileSystemEntries(wt.Path).All(e => System.IO.Path.GetFileName(e) == ".git"))
                Directory.Delete(wt.Path, recursive: true);
            GitCli.Run(Repo.MainRoot, ["worktree", "prune"], check: false);
            actions.Add(new RepairAction(issue, "RemovedPartialWorktree", $"git worktree add of {wt.Path} was cut off before it had a HEAD ({why}); git's record of it was removed."));
            return false;
        }
        if (staleLock) File.Delete(indexLock!);
        GitCli.Run(wt.Path, ["reset", "--hard", "--quiet", "--no-recurse-submodules"]);
        if (wt.Locked && wt.LockReason == "initializing") GitCli.Run(Repo.MainRoot, ["worktree", "unlock", wt.Path]);
        actions.Add(new RepairAction(issue, "FinishedCheckout", $"git worktree add of {wt.Path} was cut off ({why}); the checkout was finished."));
        return true;
    }

    /// <summary>The issue whose worktree would be at <paramref name="wt"/>'s path and on its branch (or detached), or null.</summary>
    private string? IssueAt(GitWorktree wt)
    {
        const string marker = "\u0001";
        var name = Regex.Escape(Template.ExpandKnown(Config.Worktrees.Name, new Dictionary<string, string> { ["repo"] = Repo.Name, ["issue"] = marker }))
            .Replace(Regex.Escape(marker), "(?<issue>.+)");
        var m = Regex.Match(System.IO.Path.GetFileName(wt.Path), "^" + name + "$", RegexOptions.None, TimeSpan.FromSeconds(1));
        if (!m.Success) return null;
        try
        {
            var layout = Layout(m.Groups["issue"].Value);
            return LeaseRegistry.SamePath(layout.Path, wt.Path) && (wt.Branch is null || wt.Branch == layout.Branch) ? layout.Issue : null;
        }
        catch (WorktreeToolsException) { return null; }
    }

    /// <summary>Records an issue worktree the registry lost (a damaged or deleted leases.json) and leases its ports, those its env file names first.</summary>
    private void Adopt(string issue, GitWorktree wt, List<RepairAction> actions)
    {
        if (!FinishCheckout(issue, wt, actions)) return;
        var layout = Layout(issue);
        var envFile = EnvTarget(layout).Path;
        var env = File.Exists(envFile) ? EnvFile.Parse(File.ReadAllText(envFile)) : new Dictionary<string, string>();
        var preferred = new Dictionary<string, int>();
        foreach (var (key, template) in Config.Env.Set)
            if (Regex.Match(template, @"^\{port\.(?<name>[A-Za-z0-9_-]+)\}$") is { Success: true } p && env.TryGetValue(key, out var value) && int.TryParse(value, out var port))
                preferred[p.Groups["name"].Value] = port;
        var record = _registry.Reserve(new Record
        {
            Repository = Repo.MainRoot,
            Issue = issue,
            Name = layout.Name,
            Path = layout.Path,
            Branch = layout.Branch,
            Base = layout.Base,
            Database = layout.DatabaseFullPath,
            EnvFile = envFile,
            Created = File.GetLastWriteTimeUtc(System.IO.Path.Combine(WorktreeStatus.GitDirOf(wt.Path) ?? wt.Path, "commondir")),
            State = WorktreeState.Ready,
        }, Config.Ports, preferred);
        actions.Add(new RepairAction(issue, "AdoptedWorktree",
            $"{wt.Path} was missing from the registry; it is managed again{(record.Ports.Count > 0 ? $" with ports {string.Join(", ", record.Ports.Select(kv => $"{kv.Key}:{kv.Value}"))}" : "")}."));
    }

    /// <summary>Forgets finished runs (and their logs) of an issue whose worktree is gone, or that started before its worktree was made again.</summary>
    private void ForgetEarlierRuns(string issue, List<GitWorktree> git, List<RepairAction> actions)
    {
        var record = _registry.Find(Repo.MainRoot, issue);
        var wt = record is null ? null : git.FirstOrDefault(w => LeaseRegistry.SamePath(w.Path, record.Path));
        // git writes a worktree's commondir once, when it adds the worktree.
        var commondir = wt is null ? null : WorktreeStatus.GitDirOf(wt.Path) is { } gitDir ? System.IO.Path.Combine(gitDir, "commondir") : null;
        if (wt is not null && (commondir is null || !File.Exists(commondir))) return;
        DateTime? born = commondir is null ? null : File.GetLastWriteTimeUtc(commondir);
        var forgotten = WorktreeProcesses.Forget(Repo.MainRoot, issue, born);
        if (forgotten.Count > 0)
            actions.Add(new RepairAction(issue, "ForgotRuns", $"{string.Join(", ", forgotten)} of {(born is null ? "a worktree that no longer exists" : "an earlier worktree of the issue")}: records and logs removed."));
    }

    /// <summary>Leases new ports in place of those of <paramref name="r"/> that another program took, and writes them into its env file.</summary>
    private RepairAction RenewPorts(Record r)
    {
        if (DevServers.Get(Repo.MainRoot, r.Issue).FirstOrDefault(d => d.IsRunning) is { } server)
            throw new WorktreeToolsException("DevServerRunning", ErrorKind.ResourceBusy,
                $"The dev server of issue {r.Issue} runs (pid {server.Pid}); stop it first (Stop-DevServer {r.Issue}).", r.Issue);
        var changed = _registry.Renew(Repo.MainRoot, r.Issue, Config.Ports);
        if (changed.Count == 0)
            return new RepairAction(r.Issue, "KeptPorts", $"no other program listens on {string.Join(", ", r.Ports.Select(kv => $"{kv.Key}:{kv.Value}"))}.");
        var ports = _registry.Find(Repo.MainRoot, r.Issue)!.Ports;
        var envFile = r.EnvFile ?? System.IO.Path.Combine(r.Path, Config.Env.File);
        var updated = "";
        if (File.Exists(envFile) && Config.Env.Set.Count > 0)
        {
            var tokens = WorktreeLayout.Of(Get(r.Issue, fileStatus: false)).Tokens(Repo, ports);
            var set = Config.Env.Set.ToDictionary(kv => kv.Key, kv => Template.Expand(kv.Value, tokens));
            EnvFile.Write(envFile, EnvFile.Rewrite(File.ReadAllText(envFile), set, []));
            updated = $"; {envFile} updated";
        }
        return new RepairAction(r.Issue, "RenewedPorts",
            string.Join(", ", changed.Select(c => $"{c.Name}: {c.Old} -> {c.New}")) + $" (another program listens on the old port){updated}.");
    }
}
