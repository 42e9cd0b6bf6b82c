using WorktreeTools.Core.Config;
using WorktreeTools.Core.Tests.Processes;
using WorktreeTools.Merging;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>
/// A real pnpm (9.9.0, installed from the npm registry once per test run, never skipped: no pnpm is a failure), first
/// on the PATH of every process the engine starts. Its home, store, cache and state stay in the test run's temp folder.
/// </summary>
public sealed class PnpmFixture
{
    private const string Package = "pnpm@9.9.0";

    public PnpmFixture()
    {
        var root = Path.Combine(TestEnvironment.Root, "pnpm");
        var home = Path.Combine(root, "home");
        var (code, output) = NpmProject.TryRun("npm", TestEnvironment.Root, "install", "--prefix", Path.Combine(root, "tool"), Package, "--no-audit", "--no-fund");
        if (code != 0) throw new InvalidOperationException($"These tests need a real pnpm, and 'npm install {Package}' failed (exit {code}); is the npm registry reachable? {output}");
        // pnpm on PATH is this wrapper: the real pnpm with everything it keeps in a home of its own.
        var bin = Path.Combine(root, "bin");
        Directory.CreateDirectory(bin);
        Pnpm = Path.Combine(bin, "pnpm");
        File.WriteAllText(Pnpm, $"""
            #!/bin/sh
            export HOME='{home}' PNPM_HOME='{home}/pnpm' XDG_DATA_HOME='{home}/data' XDG_CACHE_HOME='{home}/cache' XDG_STATE_HOME='{home}/state' XDG_CONFIG_HOME='{home}/config' npm_config_store_dir='{root}/store'
            exec '{Path.Combine(root, "tool", "node_modules", ".bin", "pnpm")}' "$@"

            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Pnpm, File.GetUnixFileMode(Pnpm) | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("PATH", bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"));
        StorePath = Path.Combine(root, "store");
    }

    /// <summary>The pnpm wrapper the PATH finds first.</summary>
    public string Pnpm { get; }

    public string StorePath { get; }

    /// <summary>Runs pnpm in <paramref name="dir"/>; throws with its output when it fails.</summary>
    public string Run(string dir, params string[] args)
    {
        var (code, output) = NpmProject.TryRun(Pnpm, dir, args);
        return code == 0 ? output : throw new InvalidOperationException($"pnpm {string.Join(' ', args)} failed in {dir} (exit {code}): {output}");
    }
}

/// <summary>
/// The README's headline, <c>Get-IssueWorktree | Merge-IssueWorktree -Test 'pnpm test'</c>, with a real pnpm: the gate
/// installs what the merged result's pnpm-lock.yaml names (with the detected <c>pnpm install</c>, approved as a user
/// would) and tests exactly that; what it lands passes in a fresh clone.
/// </summary>
public sealed class PnpmGateTests(PnpmFixture pnpm) : IClassFixture<PnpmFixture>
{
    /// <summary>
    /// A repository whose main is a pnpm project: dep-a and dep-b are local packages (<c>file:packages/…</c>, no
    /// registry), <c>pnpm test</c> requires both, pnpm-lock.yaml is written by pnpm install; its install is approved.
    /// </summary>
    private MergeRepo PnpmRepo()
    {
        var repo = new MergeRepo();
        foreach (var dep in new[] { "dep-a", "dep-b" })
        {
            repo.Repo.Write($"packages/{dep}/package.json", $"{{\"name\":\"{dep}\",\"version\":\"1.0.0\",\"main\":\"index.js\"}}\n");
            repo.Repo.Write($"packages/{dep}/index.js", $"module.exports = () => '{dep}';\n");
        }
        repo.Repo.Write("package.json",
            "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"scripts\":{\"test\":\"node test.js\"},\"dependencies\":{\"dep-a\":\"file:packages/dep-a\",\"dep-b\":\"file:packages/dep-b\"}}\n");
        NpmProject.WriteTest(repo.Root, ["dep-a", "dep-b"]);
        pnpm.Run(repo.Root, "install");
        Assert.True(File.Exists(Path.Combine(repo.Root, "pnpm-lock.yaml")));
        repo.Repo.Commit("pnpm project");
        repo.Git("push", "-q", "origin", "main");
        var config = MergeRepo.Config(repo.Root);
        new TrustStore().Approve(config, RepositoryCommands.All(config, repo.Root));
        return repo;
    }

    /// <summary>Every commit the queue moved main to passes <c>pnpm install --frozen-lockfile &amp;&amp; pnpm test</c> in a fresh clone.</summary>
    private static void EveryBaseTipPassesInAFreshClone(MergeRepo repo, string start, int expected)
    {
        var tips = MergeGateTests.BaseTips(repo, start);
        Assert.Equal(expected, tips.Count);
        foreach (var tip in tips)
        {
            var (code, output) = NpmProject.TryRun("sh", NpmProject.FreshClone(repo.RemotePath!, tip), "-c", "pnpm install --frozen-lockfile && pnpm test");
            Assert.True(code == 0, $"a fresh clone of {tip} fails pnpm test: {output}");
            Assert.Contains("all tests passed", output);
        }
    }

    [LinuxFact]
    public void The_headline_passes_on_a_first_run_with_nothing_installed_in_staging()
    {
        using var repo = PnpmRepo();
        var start = repo.Tip();
        var issues = repo.ThreeIssues();
        Assert.False(Directory.Exists(repo.StagingPath));

        var results = repo.Engine().Train(repo.Options() with { Test = "pnpm test", Push = true }, issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.All(results, r => Assert.Equal(0, r.TestExitCode));
        Assert.Contains("all tests passed", File.ReadAllText(results[^1].LogPath!));
        Assert.Equal(repo.Tip(), repo.Git("ls-remote", "origin", "refs/heads/main").Split('\t')[0]);
        Assert.True(Directory.Exists(Path.Combine(repo.StagingPath, "node_modules", ".pnpm")), "the gate's install was not pnpm's");
        Assert.True(Directory.Exists(pnpm.StorePath), "pnpm's store is not in the test's folder");
        EveryBaseTipPassesInAFreshClone(repo, start, 1);
    }

    [LinuxFact]
    public void A_dependency_an_issue_pnpm_removes_is_gone_from_the_gate_and_the_base_does_not_move()
    {
        using var repo = PnpmRepo();
        var start = repo.Tip();
        var first = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        var removal = repo.Issue("102");
        // The issue drops dep-b as "unused" although the tests still need it.
        pnpm.Run(repo.WorktreeOf("102"), "remove", "dep-b");
        Assert.DoesNotContain("dep-b", File.ReadAllText(Path.Combine(repo.WorktreeOf("102"), "pnpm-lock.yaml")));
        var drop = repo.Repo.Commit("chore(issue-102): drop dep-b", repo.WorktreeOf("102"));
        // A green gate run first: staging then holds node_modules with dep-b, which must not hide the removal.
        var landed = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Test = "pnpm test", Push = true }, first);
        Assert.Equal(MergeStatus.Merged, landed.Status);
        Assert.True(Directory.Exists(Path.Combine(repo.StagingPath, "node_modules", "dep-b")));
        var third = repo.Issue("103", ("src/c.txt", "c1\nc2\nc3 by 103\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { Test = "pnpm test", Push = true, ContinueOnError = true }, [removal, third]);

        Assert.Equal([MergeStatus.TestFailed, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Contains("Cannot find module 'dep-b'", File.ReadAllText(results[0].LogPath!));
        Assert.NotEqual(0, results[0].TestExitCode);
        Assert.DoesNotContain(drop, repo.Git("rev-list", "main"));
        Assert.Contains("dep-b", repo.Git("show", "main:pnpm-lock.yaml"));
        Assert.Equal(repo.Tip(), repo.Git("ls-remote", "origin", "refs/heads/main").Split('\t')[0]);
        EveryBaseTipPassesInAFreshClone(repo, start, 2);
    }

    [LinuxFact]
    public void A_change_to_a_local_package_pnpm_copied_into_node_modules_is_what_the_gate_tests()
    {
        using var repo = PnpmRepo();
        var first = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        // The issue breaks the local package itself: no manifest or lockfile changes, pnpm links its files into node_modules.
        var breaking = repo.Issue("102", ("packages/dep-b/index.js", "module.exports = () => 'broken';\n"));
        Assert.Equal(MergeStatus.Merged, repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Test = "pnpm test" }, first).Status);
        var before = repo.Tip();

        var result = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Test = "pnpm test" }, breaking);

        Assert.Equal(MergeStatus.TestFailed, result.Status);
        Assert.Equal(2, result.TestExitCode);
        Assert.Equal(before, repo.Tip());
    }
}
