using System.Diagnostics;
using System.Globalization;

namespace WorktreeTools.Core.Processes;

/// <summary>How a Unix wrapper is detached from the session that starts it.</summary>
internal enum UnixDetach
{
    /// <summary><c>setsid</c>: a new session without a controlling terminal (Linux, BSDs with util-linux).</summary>
    Setsid,
    /// <summary><c>/bin/bash</c> with job control (<c>set -m</c>): a new process group, which Ctrl+C and a closing terminal do not reach (macOS).</summary>
    JobControl,
}

/// <summary>
/// Starts a detached command on Linux and macOS. A short-lived shell starts the wrapper in the background,
/// detached, prints its pid and exits; the wrapper (child of init from then on) runs the command with its
/// output appended to the log and writes the exit code next to it when the command ends.
/// </summary>
internal static class UnixLauncher
{
    /// <summary>Runs detached: "$@" is the command; its exit code is written atomically (temporary file, then rename).</summary>
    private const string Wrapper = """
        log=$1; exitfile=$2; shift 2
        "$@" >>"$log" 2>&1
        code=$?
        echo "# exit code $code" >>"$log"
        echo "$code" >"$exitfile.tmp" && mv -f "$exitfile.tmp" "$exitfile"
        """;

    /// <summary>setsid on Linux (where /proc shows when it took effect); bash job control elsewhere (macOS has no setsid).</summary>
    public static UnixDetach DefaultMode =>
        OperatingSystem.IsLinux() && Executables.Find("setsid") is not null ? UnixDetach.Setsid
        : File.Exists("/bin/bash") ? UnixDetach.JobControl
        : throw new WorktreeToolsException("DetachUnavailable", ErrorKind.NotInstalled,
            "Starting a process that outlives this session needs 'setsid' (util-linux) or /bin/bash; neither was found.", "setsid");

    public static ProcessIdentity Start(LaunchRequest request, UnixDetach mode)
    {
        var psi = StartInfo(request, mode);
        using var starter = Process.Start(psi)!;
        starter.StandardInput.Close();
        var error = starter.StandardError.ReadToEndAsync();
        var output = starter.StandardOutput.ReadToEnd();
        starter.WaitForExit();
        if (starter.ExitCode != 0 || !int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            throw new WorktreeToolsException("ProcessStartFailed", ErrorKind.InvalidOperation,
                $"Could not start {request.Display ?? "the command"} detached (exit {starter.ExitCode}): {error.Result.Trim()}", request.WorkingDirectory);
        // A command that fails at once may be gone already; its exit file tells what happened.
        var identity = ProcessIdentity.Of(pid) ?? ProcessIdentity.Vanished(pid);
        if (mode == UnixDetach.Setsid && OperatingSystem.IsLinux()) WaitUntilSessionLeader(pid);
        return identity;
    }

    /// <summary>
    /// $! is known before setsid(1) has run: until it has, the wrapper is still in the caller's group and a
    /// Ctrl+C would reach it. (bash job control has no such gap: it sets the job's group before it goes on.)
    /// </summary>
    private static void WaitUntilSessionLeader(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2) && LinuxProc.ReadStat(pid) is { State: not ('Z' or 'X') } s && s.SessionId != pid)
            Thread.Sleep(1);
    }

    /// <summary>The short-lived starter: <c>sh -c '... setsid sh -c WRAPPER ... &amp; echo $!'</c> (visible for tests).</summary>
    internal static ProcessStartInfo StartInfo(LaunchRequest request, UnixDetach mode)
    {
        // Without job control a background job shares the starter's group, so setsid(1) need not fork and $! is the wrapper.
        var starter = mode == UnixDetach.Setsid
            ? "w=$1; shift; setsid /bin/sh -c \"$w\" wtt-run \"$@\" </dev/null >/dev/null 2>&1 & echo $!"
            : "set -m; w=$1; shift; /bin/sh -c \"$w\" wtt-run \"$@\" </dev/null >/dev/null 2>&1 & echo $!";
        var psi = new ProcessStartInfo(mode == UnixDetach.Setsid ? "/bin/sh" : "/bin/bash")
        {
            WorkingDirectory = request.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var command = request.ShellCommand is { } line ? ShellCommand.UnixArgv(line) : request.Arguments!;
        foreach (var a in (string[])["-c", starter, "wtt-start", Wrapper, request.LogPath, request.ExitFile, .. command])
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in request.Environment) psi.Environment[k] = v;
        return psi;
    }
}
