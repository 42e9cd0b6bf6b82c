using System.Text;

namespace WorktreeTools.Core.Processes;

/// <summary>What to start detached: a shell command line or an argument list, where, and where its output goes.</summary>
public sealed record LaunchRequest
{
    /// <summary>A command line for the platform shell (dev servers: <c>pnpm dev</c>). Exactly one of this and <see cref="Arguments"/>.</summary>
    public string? ShellCommand { get; init; }
    /// <summary>A program and its arguments, each passed as one argument, never through a shell (agents: the prompt).</summary>
    public IReadOnlyList<string>? Arguments { get; init; }
    public required string WorkingDirectory { get; init; }
    /// <summary>Variables added to (or, when null, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    /// <summary>stdout and stderr are appended here.</summary>
    public required string LogPath { get; init; }
    /// <summary>The exit code is written here (atomically) when the command ends by itself.</summary>
    public required string ExitFile { get; init; }
    /// <summary>What the log's header line shows.</summary>
    public string? Display { get; init; }
}

/// <summary>A started detached process: its identity and where its output begins in the log (after the header line).</summary>
public sealed record Launched(ProcessIdentity Process, long LogStart);

/// <summary>
/// Starts a command detached from the caller: it keeps running after the PowerShell session that started it
/// has exited, Ctrl+C in that session does not reach it, its output is appended to a log file and its exit
/// code is written to a file when it ends, so any later session can tell Exited(0) from Crashed(code).
/// Unix: a small <c>/bin/sh</c> wrapper in a new session (<c>setsid</c>) or, without setsid, in a new process
/// group (bash job control); Windows: a hidden PowerShell process hosting <see cref="DetachedRunner"/>.
/// The returned identity is the wrapper's: it leads the process group the command runs in.
/// </summary>
public static class DetachedProcess
{
    public static Launched Start(LaunchRequest request)
    {
        var logStart = Prepare(request);
        var process = OperatingSystem.IsWindows() ? WindowsLauncher.Start(request) : UnixLauncher.Start(request, UnixLauncher.DefaultMode);
        return new Launched(process, logStart);
    }

    /// <summary>Checks the request, clears the exit file and writes the log's header line; returns where the run's output starts in the log.</summary>
    internal static long Prepare(LaunchRequest request, string? note = null)
    {
        if ((request.ShellCommand is null) == (request.Arguments is null or { Count: 0 }))
            throw new ArgumentException("Give either a shell command or an argument list.", nameof(request));
        if (!Directory.Exists(request.WorkingDirectory))
            throw new WorktreeToolsException("WorkingDirectoryNotFound", ErrorKind.ObjectNotFound,
                $"Cannot start {request.Display ?? "the command"}: the folder {request.WorkingDirectory} does not exist.", request.WorkingDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(request.LogPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(request.ExitFile)!);
        File.Delete(request.ExitFile);
        File.AppendAllText(request.LogPath,
            $"# {DateTime.Now:yyyy-MM-dd HH:mm:ss} in {request.WorkingDirectory}: {request.Display ?? request.ShellCommand ?? string.Join(' ', request.Arguments!)}{note}\n",
            new UTF8Encoding(false));
        return new FileInfo(request.LogPath).Length;
    }

    /// <summary>The exit code the wrapper recorded, or null while it runs or when it was killed before recording one.</summary>
    public static int? ReadExitCode(string exitFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(exitFile).Trim(), System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
