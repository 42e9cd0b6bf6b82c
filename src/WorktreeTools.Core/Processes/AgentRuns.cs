using System.Diagnostics;
using WorktreeTools.Core.Git;
using WorktreeTools.Processes;

namespace WorktreeTools.Core.Processes;

/// <summary>
/// Coding-agent runs: a preset (amp, claude, codex) or custom command started detached (or attached to the
/// terminal, interactive) in an issue's worktree with the prompt as one argument, logged, recorded per repository
/// with the branch head at start, so that any session can list, wait for and stop runs, see the commits each one
/// added, and see what each is doing (working, waiting for you, idle, done, failed: <see cref="AgentStates"/>).
/// </summary>
public static class AgentRuns
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    /// <summary>How long an interactive agent has to end by itself after Ctrl+C reached this session, before its tree is stopped.</summary>
    private static readonly TimeSpan CtrlCGrace = TimeSpan.FromSeconds(5);

    /// <summary>Starts <paramref name="agent"/> on <paramref name="prompt"/> for <paramref name="issue"/>; null when ShouldProcess declines.</summary>
    /// <param name="branch">The issue's branch, whose new commits the run reports.</param>
    /// <param name="agent">A preset name (amp, claude, codex) or a command template with <c>{prompt}</c>.</param>
    /// <param name="env">The issue's variables; <see cref="IssueEnvironment"/> adds ISSUE_ID and WORKTREE_ARTIFACTS.</param>
    public static AgentRun? Start(string repoRoot, string issue, string workDir, string branch, string agent, string prompt,
        IReadOnlyDictionary<string, string?>? env, IOperationHost host) =>
        Start(repoRoot, issue, workDir, branch, AgentCommand.Resolve(agent), prompt, env, host);

    /// <summary>
    /// As above, with the command already split into arguments: expand configuration tokens per argument
    /// (<see cref="AgentCommandLine.Map"/>) so that a value with spaces, such as a path, stays one argument.
    /// With <paramref name="interactive"/>, the agent runs attached to this session's terminal (its questions get
    /// answers; the prompt may be empty) and this returns when it ends; otherwise it runs detached, input closed.
    /// The run gets <c>WORKTREE_AGENT_ID</c> and <c>WORKTREE_AGENT_STATE_FILE</c> to report its state (<see cref="AgentStates"/>).
    /// </summary>
    public static AgentRun? Start(string repoRoot, string issue, string workDir, string branch, AgentCommandLine command, string prompt,
        IReadOnlyDictionary<string, string?>? env, IOperationHost host, bool interactive = false)
    {
        if (!interactive && string.IsNullOrWhiteSpace(prompt))
            throw new WorktreeToolsException("PromptEmpty", ErrorKind.InvalidArgument, $"The prompt for issue {issue} is empty.", issue);
        if (interactive && prompt.Length > 0 && !command.Template.Any(a => a.Contains(AgentCommand.PromptToken, StringComparison.Ordinal)))
            throw new WorktreeToolsException("AgentTakesNoPrompt", ErrorKind.InvalidArgument,
                $"'{string.Join(' ', command.Template)}' takes no prompt on its command line: start it without -Prompt and type the prompt there.", command.Agent);
        var argv = command.Arguments(prompt);
        var environment = IssueEnvironment.For(issue, workDir, env);
        var pathVariable = environment.FirstOrDefault(kv => kv.Key.Equals("PATH", StringComparison.OrdinalIgnoreCase)).Value;
        var program = Executables.Find(argv[0], workDir, pathVariable)
            ?? throw new WorktreeToolsException("AgentNotInstalled", ErrorKind.NotInstalled,
                $"The agent program '{argv[0]}' ({command.Agent}) was not found on PATH.", argv[0],
                recommendedAction: "Install the agent, or set agent.command to a command template such as 'my-agent --prompt {prompt}'.");
        if (OperatingSystem.IsWindows() && Path.GetExtension(program).ToLowerInvariant() is ".cmd" or ".bat")
            throw new WorktreeToolsException("AgentCommandIsBatchFile", ErrorKind.InvalidArgument,
                $"The agent program {program} is a batch file: Windows would pass the prompt through cmd.exe, which cannot keep it one verbatim argument.", program,
                recommendedAction: "Set agent.command to the real executable, e.g. 'node C:\\path\\to\\cli.js {prompt}'.");
        var head = GitCli.Read(repoRoot, ["rev-parse", "--verify", "--quiet", $"refs/heads/{branch}^{{commit}}"], check: false);
        if (!head.Success)
            throw new WorktreeToolsException("BranchNotFound", ErrorKind.ObjectNotFound, $"The branch '{branch}' of issue {issue} does not exist in {repoRoot}.", branch);
        if (!host.ShouldProcess($"issue {issue}", $"Start agent {command.Agent}{(interactive ? " in this terminal" : "")} in {workDir}")) return null;

        Directory.CreateDirectory(Artifacts.Folder(workDir));
        Process? attached = null;
        var template = string.Join(' ', command.Template);
        var record = ProcessRegistry.Open(repoRoot).Update(doc =>
        {
            if (doc.AgentRuns.FirstOrDefault(r => r.Issue == issue && r.Process.IsAlive()) is { } running)
                throw new WorktreeToolsException("AgentAlreadyRunning", ErrorKind.ResourceBusy,
                    $"Agent run {running.Id} ({running.Agent}) still works on issue {issue}; wait for it or stop it first.", running.Id);
            var id = Guid.NewGuid().ToString("N")[..8];
            var log = ProcessRegistry.LogPath(repoRoot, $"issue-{issue}-agent-{id}");
            environment[AgentStates.IdVariable] = id;
            environment[AgentStates.FileVariable] = AgentStates.FileFor(log);
            var request = new LaunchRequest
            {
                Arguments = argv,
                WorkingDirectory = workDir,
                Environment = environment,
                LogPath = log,
                ExitFile = ProcessRegistry.ExitFile(log),
                Display = $"{command.Agent} ({template}) with a prompt of {prompt.Length} characters",
            };
            Launched started;
            if (interactive) (attached, started) = AttachedProcess.Start(request);
            else started = DetachedProcess.Start(request);
            var record = new AgentRunRecord
            {
                Id = id,
                Issue = issue,
                Agent = command.Agent,
                Process = started.Process,
                Command = template,
                Prompt = prompt,
                Branch = branch,
                BranchHeadAtStart = head.Output.Trim(),
                WorkingDirectory = workDir,
                LogPath = log,
                LogStart = started.LogStart,
                ExitFile = ProcessRegistry.ExitFile(log),
                Interactive = interactive,
                Terminal = interactive ? AttachedProcess.Terminal() : null,
                StartedAt = DateTime.UtcNow,
            };
            doc.AgentRuns.Add(record);
            return record;
        });
        host.Verbose($"Started agent run {record.Id} ({command.Agent}) for issue {issue} ({record.Process}); log {record.LogPath}.");
        if (attached is null) return View(repoRoot, record);
        using (attached) AttachedProcess.Wait(attached, record.Process, record.ExitFile, CtrlCGrace, host.Cancellation);
        return Get(repoRoot, id: record.Id).Single();
    }

    /// <summary>The recorded runs (of one issue, or one id, or all), by issue, oldest first, with their live state and commits.</summary>
    public static IReadOnlyList<AgentRun> Get(string repoRoot, string? issue = null, string? id = null) =>
        Settle(repoRoot)
            .Where(r => (issue is null || r.Issue == issue) && (id is null || r.Id == id))
            .OrderBy(r => r.Issue, Worktrees.IssueId.Order).ThenBy(r => r.StartedAt)
            .Select(r => View(repoRoot, r)).ToList();

    /// <summary>
    /// Waits until the run ends and returns it; <c>AgentWaitTimeout</c> after <paramref name="timeout"/> (null: no limit).
    /// <paramref name="idOrIssue"/> is a run id, or an issue id meaning that issue's latest run.
    /// </summary>
    public static AgentRun Wait(string repoRoot, string idOrIssue, TimeSpan? timeout, IOperationHost host)
    {
        var record = Find(repoRoot, idOrIssue);
        var id = record.Id;
        var activity = $"Waiting for agent run {id} ({record.Agent}) of issue {record.Issue}";
        var progress = ProgressId.For("Wait-IssueAgent", id);
        var clock = Stopwatch.StartNew();
        try
        {
            while (record.Process.IsAlive())
            {
                if (clock.Elapsed >= timeout)
                    throw new WorktreeToolsException("AgentWaitTimeout", ErrorKind.OperationTimeout,
                        $"Agent run {id} of issue {record.Issue} still runs after {timeout.Value.TotalSeconds:0} s.", id);
                host.Progress(progress, activity, $"Running for {clock.Elapsed.TotalSeconds:0} s", -1);
                if (host.Cancellation.WaitHandle.WaitOne(Poll)) host.Cancellation.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            host.Progress(progress, activity, "Done", 100, completed: true);
        }
        return Get(repoRoot, id: id).Single();
    }

    /// <summary>Stops the run (an id, or an issue's latest run) and everything it started, from any session.</summary>
    public static AgentRun Stop(string repoRoot, string idOrIssue, TimeSpan timeout, IOperationHost host)
    {
        var record = Find(repoRoot, idOrIssue);
        if (host.ShouldProcess($"issue {record.Issue}", $"Stop agent run {record.Id} ({record.Agent}, {record.Process})"))
            StopCore(repoRoot, record, timeout, host);
        return Get(repoRoot, id: record.Id).Single();
    }

    /// <summary>Records what the run (an id, or an issue's latest run) is doing, as its agent would; returns the run.</summary>
    public static AgentRun Report(string repoRoot, string idOrIssue, AgentState state, string? message)
    {
        var record = Find(repoRoot, idOrIssue);
        AgentStates.Write(AgentStates.FileFor(record.LogPath), state, message);
        return View(repoRoot, record);
    }

    /// <summary>The last <paramref name="tail"/> lines of the run's log (an id, or an issue's latest run); with <paramref name="follow"/>, then new lines until it ends, <paramref name="timeout"/> passes or <paramref name="cancel"/>.</summary>
    public static IEnumerable<string> ReadLog(string repoRoot, string idOrIssue, int tail, bool follow, CancellationToken cancel, TimeSpan? timeout = null) =>
        RunLogs.Read(Find(repoRoot, idOrIssue), tail, follow, cancel, timeout);

    /// <summary>Stops without asking (the caller asked already, e.g. Remove-IssueWorktree).</summary>
    internal static void StopCore(string repoRoot, AgentRunRecord record, TimeSpan timeout, IOperationHost host)
    {
        var wasAlive = record.Process.IsAlive();
        ProcessTree.Stop(record.Process, timeout, host.Cancellation).Report(host, $"agent run {record.Id}");
        if (!wasAlive) return;
        ProcessRegistry.Open(repoRoot).Update(doc =>
        {
            if (doc.AgentRuns.FirstOrDefault(r => r.Id == record.Id) is { } r) r.StoppedAt ??= DateTime.UtcNow;
            return 0;
        });
    }

    /// <summary>The run with id <paramref name="idOrIssue"/>, else the latest run of that issue.</summary>
    private static AgentRunRecord Find(string repoRoot, string idOrIssue)
    {
        var runs = ProcessRegistry.Open(repoRoot).Read().AgentRuns;
        return runs.FirstOrDefault(r => r.Id == idOrIssue)
            ?? runs.Where(r => r.Issue == idOrIssue).MaxBy(r => r.StartedAt)
            ?? throw new WorktreeToolsException("AgentRunNotFound", ErrorKind.ObjectNotFound, $"There is no agent run {idOrIssue}, nor a run for an issue {idOrIssue}, in {repoRoot}.", idOrIssue);
    }

    /// <summary>Records, once, when finished runs ended and which commits they added (later commits are not theirs).</summary>
    private static List<AgentRunRecord> Settle(string repoRoot)
    {
        var registry = ProcessRegistry.Open(repoRoot);
        static bool Unsettled(AgentRunRecord r) => r.Commits is null && !r.Process.IsAlive();
        var runs = registry.Read().AgentRuns;
        if (!runs.Any(Unsettled)) return runs;
        return registry.Update(doc =>
        {
            foreach (var r in doc.AgentRuns.Where(Unsettled))
            {
                r.EndedAt = RunStatus.Of(r.Process, r.ExitFile, r.StartedAt, r.StoppedAt).EndedAt ?? DateTime.UtcNow;
                r.Commits = Commits(repoRoot, r);
            }
            return doc.AgentRuns;
        });
    }

    private static List<AgentCommitRecord> Commits(string repoRoot, AgentRunRecord r)
    {
        var log = GitCli.Read(repoRoot, ["log", "--format=%H%x1f%s", $"{r.BranchHeadAtStart}..refs/heads/{r.Branch}", "--"], check: false);
        if (!log.Success) return [];
        return log.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\x1f', 2)).Select(f => new AgentCommitRecord(f[0], f.Length > 1 ? f[1] : "")).ToList();
    }

    private static TimeSpan Positive(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;

    // Times are shown local, as PowerShell's own (Get-Date, Get-Process); the registry keeps them in UTC.
    private static AgentRun View(string repoRoot, AgentRunRecord r)
    {
        var status = RunStatus.Of(r.Process, r.ExitFile, r.StartedAt, r.StoppedAt);
        var endedAt = status.State is ProcessState.Running ? null : r.EndedAt ?? status.EndedAt;
        var lastOutput = AgentStates.LastWrite(r.Interactive ? r.Terminal : r.LogPath);
        var report = AgentStates.Read(AgentStates.FileFor(r.LogPath));
        var (state, message, changed, reported) = AgentStates.Of(status, report, r.Interactive, lastOutput, DateTime.UtcNow);
        return new AgentRun
        {
            Id = r.Id,
            Issue = r.Issue,
            RepositoryRoot = repoRoot,
            Agent = r.Agent,
            Pid = r.Process.Pid,
            State = state,
            StateMessage = message,
            StateChanged = changed?.ToLocalTime(),
            StateReported = reported,
            ProcessState = status.State,
            ExitCode = status.ExitCode,
            Interactive = r.Interactive,
            Terminal = r.Terminal,
            StartedAt = r.StartedAt.ToLocalTime(),
            EndedAt = endedAt?.ToLocalTime(),
            Duration = Positive((endedAt ?? DateTime.UtcNow) - r.StartedAt),
            LogPath = r.LogPath,
            Prompt = r.Prompt,
            Branch = r.Branch,
            WorkingDirectory = r.WorkingDirectory,
            Commits = (r.Commits ?? Commits(repoRoot, r)).Select(c => new AgentCommit(c.Sha, c.Subject)).ToList(),
        };
    }
}
