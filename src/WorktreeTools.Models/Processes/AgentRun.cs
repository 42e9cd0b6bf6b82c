namespace WorktreeTools.Processes;

/// <summary>One commit an agent run added to its branch.</summary>
public sealed record AgentCommit(string Sha, string Subject)
{
    public override string ToString() => $"{Sha[..Math.Min(10, Sha.Length)]} {Subject}";
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
    public ProcessState State { get; init; }
    public int? ExitCode { get; init; }
    public DateTime StartedAt { get; init; }
    public DateTime? EndedAt { get; init; }
    /// <summary>How long it ran, or has been running so far.</summary>
    public TimeSpan Duration { get; init; }
    public string LogPath { get; init; } = "";
    public string Prompt { get; init; } = "";
    public string Branch { get; init; } = "";
    public string WorkingDirectory { get; init; } = "";
    /// <summary>The commits added to the branch since the run started, newest first.</summary>
    public IReadOnlyList<AgentCommit> Commits { get; init; } = [];

    public bool IsRunning => State is ProcessState.Starting or ProcessState.Running;

    public override string ToString() => $"{Id} {Issue} {Agent} {State}";
}
