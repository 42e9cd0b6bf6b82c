using WorktreeTools.Core.State;

namespace WorktreeTools.Core.Processes;

/// <summary>What every detached run records: enough for any later session to find, judge and stop it.</summary>
internal abstract class RunRecord
{
    public string Issue { get; set; } = "";
    /// <summary>The wrapper process: it leads the process group the command runs in.</summary>
    public ProcessIdentity Process { get; set; } = ProcessIdentity.Vanished(0);
    public string Command { get; set; } = "";
    public string WorkingDirectory { get; set; } = "";
    public string LogPath { get; set; } = "";
    /// <summary>Where this run's output starts in the log (dev server logs are appended across starts).</summary>
    public long LogStart { get; set; }
    public string ExitFile { get; set; } = "";
    public DateTime StartedAt { get; set; }
    /// <summary>Set when WorktreeTools stopped it.</summary>
    public DateTime? StoppedAt { get; set; }
}

internal sealed class DevServerRecord : RunRecord
{
    public Dictionary<string, int> Ports { get; set; } = [];
    public string? Url { get; set; }
    public int? ReadyPort { get; set; }
    public string? ReadyPattern { get; set; }
    public string? ReadyUrl { get; set; }
    public int ReadyTimeoutSec { get; set; }
    /// <summary>Readiness was confirmed (until then the server is Starting).</summary>
    public bool Ready { get; set; }

    public ReadyCheck GetReadyCheck() => new(ReadyPort, ReadyPattern, ReadyUrl, TimeSpan.FromSeconds(ReadyTimeoutSec));
}

internal sealed class AgentRunRecord : RunRecord
{
    public string Id { get; set; } = "";
    public string Agent { get; set; } = "";
    public string Prompt { get; set; } = "";
    public string Branch { get; set; } = "";
    public string BranchHeadAtStart { get; set; } = "";
    /// <summary>Started attached to a terminal (Start-IssueAgent -Interactive).</summary>
    public bool Interactive { get; set; }
    /// <summary>That terminal's device (its write time shows when the agent last printed), when known.</summary>
    public string? Terminal { get; set; }
    /// <summary>Filled the first time the run is seen finished: when it ended and what it committed.</summary>
    public DateTime? EndedAt { get; set; }
    public List<AgentCommitRecord>? Commits { get; set; }
}

internal sealed record AgentCommitRecord(string Sha, string Subject);

internal sealed class ProcessRegistryDocument
{
    public List<DevServerRecord> DevServers { get; set; } = [];
    public List<AgentRunRecord> AgentRuns { get; set; } = [];
}

/// <summary>
/// The per-repository record of dev servers and agent runs (<c>processes.json</c>) and their logs, kept in
/// <see cref="ToolPaths.RepositoryStateDirectory"/>, outside every worktree. Shared by all sessions through
/// <see cref="StateFile{T}"/>.
/// </summary>
internal static class ProcessRegistry
{
    public static StateFile<ProcessRegistryDocument> Open(string repoRoot) =>
        new(Path.Combine(ToolPaths.RepositoryStateDirectory(repoRoot), "processes.json"), Validate);

    private static string? Validate(ProcessRegistryDocument doc) =>
        doc.DevServers.Cast<RunRecord>().Concat(doc.AgentRuns).FirstOrDefault(r => string.IsNullOrEmpty(r.Issue) || r.Process is null || r.LogPath is null) is { } bad
            ? $"a run record{(!string.IsNullOrEmpty(bad.Issue) ? " of issue " + bad.Issue : "")} lacks its issue, process or log"
            : null;

    /// <summary>The log of a run; its exit file is beside it (<c>.exit</c>).</summary>
    public static string LogPath(string repoRoot, string name) =>
        Path.Combine(ToolPaths.RepositoryStateDirectory(repoRoot), "logs", FileName(name) + ".log");

    public static string ExitFile(string logPath) => Path.ChangeExtension(logPath, ".exit");

    private static string FileName(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
