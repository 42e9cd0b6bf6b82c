using System.Diagnostics;

namespace WorktreeTools.Core.Processes;

/// <summary>
/// Starts a detached command on Windows: a hidden PowerShell 7 process (CreateNoWindow gives it a console of
/// its own, so the session's Ctrl+C and closing its window do not reach it) loads this assembly and runs
/// <see cref="DetachedRunner"/>, which runs the command and records its exit code. A shell command goes
/// through <c>cmd.exe /d /s /c</c>; an argument list is passed with Windows' quoting rules, never through cmd.
/// Limits: a program that is a .cmd/.bat shim (npm-installed CLIs) cannot be started from an argument list;
/// point the agent template at the real executable. A job object that kills its processes on close (some
/// terminal hosts) still takes the wrapper with it.
/// </summary>
internal static class WindowsLauncher
{
    public static ProcessIdentity Start(LaunchRequest request)
    {
        RunnerSpec spec;
        if (request.ShellCommand is { } line)
        {
            var shell = ShellCommand.StartInfo(line, request.WorkingDirectory, null);
            spec = new RunnerSpec(shell.FileName, shell.Arguments, null, request.WorkingDirectory, request.LogPath, request.ExitFile);
        }
        else
        {
            spec = new RunnerSpec(request.Arguments![0], null, [.. request.Arguments.Skip(1)], request.WorkingDirectory, request.LogPath, request.ExitFile);
        }
        var specPath = request.ExitFile + ".launch.json";
        DetachedRunner.WriteSpec(specPath, spec);

        var script = $"Add-Type -LiteralPath {Quote(typeof(WorktreeToolsException).Assembly.Location)}; " +
                     $"Add-Type -LiteralPath {Quote(typeof(DetachedRunner).Assembly.Location)}; " +
                     $"exit [WorktreeTools.Core.Processes.DetachedRunner]::Run({Quote(specPath)})";
        var psi = new ProcessStartInfo(PowerShell())
        {
            WorkingDirectory = request.WorkingDirectory,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script }) psi.ArgumentList.Add(a);
        foreach (var (k, v) in request.Environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        return ProcessIdentity.Of(p.Id) ?? ProcessIdentity.Vanished(p.Id);
    }

    /// <summary>pwsh: the current process when it is pwsh (the module's case), else pwsh on PATH.</summary>
    private static string PowerShell()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("pwsh", StringComparison.OrdinalIgnoreCase)) return self;
        return Executables.Find("pwsh") ?? throw new WorktreeToolsException("PowerShellNotFound", ErrorKind.NotInstalled,
            "Starting a detached process on Windows needs PowerShell 7 (pwsh) on PATH.", "pwsh");
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}
