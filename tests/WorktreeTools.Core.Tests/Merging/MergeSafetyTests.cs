using WorktreeTools.Configuration;
using WorktreeTools.Core.Merging;
using WorktreeTools.Core.State;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>A merge that fails leaves the base and the user's checkout exactly as they were; the checkout is never overwritten.</summary>
public sealed class MergeSafetyTests
{
    private static (IssueToMerge A, IssueToMerge B) SameLine(MergeRepo repo) =>
        (repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n")), repo.Issue("102", ("src/c.txt", "c1\nc2\nc3 by 102\n"), ("src/a.txt", "a1 by 102\na2\na3\n")));

    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Squash)]
    [InlineData(MergeStrategy.Rebase)]
    [InlineData(MergeStrategy.CherryPick)]
    public void A_real_conflict_is_reported_and_main_stays_byte_for_byte_unchanged(MergeStrategy strategy)
    {
        using var repo = new MergeRepo();
        var (a, b) = SameLine(repo);
        repo.Engine().Merge(repo.Options(strategy), a);
        File.WriteAllText(Path.Combine(repo.Root, "README.md"), "# local edit, not committed\n");
        File.WriteAllText(Path.Combine(repo.Root, "notes.txt"), "untracked\n");
        var before = MergeRepo.Snapshot(repo.Root);
        var refs = repo.Refs();

        var result = repo.Engine().Merge(repo.Options(strategy), b);

        Assert.Equal(MergeStatus.Conflicted, result.Status);
        Assert.Equal(["src/a.txt"], result.ConflictFiles);
        Assert.Equal(result.BaseBefore, result.BaseAfter);
        if (strategy is MergeStrategy.Rebase or MergeStrategy.CherryPick)
            Assert.Equal(repo.Tip("feature/issue-102"), result.ConflictCommit);
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
        Assert.Equal(refs, repo.Refs());
        Assert.True(repo.StagingIsClean());
    }

    [Fact]
    public void A_failing_test_gate_leaves_main_unchanged_and_ContinueOnError_merges_the_others()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var gate = repo.Script("gate.sh", """
            test -f src/a.txt || exit 9    # runs in a checkout of the merged result
            if grep -q "by 102" src/b.txt; then echo "102 breaks the build"; exit 3; fi
            """);
        var host = new TestHost();

        var results = repo.Engine(host: host).Train(repo.Options(MergeStrategy.Merge) with { Test = gate, ContinueOnError = true }, issues);

        Assert.Equal([MergeStatus.Merged, MergeStatus.TestFailed, MergeStatus.Merged], results.Select(r => r.Status));
        var failed = results[1];
        Assert.Equal(3, failed.TestExitCode);
        Assert.Equal(failed.BaseBefore, failed.BaseAfter);
        Assert.Contains("102 breaks the build", File.ReadAllText(failed.LogPath!));
        Assert.Equal(results[0].BaseAfter, results[2].BaseBefore);
        Assert.Equal(["Merge issue-103", "Merge issue-101", "base files", "initial"], repo.FirstParentSubjects());
        Assert.Equal("b1\nb2\nb3\n", File.ReadAllText(Path.Combine(repo.Root, "src/b.txt")));
        // One run on the batch's tip (red), then bisection: 101 alone (green), 101 + 102 (red); then 103 on the new base.
        Assert.Equal(["#2", "#3", "#4"], results.Select(r => r.TestRun![r.TestRun!.IndexOf('#')..]));
        Assert.Equal(results[0].BaseAfter, results[0].TestedCommit);
        Assert.Equal(0, results[0].TestExitCode);
        Assert.Contains("# exit code 0", File.ReadAllText(results[2].LogPath!));
        Assert.Contains(host.Progress, p => p.Contains("gate run 1: testing 101 102 103"));
        Assert.EndsWith("(completed)", host.Progress[^1]);
    }

    [Fact]
    public void Without_ContinueOnError_the_train_stops_at_the_first_failure()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var gate = repo.Script("gate.sh", """! grep -q "by 102" src/b.txt""");

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Squash) with { Test = gate }, issues);

        Assert.Equal([MergeStatus.Merged, MergeStatus.TestFailed, MergeStatus.Skipped], results.Select(r => r.Status));
        Assert.Equal(results[0].BaseAfter, repo.Tip());
    }

    [Fact]
    public void A_configured_test_gate_from_the_repository_file_must_be_approved()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var merge = new MergeSettings { Test = new ConfiguredCommand("merge.test", "true", ConfigSource.Repository) };
        var before = repo.Refs();

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine(merge).Merge(repo.Options(), issue));

        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Equal(before, repo.Refs());
    }

    [Fact]
    public void The_users_checkout_with_a_running_process_and_uncommitted_files_is_not_disturbed()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        File.WriteAllText(Path.Combine(repo.Root, "README.md"), "# local edit, not committed\n");
        File.WriteAllText(Path.Combine(repo.Root, "scratch.txt"), "untracked\n");
        File.WriteAllText(Path.Combine(repo.Root, ".env"), "PORT=3000\n");
        using var devServer = MergeRepo.StartSleeper(repo.Root);
        try
        {
            var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), issues);

            Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
            Assert.False(devServer.HasExited);
            Assert.Equal("# local edit, not committed\n", File.ReadAllText(Path.Combine(repo.Root, "README.md")));
            Assert.Equal("untracked\n", File.ReadAllText(Path.Combine(repo.Root, "scratch.txt")));
            Assert.Equal("PORT=3000\n", File.ReadAllText(Path.Combine(repo.Root, ".env")));
            Assert.Equal("M README.md\n?? scratch.txt", repo.Git("status", "--porcelain")); // (output is trimmed)
            Assert.Equal(repo.Tip(), repo.Git("rev-parse", "HEAD"));
        }
        finally
        {
            devServer.Kill();
        }
    }

    [Theory]
    [InlineData("tracked")]
    [InlineData("untracked")]
    [InlineData("ignored")]
    public void A_checkout_dirty_in_files_the_merge_changes_stops_with_BaseCheckoutDirty(string kind)
    {
        using var repo = new MergeRepo();
        var issue = kind switch
        {
            "tracked" => repo.Issue("102", ("src/b.txt", "b1\nb2 by 102\nb3\n")),
            "untracked" => repo.Issue("101", ("src/new-101.txt", "new\n")),
            _ => repo.Issue("104"),
        };
        var local = kind switch { "tracked" => "src/b.txt", "untracked" => "src/new-101.txt", _ => "data/app.db" };
        if (kind == "ignored")
        {
            // Git itself would silently overwrite an ignored file; the merge must not.
            Directory.CreateDirectory(Path.Combine(repo.WorktreeOf("104"), "data"));
            File.WriteAllText(Path.Combine(repo.WorktreeOf("104"), "data", "app.db"), "committed by mistake\n");
            repo.Git("-C", repo.WorktreeOf("104"), "add", "-f", "data/app.db");
            repo.Git("-C", repo.WorktreeOf("104"), "commit", "-q", "-m", "add db");
            Directory.CreateDirectory(Path.Combine(repo.Root, "data"));
        }
        File.WriteAllText(Path.Combine(repo.Root, local), "my precious local work\n");
        var before = MergeRepo.Snapshot(repo.Root);
        var refs = repo.Refs();

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options(MergeStrategy.Merge), issue));

        Assert.Equal("BaseCheckoutDirty", ex.ErrorId);
        Assert.Contains(local, ex.Message);
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
        Assert.Equal(refs, repo.Refs());
        Assert.True(repo.StagingIsClean());
    }

    [Fact]
    public void A_dirty_issue_worktree_is_refused_before_anything_happens()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        File.WriteAllText(Path.Combine(repo.WorktreeOf("101"), "forgotten.txt"), "not committed\n");
        var refs = repo.Refs();

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options(), issue));

        Assert.Equal("IssueWorktreeDirty", ex.ErrorId);
        Assert.Contains("forgotten.txt", ex.Message);
        Assert.Equal(refs, repo.Refs());
    }

    [Fact]
    public void A_merge_in_progress_in_the_main_checkout_is_refused()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        repo.Git("merge", "--no-ff", "--no-commit", "feature/issue-103");

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options(), issues[0]));

        Assert.Equal("OperationInProgress", ex.ErrorId);
    }

    [Fact]
    public void In_a_train_errors_go_to_onError_and_ContinueOnError_goes_on()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        File.WriteAllText(Path.Combine(repo.WorktreeOf("102"), "forgotten.txt"), "x\n");
        var errors = new List<string>();

        var results = repo.Engine().Train(repo.Options() with { ContinueOnError = true }, issues, onError: (i, e) => errors.Add($"{i.Issue}:{e.ErrorId}"));

        Assert.Equal(["102:IssueWorktreeDirty"], errors);
        Assert.Equal(["101", "103"], results.Select(r => r.Issue));
        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
    }

    [Fact]
    public void Two_merges_of_one_repository_never_run_at_once()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        using var held = FileLock.Acquire(MergeSession.LockPath(repo.Root), TimeSpan.FromSeconds(1));

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options() with { LockTimeout = TimeSpan.FromMilliseconds(100) }, issue));

        Assert.Equal("MergeInProgress", ex.ErrorId);
    }

    [Fact]
    public void Cancelling_during_the_test_gate_leaves_main_unchanged_and_cleans_up()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var started = Path.Combine(repo.Repo.Parent, "gate-started");
        var gate = repo.Script("gate.sh", $"touch '{started}'; sleep 30");
        var host = new TestHost();
        var before = MergeRepo.Snapshot(repo.Root);
        var refs = repo.Refs();
        var watcher = Task.Run(async () =>
        {
            while (!File.Exists(started)) await Task.Delay(20);
            host.Cancel.Cancel();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => repo.Engine(host: host).Merge(repo.Options() with { Test = gate }, issue));

        watcher.Wait();
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
        Assert.Equal(refs, repo.Refs());
        Assert.True(repo.StagingIsClean());
    }

    [Fact]
    public void A_damaged_or_missing_staging_worktree_is_recreated()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var gated = repo.Options() with { Test = "true" };      // the gate runs in the staging worktree
        repo.Engine().Merge(gated, issues[0]);
        Testing.TestRepo.ForceDelete(repo.StagingPath);                         // deleted behind git's back

        Assert.Equal(MergeStatus.Merged, repo.Engine().Merge(gated, issues[1]).Status);

        repo.Git("worktree", "remove", "--force", "--force", repo.StagingPath);
        Directory.CreateDirectory(repo.StagingPath);
        File.WriteAllText(Path.Combine(repo.StagingPath, "junk.txt"), "not a worktree\n");  // a folder git does not know

        Assert.Equal(MergeStatus.Merged, repo.Engine().Merge(gated, issues[2]).Status);
        Assert.True(repo.StagingIsClean());
        Assert.Equal(["Merge issue-103", "Merge issue-102", "Merge issue-101", "base files", "initial"], repo.FirstParentSubjects());
    }
}
