using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace WorktreeTools.Core.Git;

/// <summary>The result of one git process.</summary>
public sealed record GitResult(int ExitCode, string Output, string Error)
{
    public bool Success => ExitCode == 0;
}

/// <summary>
/// Runs the git command line: arguments as a list (never a shell string), machine-readable output, no
/// colours, no quoted paths, no prompts. Everything that writes, honours hooks or config goes through here.
/// </summary>
public static partial class GitCli
{
    public static readonly Version MinimumVersion = new(2, 38);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Version> Checked = new();

    /// <summary>The git executable: <c>WORKTREE_TOOLS_GIT</c> if set, else <c>git</c> on PATH.</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable("WORKTREE_TOOLS_GIT") is { Length: > 0 } g ? g : "git";

    /// <summary>Checks once per process (and executable) that git exists and is new enough.</summary>
    public static Version EnsureVersion()
    {
        var executable = Executable;
        return Checked.TryGetValue(executable, out var v) ? v : Checked[executable] = CheckVersion(executable);
    }

    /// <summary>The version of <paramref name="executable"/>; <c>GitNotFound</c> or <c>GitTooOld</c> when it will not do.</summary>
    public static Version CheckVersion(string executable)
    {
        GitResult r;
        try { r = RunRaw(executable, Path.GetTempPath(), ["--version"], null, null); }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new WorktreeToolsException("GitNotFound", ErrorKind.NotInstalled,
                $"git was not found ({executable}). Install git {MinimumVersion} or newer and make sure it is on PATH.", executable, ex);
        }
        var m = VersionRegex().Match(r.Output);
        if (!m.Success)
            throw new WorktreeToolsException("GitNotFound", ErrorKind.NotInstalled, $"'{executable} --version' did not print a git version: {r.Output.Trim()}", executable);
        var v = new Version(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
        if (v < MinimumVersion)
            throw new WorktreeToolsException("GitTooOld", ErrorKind.NotInstalled,
                $"git {v} is too old: WorktreeTools needs git {MinimumVersion} or newer (for 'git merge-tree --write-tree'). Please upgrade git.", executable);
        return v;
    }

    /// <summary>Told of every git command before it starts (its folder and arguments): tests count what an operation runs.</summary>
    internal static event Action<string, IReadOnlyList<string>>? Starting;

    /// <summary>Runs git in <paramref name="workDir"/>; a non-zero exit throws <c>GitCommandFailed</c> unless <paramref name="check"/> is false.</summary>
    public static GitResult Run(string workDir, IEnumerable<string> args, bool check = true, string? stdin = null,
        IReadOnlyDictionary<string, string?>? env = null)
    {
        EnsureVersion();
        var list = args.ToList();
        Starting?.Invoke(workDir, list);
        var result = RunRaw(Executable, workDir, ["-c", "core.quotepath=false", "-c", "color.ui=false", .. list], stdin, env);
        if (check && !result.Success)
            throw new WorktreeToolsException("GitCommandFailed", ErrorKind.InvalidOperation,
                $"git {string.Join(' ', list)} failed (exit {result.ExitCode}): {result.Error.Trim()}", workDir);
        return result;
    }

    /// <summary>A read that must never take the index lock away from the user.</summary>
    public static GitResult Read(string workDir, IEnumerable<string> args, bool check = true, string? stdin = null) =>
        Run(workDir, ["--no-optional-locks", .. args], check, stdin);

    private static GitResult RunRaw(string executable, string workDir, IReadOnlyList<string> args, string? stdin, IReadOnlyDictionary<string, string?>? env)
    {
        var psi = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["GIT_EDITOR"] = "true";
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            var writer = Task.Run(() => { p.StandardInput.Write(stdin); p.StandardInput.Close(); });
            var output = p.StandardOutput.ReadToEnd();
            writer.Wait();
            p.WaitForExit();
            return new GitResult(p.ExitCode, output, stderr.Result);
        }
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new GitResult(p.ExitCode, stdout, stderr.Result);
    }

    [GeneratedRegex(@"git version (\d+)\.(\d+)")]
    private static partial Regex VersionRegex();
}
