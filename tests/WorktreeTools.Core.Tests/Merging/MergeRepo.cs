using System.Diagnostics;
using System.Security.Cryptography;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;
using WorktreeTools.Testing;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>
/// The workflow document's setup as a real repository: a main checkout with a few files, a bare repository as
/// its remote, and one worktree + branch per issue (<c>../app-worktrees/issue-NNN</c>, <c>feature/issue-NNN</c>).
/// </summary>
internal sealed class MergeRepo : IDisposable
{
    public MergeRepo(bool withRemote = true)
    {
        Repo = new TestRepo();
        Repo.Write("src/a.txt", "a1\na2\na3\n");
        Repo.Write("src/b.txt", "b1\nb2\nb3\n");
        Repo.Write("src/c.txt", "c1\nc2\nc3\n");
        Repo.Write("migrations/0001_initial.sql", "create table t (id int);\n");
        Repo.Commit("base files");
        if (!withRemote) return;
        RemotePath = Path.Combine(Repo.Parent, "origin.git");
        TestRepo.Run(Repo.Parent, "init", "-q", "--bare", "-b", "main", "origin.git");
        Repo.Git("remote", "add", "origin", RemotePath);
        Repo.Git("push", "-q", "-u", "origin", "main");
    }

    public TestRepo Repo { get; }
    public string Root => Repo.Root;
    public string? RemotePath { get; }

    public string Git(params string[] args) => Repo.Git(args);
    public string Tip(string branch = "main") => Git("rev-parse", "refs/heads/" + branch);
    public string WorktreeOf(string issue) => Path.Combine(Repo.Parent, "app-worktrees", "issue-" + issue);

    /// <summary>Creates the issue's worktree and branch from main and commits each (file, content) change there, one commit each.</summary>
    public IssueToMerge Issue(string id, params (string File, string Content)[] commits)
    {
        var path = WorktreeOf(id);
        Git("worktree", "add", "-q", "-b", "feature/issue-" + id, path, "main");
        foreach (var (file, content) in commits) Commit(id, file, content, $"feat(issue-{id}): change {file}");
        return new IssueToMerge(id, "feature/issue-" + id, path);
    }

    public string Commit(string issue, string file, string content, string message)
    {
        var full = Path.Combine(WorktreeOf(issue), file);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return Repo.Commit(message, WorktreeOf(issue));
    }

    /// <summary>One commit in the issue's worktree writing every (file, content), as a generator such as drizzle-kit does.</summary>
    public string CommitFiles(string issue, string message, params (string File, string Content)[] files)
    {
        foreach (var (file, content) in files)
        {
            var full = Path.Combine(WorktreeOf(issue), file);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        return Repo.Commit(message, WorktreeOf(issue));
    }

    /// <summary>The file names under <paramref name="folder"/> on a branch, sorted.</summary>
    public List<string> Files(string folder, string branch = "main") =>
        Git("ls-tree", "-r", "--name-only", branch, "--", folder + "/").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p[(folder.Length + 1)..]).Order(StringComparer.Ordinal).ToList();

    /// <summary>The workflow document's three parallel issues, each touching a different file (101 with two commits).</summary>
    public IssueToMerge[] ThreeIssues() =>
    [
        Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"), ("src/new-101.txt", "new\n")),
        Issue("102", ("src/b.txt", "b1\nb2 by 102\nb3\n")),
        Issue("103", ("src/c.txt", "c1\nc2\nc3 by 103\n")),
    ];

    /// <summary>A repository whose main has a pnpm lockfile listing the dependencies in deps/.</summary>
    public static MergeRepo WithLockfile()
    {
        var repo = new MergeRepo();
        repo.Repo.Write("deps/react", "1\n");
        repo.Repo.Write("pnpm-lock.yaml", "react\n");
        repo.Repo.Commit("lockfile");
        return repo;
    }

    /// <summary>An issue that adds a dependency and updates the lockfile (two issues doing this conflict in the lockfile only).</summary>
    public IssueToMerge IssueAddingDependency(string issue, string dependency)
    {
        var i = Issue(issue);
        Commit(issue, "deps/" + dependency, "1\n", $"feat(issue-{issue}): add {dependency}");
        Commit(issue, "pnpm-lock.yaml", $"react\n{dependency}\n", $"feat(issue-{issue}): lock {dependency}");
        return i;
    }

    /// <summary>Lockfile settings whose regenerate command is a fake, deterministic "pnpm install": the sorted list of deps/.</summary>
    public LockfileSettings FakeRegenerate() =>
        new() { Regenerate = Command("merge.lockfiles.regenerate", Script("regen.sh", "ls deps | sort > pnpm-lock.yaml")) };

    public static WorktreeConfig Config(string root, MergeSettings? merge = null, HooksSettings? hooks = null) =>
        new() { RepositoryRoot = root, Merge = merge ?? new MergeSettings(), Hooks = hooks ?? new HooksSettings() };

    public MergeEngine Engine(MergeSettings? merge = null, IOperationHost? host = null, HooksSettings? hooks = null) =>
        new(Config(Root, merge, hooks), host ?? new TestHost());

    public MergeOptions Options(MergeStrategy? strategy = null) => new() { RepositoryRoot = Root, Strategy = strategy };

    public static ConfiguredCommand Command(string key, string text) => new(key, text, ConfigSource.User);

    /// <summary>Writes a shell script into the test's folder (outside the repository) and returns a command line running it.</summary>
    public string Script(string name, string body)
    {
        var path = Path.Combine(Repo.Parent, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        return $"sh '{path}'";
    }

    /// <summary>A clone of the remote, for playing "someone else pushed".</summary>
    public string PushFromElsewhere(string file, string content)
    {
        var other = Path.Combine(Repo.Parent, "other-" + Guid.NewGuid().ToString("N")[..6]);
        TestRepo.Run(Repo.Parent, "clone", "-q", "-b", "main", RemotePath!, other);
        File.WriteAllText(Path.Combine(other, file), content);
        TestRepo.Run(other, "add", "-A");
        TestRepo.Run(other, "commit", "-q", "-m", "pushed by someone else");
        TestRepo.Run(other, "push", "-q", "origin", "main");
        return TestRepo.Run(other, "rev-parse", "HEAD");
    }

    /// <summary>Everything about a checkout that a merge must not change: commit, index (entries and bytes), status, files.</summary>
    public static CheckoutSnapshot Snapshot(string dir)
    {
        var gitDir = TestRepo.Run(dir, "rev-parse", "--absolute-git-dir");
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + ".git" + Path.DirectorySeparatorChar) && !f.EndsWith(Path.DirectorySeparatorChar + ".git", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(dir, f) + "=" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
        return new CheckoutSnapshot(
            TestRepo.Run(dir, "rev-parse", "HEAD"),
            TestRepo.Run(dir, "ls-files", "-s"),
            TestRepo.Run(dir, "--no-optional-locks", "status", "--porcelain"),
            Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(gitDir, "index")))),
            string.Join("\n", files));
    }

    public string Refs() => Git("for-each-ref", "--format=%(refname) %(objectname)");

    public List<string> FirstParentSubjects(string range = "main") =>
        Git("log", "--first-parent", "--format=%s", range).Split('\n').ToList();

    public int ParentCount(string commit) => Git("rev-list", "--parents", "-n", "1", commit).Split(' ').Length - 1;

    public string StagingPath => StagingWorktree.PathFor(Root);

    /// <summary>No staging worktree, or one that is detached, clean and in the middle of nothing.</summary>
    public bool StagingIsClean()
    {
        if (!Directory.Exists(StagingPath)) return !Git("worktree", "list", "--porcelain").Contains("merge-staging");
        return TestRepo.Run(StagingPath, "status", "--porcelain") == ""
               && WorktreeStatus.InProgress(StagingPath) is null
               && TestRepo.Run(StagingPath, "rev-parse", "--abbrev-ref", "HEAD") == "HEAD";
    }

    /// <summary>A long-running process with its working directory in <paramref name="dir"/> (a dev server stand-in).</summary>
    public static Process StartSleeper(string dir)
    {
        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = dir, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("while true; do sleep 0.2; done");
        return Process.Start(psi)!;
    }

    public void Dispose() => Repo.Dispose();
}

internal sealed record CheckoutSnapshot(string Head, string Index, string Status, string IndexBytes, string Files);

/// <summary>An <see cref="IOperationHost"/> that records what the engine reports and answers ShouldProcess as told.</summary>
internal sealed class TestHost(bool shouldProcess = true) : IOperationHost
{
    public List<string> Progress { get; } = [];
    public List<string> Warnings { get; } = [];
    public CancellationTokenSource Cancel { get; } = new();

    void IOperationHost.Progress(int id, string activity, string status, int percent, bool completed)
    {
        lock (Progress) Progress.Add($"{percent}% {status}{(completed ? " (completed)" : "")}");
    }

    public void Verbose(string message) { }
    public void Warning(string message) { lock (Warnings) Warnings.Add(message); }
    public bool ShouldProcess(string target, string action) => shouldProcess;
    public CancellationToken Cancellation => Cancel.Token;
}
