using System.Diagnostics;
using System.Text;

namespace WorktreeTools.Core.Processes;

/// <summary>
/// Runs one configured command line (install, test gate, lockfile regeneration, after-merge hook,
/// Invoke-IssueCommand) through the platform shell in a folder, with extra environment variables.
/// </summary>
public static class ShellCommand
{
    /// <summary>The Unix shell and its arguments for a command line.</summary>
    internal static IReadOnlyList<string> UnixArgv(string command) => ["/bin/sh", "-c", command];

    /// <summary>The shell and its arguments for a command line: <c>/bin/sh -c</c> or <c>cmd.exe /d /s /c</c>.</summary>
    public static ProcessStartInfo StartInfo(string command, string workDir, IReadOnlyDictionary<string, string?>? env)
    {
        ProcessStartInfo psi;
        if (OperatingSystem.IsWindows())
        {
            psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("ComSpec") ?? "cmd.exe") { Arguments = "/d /s /c \"" + command + "\"" };
        }
        else
        {
            var argv = UnixArgv(command);
            psi = new ProcessStartInfo(argv[0]);
            foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        }
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
        using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        log.WriteLine($"# {DateTime.Now:yyyy-MM-dd HH:mm:ss} in {workDir}: {command}");
        var code = Stream(command, workDir, env, (line, _) =>
        {
            lock (log) log.WriteLine(line);
            onLine?.Invoke(line);
        }, cancel);
        lock (log) log.WriteLine($"# exit code {code}");
        return code;
    }

    /// <summary>
    /// Runs <paramref name="command"/> to the end, handing each line of its output to <paramref name="onLine"/>
    /// (with <c>true</c> for stderr), and returns its exit code. Cancellation kills the whole process tree.
    /// </summary>
    public static int Stream(string command, string workDir, IReadOnlyDictionary<string, string?>? env,
        Action<string, bool> onLine, CancellationToken cancel = default)
    {
        if (!Directory.Exists(workDir))
            throw new WorktreeToolsException("WorkingDirectoryNotFound", ErrorKind.ObjectNotFound, $"Cannot run '{command}': the folder {workDir} does not exist.", workDir);
        var psi = StartInfo(command, workDir, env);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data, false); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data, true); };
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
        return p.ExitCode;
    }
}
