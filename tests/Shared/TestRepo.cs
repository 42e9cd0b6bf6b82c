using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace WorktreeTools.Testing;

/// <summary>
/// Test-wide environment: an isolated WorktreeTools home and a git identity, set once per test process so
/// that every child process (git, dev servers, agents) inherits them.
/// </summary>
public static class TestEnvironment
{
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "wtt-tests-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..6]);

    [ModuleInitializer]
    public static void Init()
    {
        Directory.CreateDirectory(Root);
        var gitConfig = Path.Combine(Root, "gitconfig");
        File.WriteAllText(gitConfig, "[user]\n\tname = Test User\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[advice]\n\tdetachedHead = false\n");
        Environment.SetEnvironmentVariable("GIT_CONFIG_GLOBAL", gitConfig);
        Environment.SetEnvironmentVariable("GIT_CONFIG_NOSYSTEM", "1");
        Environment.SetEnvironmentVariable("WORKTREE_TOOLS_HOME", Path.Combine(Root, "home"));
        Environment.SetEnvironmentVariable("WORKTREE_TOOLS_CONFIG", Path.Combine(Root, "home", "config.yml"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { TestRepo.ForceDelete(Root); } catch (Exception) { } };
    }

    public static string RepoRoot
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "WorktreeTools.sln"))) dir = Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("WorktreeTools.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string ManifestPath => Path.Combine(RepoRoot, "WorktreeTools.psd1");
}

/// <summary>A real git repository in a temporary folder, deleted at the end of the test.</summary>
public sealed class TestRepo : IDisposable
{
    public TestRepo(string name = "app", bool commit = true)
    {
        Parent = Path.Combine(TestEnvironment.Root, Guid.NewGuid().ToString("N")[..8]);
        Root = System.IO.Path.Combine(Parent, name);
        Directory.CreateDirectory(Root);
        Git("init", "-q", "-b", "main");
        if (commit)
        {
            Write("README.md", "# test\n");
            Write(".gitignore", ".env\ndata/*.db\nnode_modules/\n");
            Commit("initial");
        }
    }

    /// <summary>The folder that holds the repository (worktrees go to a sibling by default).</summary>
    public string Parent { get; }
    public string Root { get; }

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Root, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Commits everything in <paramref name="dir"/> (default: the repository) and returns the commit id.</summary>
    public string Commit(string message, string? dir = null)
    {
        Run(dir ?? Root, "add", "-A");
        Run(dir ?? Root, "commit", "-q", "--allow-empty", "-m", message);
        return Run(dir ?? Root, "rev-parse", "HEAD");
    }

    /// <summary>Runs git in the repository and returns its trimmed output.</summary>
    public string Git(params string[] args) => Run(Root, args);

    public static string Run(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed in {dir}: {err.Result}");
        return output.Trim();
    }

    public void Dispose()
    {
        try { ForceDelete(Parent); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static void ForceDelete(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            File.SetAttributes(f, FileAttributes.Normal);
        Directory.Delete(dir, recursive: true);
    }
}
