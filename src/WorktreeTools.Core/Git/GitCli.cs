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
    private static Version? _version;
    private static readonly object VersionLock = new();

    /// <summary>The git executable: <c>WORKTREE_TOOLS_GIT</c> if set, else <c>git</c> on PATH.</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable("WORKTREE_TOOLS_GIT") is { Length: > 0 } g ? g : "git";

    /// <summary>Checks once per process that git exists and is new enough.</summary>
    public static Version EnsureVersion()
    {
        lock (VersionLock)
        {
            if (_version is not null) return _version;
            GitResult r;
            try { r = RunRaw(Environment.CurrentDirectory, ["--version"], null, null); }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new WorktreeToolsException("GitNotFound", ErrorKind.NotInstalled,
                    $"git was not found ({Executable}). Install git {MinimumVersion} or newer and make sure it is on PATH.", Executable, ex);
            }
            var m = VersionRegex().Match(r.Output);
            if (!m.Success)
                throw new WorktreeToolsException("GitNotFound", ErrorKind.NotInstalled, $"'{Executable} --version' did not print a git version: {r.Output.Trim()}", Executable);
            var v = new Version(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
            if (v < MinimumVersion)
                throw new WorktreeToolsException("GitTooOld", ErrorKind.NotInstalled,
                    $"git {v} is too old: WorktreeTools needs git {MinimumVersion} or newer (for 'git merge-tree --write-tree'). Please upgrade git.", Executable);
            return _version = v;
        }
    }

    /// <summary>Runs git in <paramref name="workDir"/>; a non-zero exit throws <c>GitCommandFailed</c> unless <paramref name="check"/> is false.</summary>
    public static GitResult Run(string workDir, IEnumerable<string> args, bool check = true, string? stdin = null,
        IReadOnlyDictionary<string, string?>? env = null)
    {
        EnsureVersion();
        var list = args.ToList();
        var result = RunRaw(workDir, ["-c", "core.quotepath=false", "-c", "color.ui=false", .. list], stdin, env);
        if (check && !result.Success)
            throw new WorktreeToolsException("GitCommandFailed", ErrorKind.InvalidOperation,
                $"git {string.Join(' ', list)} failed (exit {result.ExitCode}): {result.Error.Trim()}", workDir);
        return result;
    }

    /// <summary>A read that must never take the index lock away from the user.</summary>
    public static GitResult Read(string workDir, IEnumerable<string> args, bool check = true, string? stdin = null) =>
        Run(workDir, ["--no-optional-locks", .. args], check, stdin);

    private static GitResult RunRaw(string workDir, IReadOnlyList<string> args, string? stdin, IReadOnlyDictionary<string, string?>? env)
    {
        var psi = new ProcessStartInfo(Executable)
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
