using WorktreeTools.Configuration;
using WorktreeTools.Processes;

namespace WorktreeTools.Core.Processes;

/// <summary>
/// Dev servers, one per issue: started detached in the worktree with the issue's environment, waited on
/// until ready, recorded per repository so that any session finds, reads and stops them.
/// </summary>
public static class DevServers
{
    private static readonly TimeSpan CleanupGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Starts the dev server of <paramref name="issue"/>, or returns it when it already runs. With
    /// <paramref name="wait"/>, waits until ready (see <see cref="WaitUntilReady"/>); otherwise returns it
    /// Starting, so that several can start at once and be waited on after. Null when ShouldProcess declines.
    /// </summary>
    /// <param name="env">The issue's variables (its env file); <see cref="IssueEnvironment"/> adds ISSUE_ID, PORT and PORT_&lt;NAME&gt;.</param>
    /// <param name="ports">The issue's leased ports by name.</param>
    /// <param name="ready">What "ready" means; nothing set means the primary port accepting connections.</param>
    public static DevServer? Start(string repoRoot, string issue, string workDir, string command,
        IReadOnlyDictionary<string, string?>? env, IReadOnlyDictionary<string, int>? ports, ReadySettings? ready,
        IOperationHost host, bool wait = true)
    {
        if (string.IsNullOrWhiteSpace(command))
            throw new WorktreeToolsException("DevServerCommandMissing", ErrorKind.InvalidArgument,
                $"No dev server command for issue {issue}.", issue, recommendedAction: "Set devServer.command in .worktree-tools.yml.");
        ready ??= new ReadySettings();
        var check = ReadyCheckFor(ready, ports);
        var primary = IssueEnvironment.PrimaryPort(ports, ready.Port);
        if (!host.ShouldProcess($"issue {issue}", $"Start dev server '{command}' in {workDir}")) return null;

        var (record, launched) = ProcessRegistry.Open(repoRoot).Update(doc =>
        {
            var existing = doc.DevServers.FirstOrDefault(r => r.Issue == issue);
            if (existing is not null && existing.Process.IsAlive()) return (existing, false);
            // Children left over from a previous run that crashed would hold its port.
            if (existing is not null) ProcessTree.Stop(existing.Process, CleanupGrace);
            if (check.Port is { } port && Readiness.Accepts(port))
                throw new WorktreeToolsException("PortInUse", ErrorKind.ResourceBusy,
                    $"Cannot start the dev server for issue {issue}: another program already listens on port {port}. " +
                    $"Stop that program, or lease the issue another port: Repair-IssueWorktree -Issue {issue} -NewPorts", port,
                    recommendedAction: $"Repair-IssueWorktree -Issue {issue} -NewPorts");
            var log = ProcessRegistry.LogPath(repoRoot, $"issue-{issue}-devserver");
            var started = DetachedProcess.Start(new LaunchRequest
            {
                ShellCommand = command,
                WorkingDirectory = workDir,
                Environment = IssueEnvironment.For(issue, workDir, env, ports, primary?.Key),
                LogPath = log,
                ExitFile = ProcessRegistry.ExitFile(log),
            });
            var record = new DevServerRecord
            {
                Issue = issue,
                Process = started.Process,
                Command = command,
                WorkingDirectory = workDir,
                LogPath = log,
                LogStart = started.LogStart,
                ExitFile = ProcessRegistry.ExitFile(log),
                StartedAt = DateTime.UtcNow,
                Ports = ports?.ToDictionary() ?? [],
                Url = ready.Url ?? (primary is { } p ? $"http://localhost:{p.Value}/" : null),
                ReadyPort = check.Port,
                ReadyPattern = check.Pattern,
                ReadyUrl = check.Url,
                ReadyTimeoutSec = (int)check.Timeout.TotalSeconds,
                Ready = check.IsEmpty,
            };
            doc.DevServers.RemoveAll(r => r.Issue == issue);
            doc.DevServers.Add(record);
            return (record, true);
        });
        host.Verbose(launched
            ? $"Started the dev server of issue {issue}: {command} ({record.Process}); log {record.LogPath}."
            : $"The dev server of issue {issue} already runs ({record.Process}).");
        return wait && !record.Ready ? WaitUntilReady(repoRoot, issue, host) : View(repoRoot, record);
    }

    /// <summary>
    /// Waits until the dev server of <paramref name="issue"/> is ready, with progress and cancellation. When it
    /// exits first, or is not ready in time, or the wait is cancelled, its whole tree is stopped and a
    /// <c>DevServerExited</c> / <c>DevServerNotReady</c> error carries the log's path and last lines.
    /// </summary>
    public static DevServer WaitUntilReady(string repoRoot, string issue, IOperationHost host)
    {
        var record = Find(repoRoot, issue);
        if (record.Ready) return View(repoRoot, record);
        var check = record.GetReadyCheck();
        var activity = $"Starting the dev server of issue {issue}";
        var progress = ProgressId.For("Start-DevServer", issue);
        ReadyOutcome outcome;
        try
        {
            outcome = Readiness.Wait(check, record.Process.IsAlive, record.LogPath, record.LogStart,
                (status, percent) => host.Progress(progress, activity, status, percent), host.Cancellation);
        }
        catch (OperationCanceledException)
        {
            StopCore(repoRoot, record, CleanupGrace, host);
            throw;
        }
        finally
        {
            host.Progress(progress, activity, "Done", 100, completed: true);
        }

        switch (outcome)
        {
            case ReadyOutcome.Ready:
                return View(repoRoot, ProcessRegistry.Open(repoRoot).Update(doc =>
                {
                    var r = doc.DevServers.FirstOrDefault(r => r.Process.SameProcessAs(record.Process)) ?? record;
                    r.Ready = true;
                    return r;
                }));
            case ReadyOutcome.Exited:
                ProcessTree.Stop(record.Process, CleanupGrace);
                var status = RunStatus.Of(record.Process, record.ExitFile, record.StartedAt, null);
                throw new WorktreeToolsException("DevServerExited", ErrorKind.InvalidOperation,
                    $"The dev server of issue {issue} ('{record.Command}') exited{(status.ExitCode is { } c ? $" with code {c}" : "")} before it was ready.\n{RunLogs.TailForMessage(record)}",
                    issue, recommendedAction: "Read the log above, fix the command or the worktree, and start it again.");
            default:
                StopCore(repoRoot, record, CleanupGrace, host);
                throw new WorktreeToolsException("DevServerNotReady", ErrorKind.OperationTimeout,
                    $"The dev server of issue {issue} ('{record.Command}') was not ready within {check.Timeout.TotalSeconds:0} s (waited for {check}); it was stopped.\n{RunLogs.TailForMessage(record)}",
                    issue, recommendedAction: "If it is only slow, raise devServer.ready.timeoutSec; otherwise check devServer.ready and the log.");
        }
    }

    /// <summary>The recorded dev servers (of one issue, or all), with their live state.</summary>
    public static IReadOnlyList<DevServer> Get(string repoRoot, string? issue = null) =>
        ProcessRegistry.Open(repoRoot).Read().DevServers
            .Where(r => issue is null || r.Issue == issue)
            .OrderBy(r => r.Issue, Worktrees.IssueId.Order)
            .Select(r => View(repoRoot, r)).ToList();

    /// <summary>Stops the whole process tree of the dev server of <paramref name="issue"/>, from any session: gracefully, then forcefully after <paramref name="timeout"/>.</summary>
    public static DevServer Stop(string repoRoot, string issue, TimeSpan timeout, IOperationHost host)
    {
        var record = Find(repoRoot, issue);
        if (!host.ShouldProcess($"issue {issue}", $"Stop dev server {record.Process} and its child processes")) return View(repoRoot, record);
        return View(repoRoot, StopCore(repoRoot, record, timeout, host));
    }

    /// <summary>
    /// The last <paramref name="tail"/> lines of the server's log; with <paramref name="follow"/>, then new lines until
    /// the issue's server has ended and not started again within <see cref="RestartGrace"/> (so a restart, or a log
    /// rotated meanwhile, is followed into), <paramref name="timeout"/> passes, or <paramref name="cancel"/>.
    /// </summary>
    public static IEnumerable<string> ReadLog(string repoRoot, string issue, int tail, bool follow, CancellationToken cancel, TimeSpan? timeout = null) =>
        RunLogs.Read(Find(repoRoot, issue), tail, follow, cancel, timeout, follow ? Runs(repoRoot, issue) : null);

    /// <summary>How long a follower waits for a server that ended to start again (Restart-DevServer) before it stops following.</summary>
    private static readonly TimeSpan RestartGrace = TimeSpan.FromSeconds(5);

    /// <summary>True while the issue's dev server (whichever process it is now) runs, and for <see cref="RestartGrace"/> after it ended.</summary>
    private static Func<bool> Runs(string repoRoot, string issue)
    {
        var registry = ProcessRegistry.Open(repoRoot);
        var lastSeen = System.Diagnostics.Stopwatch.StartNew();
        return () =>
        {
            if (registry.Read().DevServers.FirstOrDefault(r => r.Issue == issue) is { } r && r.Process.IsAlive()) lastSeen.Restart();
            return lastSeen.Elapsed < RestartGrace;
        };
    }

    /// <summary>Stops without asking (the caller asked already, e.g. Remove-IssueWorktree).</summary>
    internal static DevServerRecord StopCore(string repoRoot, DevServerRecord record, TimeSpan timeout, IOperationHost host)
    {
        var wasAlive = record.Process.IsAlive();
        ProcessTree.Stop(record.Process, timeout, host.Cancellation).Report(host, $"the dev server of issue {record.Issue}");
        if (!wasAlive) return record;
        return ProcessRegistry.Open(repoRoot).Update(doc =>
        {
            var r = doc.DevServers.FirstOrDefault(r => r.Process.SameProcessAs(record.Process)) ?? record;
            r.StoppedAt ??= DateTime.UtcNow;
            return r;
        });
    }

    private static DevServerRecord Find(string repoRoot, string issue) =>
        ProcessRegistry.Open(repoRoot).Read().DevServers.FirstOrDefault(r => r.Issue == issue)
        ?? throw new WorktreeToolsException("DevServerNotFound", ErrorKind.ObjectNotFound,
            $"No dev server was started for issue {issue} in {repoRoot}.", issue);

    private static ReadyCheck ReadyCheckFor(ReadySettings ready, IReadOnlyDictionary<string, int>? ports)
    {
        int? port = null;
        if (ready.Port is { } name)
            port = ports is not null && ports.TryGetValue(name, out var p) ? p
                : throw new WorktreeToolsException("ReadyPortUnknown", ErrorKind.InvalidArgument,
                    $"devServer.ready.port names the port '{name}', but the issue has {(ports is { Count: > 0 } ? "only " + string.Join(", ", ports.Keys) : "no ports")}.", name);
        else if (ready.Pattern is null && ready.Url is null)
            port = IssueEnvironment.PrimaryPort(ports)?.Value;
        if (ready.Pattern is { } pattern)
        {
            if (Config.ConfigRegex.Problem(pattern) is { } problem)
                throw new WorktreeToolsException("ReadyPatternInvalid", ErrorKind.InvalidArgument, $"devServer.ready.pattern '{pattern}': {problem}", pattern);
        }
        return new ReadyCheck(port, ready.Pattern, ready.Url, TimeSpan.FromSeconds(ready.TimeoutSec > 0 ? ready.TimeoutSec : 60));
    }

    private static DevServer View(string repoRoot, DevServerRecord r)
    {
        // A server whose starting session ended before it saw readiness: its port tells.
        var ready = r.Ready || (r is { ReadyPort: { } port, ReadyPattern: null, ReadyUrl: null } && Readiness.Accepts(port));
        var status = RunStatus.Of(r.Process, r.ExitFile, r.StartedAt, r.StoppedAt, ready);
        return new DevServer
        {
            Issue = r.Issue,
            RepositoryRoot = repoRoot,
            Pid = r.Process.Pid,
            Ports = r.Ports,
            Url = r.Url,
            State = status.State,
            ExitCode = status.ExitCode,
            StartedAt = r.StartedAt.ToLocalTime(),
            EndedAt = status.EndedAt?.ToLocalTime(),
            Command = r.Command,
            WorkingDirectory = r.WorkingDirectory,
            LogPath = r.LogPath,
        };
    }
}
