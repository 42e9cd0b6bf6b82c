using WorktreeTools.Configuration;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>-WhatIf: report what would happen, change nothing (no refs, no files, no fetch, no staging worktree).</summary>
public sealed class MergeDryRunTests
{
    [Fact]
    public void A_dry_run_forecasts_merges_conflicts_and_policies_and_changes_nothing()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var conflicting = repo.Issue("104", ("src/a.txt", "a1 by 104\na2\na3\n"));
        repo.Engine().Merge(repo.Options() with { Push = true }, issues[0]);
        var migration = repo.Issue("105", ("migrations/0001_issue-105.sql", "x\n"));
        repo.PushFromElsewhere("remote.txt", "x\n");
        repo.Git("fetch", "-q", "origin");                   // origin/main is ahead: the merge would be built on it
        repo.PushFromElsewhere("remote-2.txt", "y\n");       // a dry run does not fetch: origin/main must stay where it is
        var before = MergeRepo.Snapshot(repo.Root);
        var refs = repo.Refs();
        var worktrees = repo.Git("worktree", "list", "--porcelain");
        var merge = new MergeSettings { Migrations = new MigrationSettings { Directory = "migrations" } };

        var results = repo.Engine(merge, new TestHost(shouldProcess: false))
            .Train(repo.Options(MergeStrategy.Merge) with { ContinueOnError = true, Test = "false" }, [issues[1], conflicting, migration, issues[0]]);

        Assert.Equal([MergeStatus.WouldMerge, MergeStatus.WouldConflict, MergeStatus.WouldMerge, MergeStatus.UpToDate], results.Select(r => r.Status));
        Assert.Equal(["src/a.txt"], results[1].ConflictFiles);
        Assert.Single(results[0].Commits);
        Assert.Contains("test gate 'false' would run", results[0].Message);
        Assert.Contains("behind 'origin/main'", results[0].Message);
        Assert.Equal([new FileRename("migrations/0001_issue-105.sql", "migrations/0002_issue-105.sql")], results[2].Policies.Single().Renames);
        Assert.All(results, r => Assert.Equal(r.BaseBefore, r.BaseAfter));
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
        Assert.Equal(refs, repo.Refs());
        Assert.Equal(worktrees, repo.Git("worktree", "list", "--porcelain"));
        Assert.True(repo.StagingIsClean());
    }

    [Fact]
    public void A_dry_run_goes_on_past_a_forecast_conflict_and_says_where_the_real_run_would_stop()
    {
        // Found: -WhatIf stopped at the first forecast conflict and reported every later issue Skipped.
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        repo.Repo.Write("src/a.txt", "a1 on main\na2\na3\n");
        repo.Repo.Commit("main edits a");
        var b = repo.Issue("102", ("src/b.txt", "b\n"));

        var results = repo.Engine(host: new TestHost(shouldProcess: false)).Train(repo.Options(), [a, b]);

        Assert.Equal([MergeStatus.WouldConflict, MergeStatus.WouldMerge], results.Select(r => r.Status));
        Assert.Contains("without ContinueOnError the real run stops at issue 101's conflict", results[1].Message);
        Assert.Equal([MergeStatus.Conflicted, MergeStatus.Merged],
            repo.Engine().Train(repo.Options() with { ContinueOnError = true }, [a, b]).Select(r => r.Status));
    }

    [Fact]
    public void Each_issue_is_forecast_on_top_of_the_ones_before_it()
    {
        // Found: 501 and 502 both change line 2 of a.txt; -WhatIf said WouldMerge twice, the real train Conflicted 502.
        using var repo = new MergeRepo();
        var a = repo.Issue("501", ("src/a.txt", "a1\na2 by 501\na3\n"));
        var b = repo.Issue("502", ("src/a.txt", "a1\na2 by 502\na3\n"));
        var c = repo.Issue("503", ("src/b.txt", "b1\nb2 by 503\nb3\n"));

        var forecast = repo.Engine(host: new TestHost(shouldProcess: false)).Train(repo.Options(), [a, b, c]);
        var real = repo.Engine().Train(repo.Options() with { ContinueOnError = true }, [a, b, c]);

        Assert.Equal([MergeStatus.WouldMerge, MergeStatus.WouldConflict, MergeStatus.WouldMerge], forecast.Select(r => r.Status));
        Assert.Equal([MergeStatus.Merged, MergeStatus.Conflicted, MergeStatus.Merged], real.Select(r => r.Status));
        Assert.Equal(real[1].ConflictFiles, forecast[1].ConflictFiles);
        Assert.Contains("after the issues forecast before it", forecast[1].Message);
    }

    [Fact]
    public void The_lockfile_policy_the_real_train_needs_is_forecast()
    {
        // Found: two issues changing the lockfile: -WhatIf forecast neither the conflict nor the policy that resolves it.
        using var repo = MergeRepo.WithLockfile();
        var a = repo.IssueAddingDependency("201", "left-pad");
        var b = repo.IssueAddingDependency("202", "right-pad");
        var merge = new MergeSettings { Lockfiles = repo.FakeRegenerate() };

        var forecast = repo.Engine(merge, new TestHost(shouldProcess: false)).Train(repo.Options(), [a, b]);
        var real = repo.Engine(merge).Train(repo.Options(), [a, b]);

        Assert.Equal([MergeStatus.WouldMerge, MergeStatus.WouldMerge], forecast.Select(r => r.Status));
        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], real.Select(r => r.Status));
        Assert.Equal(real.Select(r => r.Policies.Select(p => p.Name)), forecast.Select(r => r.Policies.Select(p => p.Name)));
        Assert.Contains("pnpm-lock.yaml: would take main's and regenerate", forecast[1].Policies.Single().Detail);
    }

    [Fact]
    public void A_dry_run_asks_for_the_regenerate_command_the_real_run_needs_approved()
    {
        using var repo = MergeRepo.WithLockfile();
        var a = repo.IssueAddingDependency("201", "left-pad");
        var b = repo.IssueAddingDependency("202", "right-pad");
        var merge = new MergeSettings { Lockfiles = new LockfileSettings { Regenerate = new ConfiguredCommand("merge.lockfiles.regenerate", "true", ConfigSource.Repository) } };
        var options = repo.Options() with { ContinueOnError = true };
        var (forecast, real) = (new List<string>(), new List<string>());

        repo.Engine(merge, new TestHost(shouldProcess: false)).Train(options, [a, b], onError: (i, e) => forecast.Add($"{i.Issue}: {e.ErrorId}"));
        repo.Engine(merge).Train(options, [a, b], onError: (i, e) => real.Add($"{i.Issue}: {e.ErrorId}"));

        Assert.Equal(["202: CommandNotApproved"], real);
        Assert.Equal(real, forecast);
    }

    [Fact]
    public void A_dry_run_writes_no_lock_file()
    {
        // Found (Sync -WhatIf, and the train's too): an empty merge.lock left behind by a dry run.
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();

        repo.Engine(host: new TestHost(shouldProcess: false)).Train(repo.Options(), issues);

        Assert.False(File.Exists(Core.Merging.MergeSession.LockPath(repo.Root)));
        Assert.False(Directory.Exists(repo.StagingPath));
    }
}
