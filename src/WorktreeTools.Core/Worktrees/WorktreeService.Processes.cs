using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Processes;
using WorktreeTools.Processes;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Core.Worktrees;

/// <summary>Dev servers, agent runs and commands of this repository's issue worktrees (the Processes engine, with the issue's settings).</summary>
public sealed partial class WorktreeService
{
    private TimeSpan StopTimeout => TimeSpan.FromSeconds(Config.DevServer.StopTimeoutSec);

    /// <summary>An issue's worktree that exists on disk, or an error saying why not.</summary>
    public IssueWorktree Existing(string issue)
    {
        var w = Get(issue, fileStatus: false);
        if (w.Missing)
            throw new WorktreeToolsException("IssueWorktreeMissing", ErrorKind.ObjectNotFound,
                $"The folder of issue {w.Issue} ({w.Path}) is gone. Run Repair-IssueWorktree, then New-IssueWorktree {w.Issue}.", w.Issue);
        return w;
    }

    /// <summary>The issue's environment (env file, ports, ISSUE_ID, ...), for its processes.</summary>
    public IReadOnlyDictionary<string, string?> IssueEnvironment(IssueWorktree worktree) =>
        IssueEnvironment(WorktreeLayout.Of(worktree), worktree.Ports);

    /// <summary>
    /// Starts the issue's dev server (or returns the running one): <paramref name="command"/> if given (the
    /// user typed it), else devServer.command (approved), else the package.json "dev" script run by the
    /// lockfile's package manager. With <paramref name="wait"/> false it returns Starting; see <see cref="WaitForDevServer"/>.
    /// </summary>
    public DevServer? StartDevServer(string issue, string? command = null, bool wait = true)
    {
        var w = Existing(issue);
        var configured = command is null ? Trusted(RepositoryCommands.DevServer(Config, CheckoutFiles.Folder(w.Path))) : null;
        var text = command ?? configured?.Text
            ?? throw new WorktreeToolsException("DevServerCommandMissing", ErrorKind.ObjectNotFound,
                $"No dev server command for issue {w.Issue}: there is no devServer.command and {w.Path} has no package.json \"dev\" script.",
                w.Issue, recommendedAction: "Set devServer.command in .worktree-tools.yml, or pass -Command.");
        // Token values reach the command as data; a command the user typed keeps brace text that is no token (awk '{print}').
        var line = ShellCommand.Prepare(text, WorktreeLayout.Of(w).Tokens(Repo, w.Ports), lenient: command is not null);
        return DevServers.Start(Repo.MainRoot, w.Issue, w.Path, line.Text, line.Environment(IssueEnvironment(w)), w.Ports, Config.DevServer.Ready, _host, wait);
    }

    public DevServer WaitForDevServer(string issue) => DevServers.WaitUntilReady(Repo.MainRoot, Canonical(issue), _host);

    public IReadOnlyList<DevServer> DevServersOf(IReadOnlyList<string>? patterns) =>
        Matching(DevServers.Get(Repo.MainRoot), d => d.Issue, patterns);

    public DevServer StopDevServer(string issue) => DevServers.Stop(Repo.MainRoot, Canonical(issue), StopTimeout, _host);

    /// <summary>The dev server's log; following, it goes on across restarts and rotations until the server ends, <paramref name="timeout"/> passes or Ctrl+C.</summary>
    public IEnumerable<string> DevServerLog(string issue, int tail, bool follow, TimeSpan? timeout = null) =>
        DevServers.ReadLog(Repo.MainRoot, Canonical(issue), tail, follow, _host.Cancellation, timeout);

    /// <summary>
    /// Starts an agent run in the issue's worktree: <paramref name="agent"/> (a preset or a template the user
    /// typed), else agent.command (approved), else the agent.default preset. The prompt is always one argument.
    /// </summary>
    /// <param name="interactive">Run it attached to this session's terminal (the preset's interactive command; the prompt may be empty) and return when it ends.</param>
    public AgentRun? StartAgent(string issue, string prompt, string? agent = null, bool interactive = false)
    {
        var w = Existing(issue);
        var chosen = agent ?? Trusted(Config.Agent.Command)?.Text ?? Config.Agent.Default;
        // Split first, then expand tokens per argument (a path with spaces stays one argument); {prompt} stays
        // for the agent engine to fill, as one argument.
        var tokens = WorktreeLayout.Of(w).Tokens(Repo, w.Ports);
        tokens["prompt"] = "{prompt}";
        var command = AgentCommand.Resolve(chosen, interactive).Map(a => agent is null ? Template.Expand(a, tokens) : Template.ExpandKnown(a, tokens));
        return AgentRuns.Start(Repo.MainRoot, w.Issue, w.Path, w.Branch, command, prompt, IssueEnvironment(w), _host, interactive);
    }

    /// <summary>Records what an agent run is doing (<see cref="AgentStates"/>): the run <paramref name="id"/> of this repository.</summary>
    public AgentRun ReportAgentState(string id, AgentState state, string? message) =>
        AgentRuns.Report(Repo.MainRoot, id, state, message);

    /// <summary>The whole text of a prompt file, or a PromptFileNotFound / PromptFileUnreadable error.</summary>
    public static string ReadPromptFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new WorktreeToolsException("PromptFileNotFound", ErrorKind.ObjectNotFound, $"The prompt file {path} does not exist.", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WorktreeToolsException("PromptFileUnreadable", ErrorKind.ReadError, $"The prompt file {path} cannot be read: {ex.Message}", path, ex);
        }
    }

    public IReadOnlyList<AgentRun> AgentRunsOf(IReadOnlyList<string>? patterns, string? id = null) =>
        Matching(AgentRuns.Get(Repo.MainRoot, id: id), a => a.Issue, patterns);

    public AgentRun WaitForAgent(string idOrIssue, TimeSpan? timeout) => AgentRuns.Wait(Repo.MainRoot, idOrIssue, timeout, _host);

    public AgentRun StopAgent(string idOrIssue) => AgentRuns.Stop(Repo.MainRoot, idOrIssue, StopTimeout, _host);

    public IEnumerable<string> AgentLog(string idOrIssue, int tail, bool follow, TimeSpan? timeout = null) =>
        AgentRuns.ReadLog(Repo.MainRoot, idOrIssue, tail, follow, _host.Cancellation, timeout);

    /// <summary>
    /// The artifacts of <paramref name="worktrees"/>: the files <c>artifacts/issue-&lt;id&gt;-&lt;name&gt;</c> in each,
    /// whose name matches <paramref name="name"/> (wildcards), in the worktrees' order.
    /// </summary>
    public static IReadOnlyList<(string Issue, string Path)> ArtifactFiles(IEnumerable<IssueWorktree> worktrees, string? name = null)
    {
        var matcher = string.IsNullOrEmpty(name) ? null : Wildcard(name);
        return worktrees
            .Where(w => !w.Missing)
            .SelectMany(w => Artifacts.List(w.Path, w.Issue).Select(path => (w.Issue, Path: path)))
            .Where(a => matcher is null || matcher.IsMatch(Artifacts.NameOf(a.Path, a.Issue)))
            .ToList();
    }

    /// <summary>The last lines of the issue's install log.</summary>
    public IEnumerable<string> InstallLog(string issue, int tail)
    {
        var w = Get(issue, fileStatus: false);
        var log = w.InstallLog ?? LogPath(w.Name, "install");
        if (!File.Exists(log))
            throw new WorktreeToolsException("LogNotFound", ErrorKind.ObjectNotFound, $"Issue {w.Issue} has no install log ({log}).", w.Issue);
        return LogFile.Tail(log, tail);
    }

    /// <summary>Runs a command line in the issue's worktree with its environment, each output line to <paramref name="onLine"/> (true: stderr).</summary>
    /// <remarks>
    /// It may be called on any thread: it reports nothing to the host. <paramref name="cancel"/> (or the host's
    /// cancellation) kills the command's whole tree.
    /// </remarks>
    public int RunCommand(IssueWorktree worktree, string command, Action<string, bool> onLine, CancellationToken cancel)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, _host.Cancellation);
        return ShellCommand.Stream(command, worktree.Path, IssueEnvironment(worktree), onLine, linked.Token);
    }

    /// <summary>A repository command that may run (approved, or the user's own), or null when there is none.</summary>
    private ConfiguredCommand? Trusted(ConfiguredCommand? command)
    {
        if (command is not null) new TrustStore().EnsureTrusted(Config, command);
        return command;
    }

    private static IReadOnlyList<T> Matching<T>(IEnumerable<T> items, Func<T, string> issue, IReadOnlyList<string>? patterns)
    {
        var matchers = patterns?.Where(p => !string.IsNullOrEmpty(p)).Select(Wildcard).ToList() ?? [];
        return items.Where(i => matchers.Count == 0 || matchers.Any(m => m.IsMatch(issue(i)))).ToList();
    }
}
