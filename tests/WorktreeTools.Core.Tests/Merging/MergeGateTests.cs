using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Merging;
using WorktreeTools.Core.Processes;
using WorktreeTools.Merging;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>
/// The gate tests exactly what will land: the staging checkout holds the tested commit, the dependencies its
/// lockfile names (installed by real npm when they changed) and nothing else; its processes end with it.
/// </summary>
public sealed class MergeGateTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(90);

    /// <summary>
    /// A repository whose main is an npm project needing dep-a and dep-b, pushed to its remote; its detected install
    /// (npm install) approved as a user would (Approve-WorktreeConfig) unless <paramref name="approve"/> is false.
    /// </summary>
    private static MergeRepo NpmRepo(bool approve = true)
    {
        var repo = new MergeRepo();
        NpmProject.Create(repo.Root, "dep-a", "dep-b");
        repo.Repo.Commit("npm project");
        repo.Git("push", "-q", "origin", "main");
        var config = MergeRepo.Config(repo.Root);
        if (approve) new TrustStore().Approve(config, RepositoryCommands.All(config, repo.Root));
        return repo;
    }

    /// <summary>Every commit main was moved to (its reflog), newest first, down to <paramref name="start"/>.</summary>
    internal static List<string> BaseTips(MergeRepo repo, string start) =>
        repo.Git("reflog", "--format=%H", "refs/heads/main").Split('\n').TakeWhile(c => c != start).Distinct().ToList();

    [Fact]
    public void A_dependency_an_issue_removes_is_gone_from_the_gate_and_the_base_does_not_move()
    {
        using var repo = NpmRepo();
        var start = repo.Tip();
        var first = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        var removal = repo.Issue("102");
        // The issue drops dep-b as "unused" although the tests still need it.
        NpmProject.WritePackageJson(repo.WorktreeOf("102"), ["dep-a"]);
        NpmProject.Npm(repo.WorktreeOf("102"), "install");
        repo.Repo.Commit("chore(issue-102): drop dep-b", repo.WorktreeOf("102"));
        var landed = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Test = "npm test", Push = true }, first);
        Assert.Equal(MergeStatus.Merged, landed.Status);   // the first run installs what the merged result needs
        var third = repo.Issue("103", ("src/c.txt", "c1\nc2\nc3 by 103\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { Test = "npm test", Push = true, ContinueOnError = true }, [removal, third]);

        Assert.Equal([MergeStatus.TestFailed, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Contains("Cannot find module 'dep-b'", File.ReadAllText(results[0].LogPath!));
        Assert.NotEqual(0, results[0].TestExitCode);
        Assert.Contains("\"dep-b\"", repo.Git("show", "main:package.json"));
        Assert.Equal(repo.Tip(), repo.Git("ls-remote", "origin", "refs/heads/main").Split('\t')[0]);
        Assert.Equal(0, landed.TestExitCode);
        Assert.Contains("all tests passed", File.ReadAllText(landed.LogPath!));
        // What the queue put on main passes the same test in a fresh clone, as a colleague would run it.
        var tips = BaseTips(repo, start);
        Assert.Equal(2, tips.Count);
        foreach (var tip in tips)
        {
            var (code, output) = NpmProject.TestFreshClone(repo.RemotePath!, tip);
            Assert.True(code == 0, $"a fresh clone of {tip} fails npm test: {output}");
        }
    }

    [Fact]
    public void Installed_dependencies_are_reused_until_something_that_decides_them_changes()
    {
        using var repo = NpmRepo();
        var counter = Path.Combine(repo.Repo.Parent, "installs.txt");
        var install = MergeRepo.Command("setup.install", $"npm install && echo installed >> '{counter}'");
        var engine = new MergeEngine(new WorktreeConfig { RepositoryRoot = repo.Root, Setup = new SetupSettings { Install = install } }, new TestHost());
        var options = repo.Options(MergeStrategy.Merge) with { Test = "npm test" };
        int Installs() => File.Exists(counter) ? File.ReadAllLines(counter).Length : 0;

        Assert.Equal(MergeStatus.Merged, engine.Merge(options, repo.Issue("101", ("src/a.txt", "a by 101\n"))).Status);
        Assert.Equal(1, Installs());
        Assert.Equal(MergeStatus.Merged, engine.Merge(options, repo.Issue("102", ("src/b.txt", "b by 102\n"))).Status);
        Assert.Equal(1, Installs());   // nothing that decides the dependencies changed: node_modules is reused

        var adding = repo.Issue("103");
        NpmProject.Pack(repo.WorktreeOf("103"), "dep-c");
        NpmProject.WritePackageJson(repo.WorktreeOf("103"), ["dep-a", "dep-b", "dep-c"]);
        NpmProject.WriteTest(repo.WorktreeOf("103"), ["dep-a", "dep-b", "dep-c"]);
        NpmProject.Npm(repo.WorktreeOf("103"), "install");
        repo.Repo.Commit("feat(issue-103): use dep-c", repo.WorktreeOf("103"));
        Assert.Equal(MergeStatus.Merged, engine.Merge(options, adding).Status);
        Assert.Equal(2, Installs());
    }

    [Fact]
    public void A_failing_install_is_InstallFailed_with_its_own_log_and_the_base_does_not_move()
    {
        using var repo = NpmRepo();
        var broken = repo.Issue("101");
        File.WriteAllText(Path.Combine(repo.WorktreeOf("101"), "package.json"),
            "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"scripts\":{\"test\":\"node test.js\"},\"dependencies\":{\"dep-a\":\"file:vendor/nowhere-1.0.0.tgz\"}}\n");
        repo.Repo.Commit("feat(issue-101): a dependency that does not exist", repo.WorktreeOf("101"));
        var before = repo.Tip();

        var result = repo.Engine().Merge(repo.Options() with { Test = "npm test" }, broken);

        Assert.Equal(MergeStatus.InstallFailed, result.Status);
        Assert.Null(result.TestExitCode);
        Assert.Contains("install-", Path.GetFileName(result.LogPath!));
        Assert.Contains("nowhere-1.0.0.tgz", File.ReadAllText(result.LogPath!));
        Assert.DoesNotContain("all tests passed", File.ReadAllText(result.LogPath!));
        Assert.Equal(before, repo.Tip());
    }

    [Fact]
    public void Files_an_earlier_gate_run_left_are_gone_before_the_next_one_ignored_files_included()
    {
        using var repo = new MergeRepo();
        repo.Repo.Write(".gitignore", "out/\n");
        repo.Repo.Commit("ignore build output");
        var issues = repo.ThreeIssues();
        // A test that leaves build output behind, and fails when it finds some it did not write itself.
        var gate = repo.Script("gate.sh", "test ! -e out/report.txt && test ! -e stray.txt && mkdir -p out && echo done > out/report.txt && echo x > stray.txt");

        var results = repo.Engine().Train(repo.Options() with { Test = gate, BatchSize = 1 }, issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal(3, results.Select(r => r.TestRun).Distinct().Count());
    }

    [Fact]
    public void A_configured_install_from_the_repository_file_must_be_approved_before_anything_happens()
    {
        using var repo = NpmRepo(approve: false);
        var issue = repo.Issue("101", ("src/a.txt", "a by 101\n"));
        var config = new WorktreeConfig
        {
            RepositoryRoot = repo.Root,
            Setup = new SetupSettings { Install = new ConfiguredCommand("setup.install", "npm install", ConfigSource.Repository) },
        };
        var refs = repo.Refs();

        var ex = Assert.Throws<WorktreeToolsException>(() => new MergeEngine(config, new TestHost()).Merge(repo.Options() with { Test = "npm test" }, issue));

        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Equal(refs, repo.Refs());
        Assert.False(Directory.Exists(repo.StagingPath));
    }

    [Fact]
    public void The_detected_install_runs_in_the_gate_only_once_approved()
    {
        using var repo = NpmRepo(approve: false);
        var issue = repo.Issue("101", ("src/a.txt", "a by 101\n"));
        var refs = repo.Refs();

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options() with { Test = "npm test" }, issue));

        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Contains("npm install", ex.Message);
        Assert.Equal(refs, repo.Refs());
        Assert.False(Directory.Exists(repo.StagingPath));
    }

    [Fact]
    public void A_gate_that_leaves_a_background_child_holding_its_output_ends_it_and_goes_on()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var pidFile = Path.Combine(repo.Repo.Parent, "background.pid");
        // The shell exits at once; its child keeps the output pipe open for five minutes.
        var gate = repo.Script("gate.sh", $"sleep 300 & echo $! > '{pidFile}'; echo started");

        var merge = Task.Run(() => repo.Engine().Merge(repo.Options() with { Test = gate }, issue));

        Assert.True(merge.Wait(HangGuard), "the merge waited for the gate's background child");
        Assert.Equal(MergeStatus.Merged, merge.Result.Status);
        Assert.Null(ProcessIdentity.Of(int.Parse(File.ReadAllText(pidFile).Trim())));
        Assert.Empty(FolderProcesses.Find(repo.StagingPath));
    }

    [Fact]
    public void TestTimeout_ends_the_gates_whole_tree_and_counts_as_a_failure()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var pidFile = Path.Combine(repo.Repo.Parent, "background.pid");
        var gate = repo.Script("gate.sh", $"(trap '' TERM; sleep 300) & echo $! > '{pidFile}'; sleep 300");
        var before = repo.Tip();

        var merge = Task.Run(() => repo.Engine().Merge(repo.Options() with { Test = gate, TestTimeout = TimeSpan.FromSeconds(2) }, issue));

        Assert.True(merge.Wait(HangGuard), "the gate was not ended at its timeout");
        Assert.Equal(MergeStatus.TestFailed, merge.Result.Status);
        Assert.Null(merge.Result.TestExitCode);
        Assert.Contains("did not finish within", merge.Result.Message);
        Assert.Null(ProcessIdentity.Of(int.Parse(File.ReadAllText(pidFile).Trim())));
        Assert.Empty(FolderProcesses.Find(repo.StagingPath));
        Assert.Equal(before, repo.Tip());
    }

    [Fact]
    public void Cancelling_during_the_gate_ends_its_whole_tree_at_once()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var pidFile = Path.Combine(repo.Repo.Parent, "background.pid");
        // A child that outlives its parent shell and keeps the output pipe: Ctrl+C must not wait for it.
        var gate = repo.Script("gate.sh", $"sh -c 'sleep 300 & echo $! > \"{pidFile}\"'; sleep 300");
        var host = new TestHost();
        var before = MergeRepo.Snapshot(repo.Root);
        var watcher = Task.Run(async () =>
        {
            while (!File.Exists(pidFile) || File.ReadAllText(pidFile).Length == 0) await Task.Delay(20);
            host.Cancel.Cancel();
        });

        var merge = Task.Run(() => repo.Engine(host: host).Merge(repo.Options() with { Test = gate }, issue));

        Assert.True(watcher.Wait(HangGuard) && merge.ContinueWith(_ => { }).Wait(HangGuard), "Ctrl+C waited for the gate's background child");
        Assert.IsAssignableFrom<OperationCanceledException>(merge.Exception!.InnerException);
        Assert.Null(ProcessIdentity.Of(int.Parse(File.ReadAllText(pidFile).Trim())));
        Assert.Empty(FolderProcesses.Find(repo.StagingPath));
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
    }

    [Fact]
    public void A_merge_killed_during_its_gate_leaves_no_gate_process_for_the_next_one()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var pidFile = Path.Combine(repo.Repo.Parent, "background.pid");
        var gate = repo.Script("gate.sh", $"sleep 300 & echo $! > '{pidFile}'; sleep 300");

        using (var child = MergeChildProcess.Start(repo.Root, gate, issues[..1]))
            MergeChildProcess.KillWhen(child, () => File.Exists(pidFile) && File.ReadAllText(pidFile).Length > 0, entireTree: false);   // its gate keeps running
        var survivor = ProcessIdentity.Of(int.Parse(File.ReadAllText(pidFile).Trim()));
        Assert.NotNull(survivor);
        Assert.NotEmpty(FolderProcesses.Find(repo.StagingPath));

        var results = repo.Engine().Train(repo.Options() with { NoTest = true }, issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.False(survivor.IsAlive());
        Assert.Empty(FolderProcesses.Find(repo.StagingPath));
    }
}
