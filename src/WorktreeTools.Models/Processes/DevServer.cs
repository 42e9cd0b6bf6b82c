namespace WorktreeTools.Processes;

/// <summary>An issue's dev server: a detached process tree found again by any session.</summary>
public sealed class DevServer
{
    public string Issue { get; init; } = "";
    /// <summary>The main checkout of the repository (binds to -Repository when piped, from any folder).</summary>
    public string RepositoryRoot { get; init; } = "";
    /// <summary>The process WorktreeTools started (the wrapper that records the exit code); the command runs below it.</summary>
    public int Pid { get; init; }
    /// <summary>The ports the server was given, by name (web, api, ...).</summary>
    public IReadOnlyDictionary<string, int> Ports { get => _ports; init => _ports = PortMap.Of(value); }
    private readonly IReadOnlyDictionary<string, int> _ports = PortMap.Empty;
    public string? Url { get; init; }
    public ProcessState State { get; init; }
    /// <summary>The exit code once it ended by itself; null while running, when stopped, or when unknown.</summary>
    public int? ExitCode { get; init; }
    public DateTime StartedAt { get; init; }
    /// <summary>When it ended (or was stopped); null while running.</summary>
    public DateTime? EndedAt { get; init; }
    public string Command { get; init; } = "";
    public string WorkingDirectory { get; init; } = "";
    /// <summary>Its stdout and stderr, appended across restarts; kept outside the worktree.</summary>
    public string LogPath { get; init; } = "";

    public bool IsRunning => State is ProcessState.Starting or ProcessState.Running;

    public override string ToString() => $"{Issue} {State} {Url}";
}
