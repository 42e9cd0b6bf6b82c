using System.Diagnostics;
using System.Text.Json;

namespace WorktreeTools.Core.Processes;

/// <summary>What <see cref="DetachedRunner"/> runs, written as JSON next to the exit file.</summary>
internal sealed record RunnerSpec(string FileName, string? Arguments, IReadOnlyList<string>? ArgumentList, string WorkingDirectory, string LogPath, string ExitFile);

/// <summary>
/// The Windows wrapper (Unix uses a shell script): runs a program with stdout and stderr appended to the log,
/// then writes its exit code to the exit file. It runs in a hidden PowerShell process started by
/// <see cref="WindowsLauncher"/>, so it outlives the session that started it. Plain .NET, so it is tested on any platform.
/// </summary>
public static class DetachedRunner
{
    /// <summary>Runs the spec at <paramref name="specPath"/> to the end and returns the exit code.</summary>
    public static int Run(string specPath)
    {
        var spec = JsonSerializer.Deserialize<RunnerSpec>(File.ReadAllText(specPath))!;
        int code;
        using (var log = new FileStream(spec.LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            code = RunLogged(spec, log);
            Write(log, $"# exit code {code}\n");
        }
        File.WriteAllText(spec.ExitFile + ".tmp", code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(spec.ExitFile + ".tmp", spec.ExitFile, overwrite: true);
        return code;
    }

    internal static void WriteSpec(string specPath, RunnerSpec spec) => File.WriteAllText(specPath, JsonSerializer.Serialize(spec));

    private static int RunLogged(RunnerSpec spec, FileStream log)
    {
        var psi = new ProcessStartInfo(spec.FileName)
        {
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (spec.Arguments is not null) psi.Arguments = spec.Arguments;
        foreach (var a in spec.ArgumentList ?? []) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var pumps = new[] { Pump(p.StandardOutput.BaseStream, log), Pump(p.StandardError.BaseStream, log) };
            p.WaitForExit();
            Task.WaitAll(pumps);
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Write(log, $"# could not start {spec.FileName}: {ex.Message}\n");
            return 127;
        }
    }

    private static async Task Pump(Stream from, FileStream log)
    {
        var buffer = new byte[8192];
        int n;
        while ((n = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            lock (log)
            {
                log.Write(buffer, 0, n);
                log.Flush();
            }
    }

    private static void Write(FileStream log, string text)
    {
        lock (log)
        {
            log.Write(System.Text.Encoding.UTF8.GetBytes(text));
            log.Flush();
        }
    }
}
