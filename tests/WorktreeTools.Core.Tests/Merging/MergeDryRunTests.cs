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
    public void A_dry_run_without_ContinueOnError_skips_what_follows_a_forecast_conflict()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        repo.Git("commit", "-q", "--allow-empty", "-m", "move main");
        repo.Repo.Write("src/a.txt", "a1 on main\na2\na3\n");
        repo.Repo.Commit("main edits a");
        var b = repo.Issue("102", ("src/b.txt", "b\n"));

        var results = repo.Engine(host: new TestHost(shouldProcess: false)).Train(repo.Options(), [a, b]);

        Assert.Equal([MergeStatus.WouldConflict, MergeStatus.Skipped], results.Select(r => r.Status));
    }
}
