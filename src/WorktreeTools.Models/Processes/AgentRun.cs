namespace WorktreeTools.Processes;

/// <summary>One commit an agent run added to its branch.</summary>
public sealed record AgentCommit(string Sha, string Subject)
{
    public override string ToString() => $"{Sha[..Math.Min(10, Sha.Length)]} {Subject}";
}

/// <summary>What an agent is doing, as it reported it (or, when it reports nothing, as its process and output show).</summary>
public enum AgentState
{
    /// <summary>At work (reported, or running and not known to be waiting).</summary>
    Working,
    /// <summary>Needs an answer from you: a permission, a question, a choice.</summary>
    Waiting,
    /// <summary>Finished its turn and ready for more (interactive), or no output for a while.</summary>
    Idle,
    /// <summary>Ended with exit code 0.</summary>
    Done,
    /// <summary>Ended with another exit code or was killed, or reported a failure.</summary>
    Failed,
    /// <summary>Stopped by WorktreeTools (Stop-IssueAgent, Remove-IssueWorktree).</summary>
    Stopped,
}

/// <summary>One run of a coding agent (Amp, Claude Code, Codex or a custom command) in an issue's worktree.</summary>
public sealed class AgentRun
{
    /// <summary>A short unique id (8 hex digits).</summary>
    public string Id { get; init; } = "";
    public string Issue { get; init; } = "";
    /// <summary>The main checkout of the repository (binds to -Repository when piped, from any folder).</summary>
    public string RepositoryRoot { get; init; } = "";
    /// <summary>The preset (amp, claude, codex) or the custom command's program name.</summary>
    public string Agent { get; init; } = "";
    public int Pid { get; init; }
    /// <summary>Working, Waiting, Idle, Done, Failed or Stopped.</summary>
    public AgentState State { get; init; }
    /// <summary>What the agent said with its last report, or why the state was inferred (for example "no output for 4 min").</summary>
    public string? StateMessage { get; init; }
    /// <summary>When the agent last reported, or (inferred) when it last wrote output; null when unknown.</summary>
    public DateTime? StateChanged { get; init; }
    /// <summary>True when <see cref="State"/> comes from the agent's own report; false when inferred from its process and output.</summary>
    public bool StateReported { get; init; }
    /// <summary>The process: Running, Exited, Crashed or Stopped.</summary>
    public ProcessState ProcessState { get; init; }
    public int? ExitCode { get; init; }
    /// <summary>Started attached to a terminal (Start-IssueAgent -Interactive) rather than detached.</summary>
    public bool Interactive { get; init; }
    /// <summary>The terminal an interactive run is attached to (for example /dev/pts/3), when known.</summary>
    public string? Terminal { get; init; }
    public DateTime StartedAt { get; init; }
    public DateTime? EndedAt { get; init; }
    /// <summary>How long it ran, or has been running so far.</summary>
    public TimeSpan Duration { get; init; }
    public string LogPath { get; init; } = "";
    public string Prompt { get; init; } = "";
    public string Branch { get; init; } = "";
    public string WorkingDirectory { get; init; } = "";
    /// <summary>The commits added to the branch since the run started, newest first.</summary>
    public IReadOnlyList<AgentCommit> Commits { get => _commits; init => _commits = ItemList<AgentCommit>.Of(value); }
    private readonly IReadOnlyList<AgentCommit> _commits = ItemList<AgentCommit>.Empty;

    public bool IsRunning => ProcessState is ProcessState.Starting or ProcessState.Running;

    public override string ToString() => $"{Id} {Issue} {Agent} {State}";
}
