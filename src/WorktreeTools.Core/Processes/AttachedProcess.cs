using System.Diagnostics;

namespace WorktreeTools.Core.Processes;

/// <summary>
/// Runs a command attached to this session's terminal, in the foreground, as if typed at the prompt: it reads the
/// keyboard (an agent's questions get answers) and draws on the screen. Used for interactive agent runs, which are
/// recorded like detached ones so that any session sees them. On Unix a small <c>/bin/sh</c> wrapper records the
/// exit code even when this session ends first (Ctrl+C, a closed terminal); it lets those signals reach the
/// command and only waits for it. On Windows the exit code is recorded when the command ends while this session
/// still waits; otherwise the run is later seen as Crashed.
/// </summary>
internal static class AttachedProcess
{
    private const string Wrapper = """
        log=$1; exitfile=$2; shift 2
        trap : INT QUIT TERM HUP
        "$@"
        code=$?
        echo "# exit code $code" >>"$log"
        echo "$code" >"$exitfile.tmp" && mv -f "$exitfile.tmp" "$exitfile"
        """;

    /// <summary>Starts <paramref name="request"/>'s argument list attached to the terminal; the caller waits (<see cref="Wait"/>).</summary>
    public static (Process Process, Launched Launched) Start(LaunchRequest request)
    {
        var logStart = DetachedProcess.Prepare(request, " (interactive: its output went to the terminal)");
        var argv = request.Arguments!;
        ProcessStartInfo psi;
        if (OperatingSystem.IsWindows())
        {
            psi = new ProcessStartInfo(argv[0]);
            foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        }
        else
        {
            psi = new ProcessStartInfo("/bin/sh");
            foreach (var a in (string[])["-c", Wrapper, "wtt-agent", request.LogPath, request.ExitFile, .. argv]) psi.ArgumentList.Add(a);
        }
        psi.WorkingDirectory = request.WorkingDirectory;
        psi.UseShellExecute = false;
        foreach (var (k, v) in request.Environment) psi.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new WorktreeToolsException("ProcessStartFailed", ErrorKind.InvalidOperation,
                $"Could not start {request.Display ?? argv[0]}: {ex.Message}", request.WorkingDirectory, ex);
        }
        return (process, new Launched(ProcessIdentity.Of(process.Id) ?? ProcessIdentity.Vanished(process.Id), logStart));
    }

    /// <summary>
    /// Waits until the command ends. When <paramref name="cancel"/> fires (Ctrl+C reached this session, and the
    /// command too), it has <paramref name="grace"/> to end by itself; then its tree is stopped.
    /// </summary>
    public static void Wait(Process process, ProcessIdentity identity, string exitFile, TimeSpan grace, CancellationToken cancel)
    {
        while (!process.WaitForExit(200))
        {
            if (!cancel.IsCancellationRequested) continue;
            if (!process.WaitForExit(grace)) ProcessTree.Stop(identity, grace);
            break;
        }
        if (OperatingSystem.IsWindows() && process.HasExited)
        {
            File.WriteAllText(exitFile + ".tmp", process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.Move(exitFile + ".tmp", exitFile, overwrite: true);
        }
    }

    /// <summary>The terminal this session reads from (Linux: where <c>/proc/self/fd/0</c> points, e.g. /dev/pts/3), or null.</summary>
    public static string? Terminal()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var target = new FileInfo("/proc/self/fd/0").LinkTarget;
            return target is not null && (target.StartsWith("/dev/pts/", StringComparison.Ordinal) || target.StartsWith("/dev/tty", StringComparison.Ordinal)) ? target : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
