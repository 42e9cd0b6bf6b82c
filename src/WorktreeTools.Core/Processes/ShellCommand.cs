using System.Diagnostics;
using System.Text;

namespace WorktreeTools.Core.Processes;

/// <summary>
/// Runs one configured command line (install, test gate, lockfile regeneration, after-merge hook) through
/// the platform shell in a folder, with extra environment variables, its output appended to a log file.
/// </summary>
public static class ShellCommand
{
    /// <summary>The shell and its arguments for a command line: <c>/bin/sh -c</c> or <c>cmd.exe /d /s /c</c>.</summary>
    public static ProcessStartInfo StartInfo(string command, string workDir, IReadOnlyDictionary<string, string?>? env)
    {
        var psi = OperatingSystem.IsWindows()
            ? new ProcessStartInfo(Environment.GetEnvironmentVariable("ComSpec") ?? "cmd.exe") { Arguments = "/d /s /c \"" + command + "\"" }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
        psi.WorkingDirectory = workDir;
        psi.UseShellExecute = false;
        psi.CreateNoWindow = true;
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>Runs <paramref name="command"/> to the end and returns its exit code; output goes to <paramref name="logPath"/>.</summary>
    public static int Run(string command, string workDir, IReadOnlyDictionary<string, string?>? env, string logPath,
        CancellationToken cancel = default, Action<string>? onLine = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var psi = StartInfo(command, workDir, env);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        log.WriteLine($"# {DateTime.Now:yyyy-MM-dd HH:mm:ss} in {workDir}: {command}");
        using var p = new Process { StartInfo = psi };
        void Line(string? l)
        {
            if (l is null) return;
            lock (log) log.WriteLine(l);
            onLine?.Invoke(l);
        }
        p.OutputDataReceived += (_, e) => Line(e.Data);
        p.ErrorDataReceived += (_, e) => Line(e.Data);
        try { p.Start(); }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new WorktreeToolsException("CommandStartFailed", ErrorKind.NotInstalled, $"Could not start '{command}': {ex.Message}", command, ex);
        }
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using (cancel.Register(() => { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            p.WaitForExit();
        cancel.ThrowIfCancellationRequested();
        lock (log) log.WriteLine($"# exit code {p.ExitCode}");
        return p.ExitCode;
    }
}
