using System.Diagnostics;
using System.Text;

namespace WorktreeTools.Core.Processes;

/// <summary>How a <see cref="TreeCommand"/> ended: its exit code, or a timeout (the tree was ended).</summary>
public sealed record TreeCommandOutcome(int? ExitCode, bool TimedOut);

/// <summary>
/// Runs one command line (the merge gate's install and test) to the end, in a process tree of its own, and ends that
/// whole tree when the command ends, times out or is cancelled: nothing it started in the background survives it, and
/// a background child that keeps the output pipe open cannot make the caller wait. On Linux the command leads a new
/// session (<c>setsid</c>), so even children whose parent already exited are found by their process group; elsewhere
/// the tree is found through parent links. Output goes to <paramref name="logPath"/> with the same header and
/// trailer as <see cref="ShellCommand.Run"/>.
/// </summary>
public static class TreeCommand
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(2);

    public static TreeCommandOutcome Run(string command, string workDir, IReadOnlyDictionary<string, string?>? env, string logPath,
        TimeSpan? timeout, CancellationToken cancel)
    {
        if (!Directory.Exists(workDir))
            throw new WorktreeToolsException("WorkingDirectoryNotFound", ErrorKind.ObjectNotFound, $"Cannot run '{command}': the folder {workDir} does not exist.", workDir);
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        log.WriteLine($"# {DateTime.Now:yyyy-MM-dd HH:mm:ss} in {workDir}: {command}");

        var psi = ShellCommand.StartInfo(command, workDir, env);
        if (OperatingSystem.IsLinux() && Executables.Find("setsid") is { } setsid)
        {
            // The child of a non-leader execs setsid(2) directly: the pid we get leads the new session and group.
            psi.ArgumentList.Insert(0, psi.FileName);
            psi.FileName = setsid;
        }
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        using var p = new Process { StartInfo = psi };
        try { p.Start(); }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new WorktreeToolsException("CommandStartFailed", ErrorKind.NotInstalled, $"Could not start '{command}': {ex.Message}", command, ex);
        }
        var root = ProcessIdentity.Of(p.Id) ?? ProcessIdentity.Vanished(p.Id);
        p.StandardInput.Close();
        var pumps = new[] { Pump(p.StandardOutput, log), Pump(p.StandardError, log) };

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (timeout is { } t) limit.CancelAfter(t);
        var ended = true;
        try { p.WaitForExitAsync(limit.Token).GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { ended = false; }

        // Whatever is left of the tree (background children, or all of it on a timeout or Ctrl+C) ends now.
        var stop = ProcessTree.Stop(root, Grace);
        Task.WaitAll(pumps, DrainWait);
        var code = ended ? p.ExitCode : (int?)null;
        lock (log)
        {
            if (stop.Stopped.Count > 0) log.WriteLine($"# ended {stop.Stopped.Count} process(es) of the command's tree that were still running");
            log.WriteLine(code is { } c ? $"# exit code {c}" : cancel.IsCancellationRequested ? "# stopped" : $"# timed out after {timeout}");
        }
        cancel.ThrowIfCancellationRequested();
        return new TreeCommandOutcome(code, TimedOut: !ended);
    }

    private static async Task Pump(StreamReader reader, StreamWriter log)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
                lock (log) log.WriteLine(line);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException) { }
    }
}
