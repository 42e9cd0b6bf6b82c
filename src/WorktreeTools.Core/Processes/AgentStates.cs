using WorktreeTools.Processes;

namespace WorktreeTools.Core.Processes;

/// <summary>
/// How an agent tells WorktreeTools what it is doing, and how its state is read. Every run gets two variables:
/// <c>WORKTREE_AGENT_ID</c> (the run id) and <c>WORKTREE_AGENT_STATE_FILE</c> (a file outside the worktree). The
/// agent, or a hook it runs, appends one line: a state word (<c>working</c>, <c>waiting</c>, <c>idle</c>,
/// <c>done</c>, <c>failed</c>), optionally followed by a message:
/// <code>echo "waiting permission to run pnpm test" &gt;&gt; "$WORKTREE_AGENT_STATE_FILE"</code>
/// The last valid line wins; the file's time is when it was reported. <c>Set-IssueAgentState</c> writes the same
/// line from PowerShell. The presets wire this up themselves (Claude Code hooks, Codex's notify program).
/// An agent that reports nothing is judged by its process and its output: running is Working (for an interactive
/// run, Idle once its terminal has been quiet for a while), and an ended run is Done, Failed or Stopped.
/// </summary>
public static class AgentStates
{
    public const string IdVariable = "WORKTREE_AGENT_ID";
    public const string FileVariable = "WORKTREE_AGENT_STATE_FILE";

    /// <summary>An interactive run whose terminal printed nothing for this long is taken to be Idle (waiting for you).</summary>
    public static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(30);

    /// <summary>The states an agent may report (Stopped is WorktreeTools' own word).</summary>
    public static readonly IReadOnlyList<AgentState> Reportable = [AgentState.Working, AgentState.Waiting, AgentState.Idle, AgentState.Done, AgentState.Failed];

    /// <summary>One report: the state, its message, and when the file was last written.</summary>
    public readonly record struct Report(AgentState State, string? Message, DateTime At);

    /// <summary>The state file that goes with a run's log.</summary>
    public static string FileFor(string logPath) => Path.ChangeExtension(logPath, ".state");

    /// <summary>Appends a report (one line; line breaks in the message become spaces). Safe beside hooks appending at the same time.</summary>
    public static void Write(string stateFile, AgentState state, string? message)
    {
        if (!Reportable.Contains(state))
            throw new WorktreeToolsException("AgentStateNotReportable", ErrorKind.InvalidArgument,
                $"'{state}' cannot be reported; an agent reports {string.Join(", ", Reportable)}.", state);
        var line = state.ToString().ToLowerInvariant() + (string.IsNullOrWhiteSpace(message) ? "" : " " + string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(stateFile)!);
        using var fs = new FileStream(stateFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        fs.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
    }

    /// <summary>The last valid report in the file, or null (no file, nothing reported, or only lines that name no state).</summary>
    public static Report? Read(string? stateFile)
    {
        if (stateFile is null || !File.Exists(stateFile)) return null;
        var lines = LogFile.Tail(stateFile, 8);
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var text = lines[i].Trim();
            var space = text.IndexOf(' ');
            var word = space < 0 ? text : text[..space];
            if (Enum.TryParse<AgentState>(word, ignoreCase: true, out var state) && Reportable.Contains(state) && !int.TryParse(word, out _))
                return new Report(state, space < 0 ? null : text[(space + 1)..].Trim(), File.GetLastWriteTimeUtc(stateFile));
        }
        return null;
    }

    /// <summary>The state of a run as it is now: how it ended, else its report, else its process and output.</summary>
    /// <param name="lastOutput">When the run last wrote output (its log, or an interactive run's terminal), if known.</param>
    internal static (AgentState State, string? Message, DateTime? Changed, bool Reported) Of(RunStatus status, Report? report, bool interactive, DateTime? lastOutput, DateTime now)
    {
        switch (status.State)
        {
            case ProcessState.Stopped:
                return (AgentState.Stopped, null, status.EndedAt, false);
            case ProcessState.Exited or ProcessState.Crashed:
                var failed = status.State == ProcessState.Crashed || report?.State == AgentState.Failed;
                var why = status.ExitCode is { } code ? $"exit code {code}" : status.State == ProcessState.Crashed ? "ended without an exit code (killed)" : null;
                return (failed ? AgentState.Failed : AgentState.Done, report?.State == AgentState.Failed ? report.Value.Message ?? why : why, status.EndedAt, false);
        }
        if (report is { } r) return (r.State, r.Message, r.At, true);
        var quiet = lastOutput is { } at ? now - at : (TimeSpan?)null;
        if (quiet is not { } q || q < QuietAfter) return (AgentState.Working, null, lastOutput, false);
        var since = $"no output for {Describe(q)}";
        // A detached run cannot be asked anything (its input is closed): quiet, it is still at work.
        return interactive ? (AgentState.Idle, since, lastOutput, false) : (AgentState.Working, since, lastOutput, false);
    }

    private static string Describe(TimeSpan t) =>
        t.TotalMinutes >= 120 ? $"{(int)t.TotalHours} h" : t.TotalSeconds >= 120 ? $"{(int)t.TotalMinutes} min" : $"{(int)t.TotalSeconds} s";

    /// <summary>When a file was last written, or null when it does not exist or cannot be read.</summary>
    internal static DateTime? LastWrite(string? path)
    {
        try
        {
            return path is not null && File.Exists(path) ? File.GetLastWriteTimeUtc(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
