using WorktreeTools.Configuration;
using WorktreeTools.Core;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>Sync-IssueWorktree: the latest base into an issue branch, inside its worktree; a conflict goes back unless asked to stay.</summary>
public sealed class SyncTests
{
    private static SyncOptions Options(MergeRepo repo, string issue, SyncStrategy strategy = SyncStrategy.Rebase) => new()
    {
        RepositoryRoot = repo.Root, Issue = issue, Branch = "feature/issue-" + issue, WorktreePath = repo.WorktreeOf(issue), Strategy = strategy,
    };

    private static SyncEngine Engine(MergeRepo repo, MergeSettings? merge = null, bool shouldProcess = true) =>
        new(MergeRepo.Config(repo.Root, merge), new TestHost(shouldProcess));

    [Theory]
    [InlineData(SyncStrategy.Rebase)]
    [InlineData(SyncStrategy.Merge)]
    public void Sync_brings_the_latest_base_into_the_issue_branch(SyncStrategy strategy)
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        repo.Engine().Merge(repo.Options() with { Push = true }, issues[0]);
        var remoteTip = repo.PushFromElsewhere("remote.txt", "x\n");

        var result = Engine(repo).Sync(Options(repo, "102", strategy));

        Assert.Equal(SyncStatus.Synced, result.Status);
        Assert.Equal(remoteTip, result.BaseCommit);       // the remote's newer base, not the stale local one
        Assert.Equal(4, result.Behind);                  // 101's two commits, its merge commit, the remote's commit
        Assert.True(repo.Git("merge-base", "--is-ancestor", remoteTip, "feature/issue-102") == "");
        Assert.Equal(result.After, repo.Tip("feature/issue-102"));
        Assert.Equal(result.Before, repo.Git("rev-parse", result.BackupRef + "/branch"));
        Assert.True(File.Exists(Path.Combine(repo.WorktreeOf("102"), "remote.txt")));
        Assert.Equal(strategy == SyncStrategy.Merge ? 2 : 1, repo.ParentCount(result.After));
        Assert.Equal("", repo.Git("-C", repo.WorktreeOf("102"), "status", "--porcelain"));
    }

    [Fact]
    public void A_conflict_puts_the_branch_back_where_it_was()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        var b = repo.Issue("102", ("src/a.txt", "a1 by 102\na2\na3\n"));
        repo.Engine().Merge(repo.Options(), a);
        var before = MergeRepo.Snapshot(repo.WorktreeOf("102"));

        var result = Engine(repo).Sync(Options(repo, "102"));

        Assert.Equal(SyncStatus.Conflicted, result.Status);
        Assert.Equal(["src/a.txt"], result.ConflictFiles);
        Assert.False(result.InProgress);
        var after = MergeRepo.Snapshot(repo.WorktreeOf("102"));
        Assert.Equal(before.Head, after.Head);
        Assert.Equal(before.Index, after.Index);
        Assert.Equal(before.Status, after.Status);
        Assert.Equal(before.Files, after.Files);
        Assert.Equal(b.Branch, repo.Git("-C", repo.WorktreeOf("102"), "symbolic-ref", "--short", "HEAD"));
    }

    [Fact]
    public void With_Stay_a_conflict_is_left_for_the_user_with_instructions()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        repo.Issue("102", ("src/a.txt", "a1 by 102\na2\na3\n"));
        repo.Engine().Merge(repo.Options(), a);

        var result = Engine(repo).Sync(Options(repo, "102") with { Stay = true });

        Assert.Equal(SyncStatus.Conflicted, result.Status);
        Assert.True(result.InProgress);
        Assert.Equal(repo.Tip("feature/issue-102"), result.ConflictCommit);
        Assert.Contains("git rebase --continue", result.Message);
        Assert.Contains("git rebase --abort", result.Message);
        Assert.Contains("<<<<<<<", File.ReadAllText(Path.Combine(repo.WorktreeOf("102"), "src/a.txt")));
    }

    [Fact]
    public void A_dirty_worktree_is_refused()
    {
        using var repo = new MergeRepo();
        repo.ThreeIssues();
        File.WriteAllText(Path.Combine(repo.WorktreeOf("102"), "src/b.txt"), "uncommitted\n");

        var ex = Assert.Throws<WorktreeToolsException>(() => Engine(repo).Sync(Options(repo, "102")));

        Assert.Equal("IssueWorktreeDirty", ex.ErrorId);
    }

    [Fact]
    public void Up_to_date_and_dry_run_change_nothing()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        Assert.Equal(SyncStatus.UpToDate, Engine(repo).Sync(Options(repo, "102")).Status);
        repo.Engine().Merge(repo.Options(), issues[0]);
        var refs = repo.Refs();

        var result = Engine(repo, shouldProcess: false).Sync(Options(repo, "102"));

        Assert.Equal(SyncStatus.WouldSync, result.Status);
        Assert.Equal(refs, repo.Refs());
    }

    [Theory]
    [InlineData(SyncStrategy.Rebase)]
    [InlineData(SyncStrategy.Merge)]
    public void A_dry_run_writes_nothing_a_user_can_see(SyncStrategy strategy)
    {
        using var repo = new MergeRepo();
        repo.ThreeIssues();
        repo.Repo.Write("src/main-only.txt", "moved on\n");
        repo.Repo.Commit("main moves on");   // plain git: no merge of ours ever ran in this repository
        var state = ToolPaths.RepositoryStateDirectory(repo.Root);
        var before = (Listing(state), repo.Refs(), repo.Git("worktree", "list", "--porcelain"), MergeRepo.Snapshot(repo.WorktreeOf("102")));

        var result = Engine(repo, shouldProcess: false).Sync(Options(repo, "102", strategy));

        Assert.Equal(SyncStatus.WouldSync, result.Status);
        Assert.Equal(before, (Listing(state), repo.Refs(), repo.Git("worktree", "list", "--porcelain"), MergeRepo.Snapshot(repo.WorktreeOf("102"))));
        Assert.False(Directory.Exists(state)); // no merge.lock, no staging, no log
    }

    /// <summary>Every file and folder under <paramref name="dir"/> with its size and time, or empty when it does not exist.</summary>
    internal static string Listing(string dir) => !Directory.Exists(dir) ? "" : string.Join("\n",
        new DirectoryInfo(dir).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(dir, f.FullName)} {(f as FileInfo)?.Length} {f.LastWriteTimeUtc:O}").Order(StringComparer.Ordinal));

    [Fact]
    public void Sync_renumbers_the_issues_migrations_after_the_base()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("migrations/0002_issue-101-changes.sql", "a\n"));
        repo.Issue("102", ("migrations/0002_issue-102-changes.sql", "b\n"));
        var merge = new MergeSettings { Migrations = new MigrationSettings { Directory = "migrations" } };
        repo.Engine(merge).Merge(repo.Options(), a);

        var result = Engine(repo, merge).Sync(Options(repo, "102"));

        Assert.Equal(SyncStatus.Synced, result.Status);
        Assert.Equal([new FileRename("migrations/0002_issue-102-changes.sql", "migrations/0003_issue-102-changes.sql")], result.Policies.Single().Renames);
        Assert.True(File.Exists(Path.Combine(repo.WorktreeOf("102"), "migrations/0003_issue-102-changes.sql")));
        Assert.Equal("", repo.Git("-C", repo.WorktreeOf("102"), "status", "--porcelain"));
    }

    [Theory]
    [InlineData(SyncStrategy.Rebase)]
    [InlineData(SyncStrategy.Merge)]
    public void With_no_configuration_an_issue_is_never_left_with_two_migrations_of_one_number(SyncStrategy strategy)
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("migrations/0002_issue-101-changes.sql", "a\n"));
        repo.Issue("102", ("migrations/0002_issue-102-changes.sql", "b\n"), ("migrations/0003_issue-102-more.sql", "c\n"));
        repo.Engine().Merge(repo.Options(), a);

        var result = Engine(repo).Sync(Options(repo, "102", strategy));

        Assert.Equal(SyncStatus.Synced, result.Status);
        Assert.Equal(["0001_initial.sql", "0002_issue-101-changes.sql", "0003_issue-102-changes.sql", "0004_issue-102-more.sql"],
            repo.Files("migrations", "feature/issue-102"));
        Assert.Equal("Migrations", Assert.Single(result.Policies).Name);
        Assert.Equal("chore(issue-102): renumber migrations to follow main", repo.Git("log", "-1", "--format=%s", "feature/issue-102"));
        Assert.Equal("", repo.Git("-C", repo.WorktreeOf("102"), "status", "--porcelain", "--untracked-files=all"));
    }

    [Fact]
    public void A_failure_after_the_rebase_puts_the_branch_and_its_files_back()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("migrations/0002_a.sql", "a\n"));
        repo.Issue("102", ("migrations/0002_b.sql", "b\n"));
        repo.Engine().Merge(repo.Options(), a);
        var before = MergeRepo.Snapshot(repo.WorktreeOf("102"));
        // A commit-msg hook that refuses the renumbering commit: the sync fails after the rebase went through.
        var hook = Path.Combine(repo.Root, ".git", "hooks", "commit-msg");
        File.WriteAllText(hook, "#!/bin/sh\ngrep -q renumber \"$1\" && { echo 'no renumbering here' >&2; exit 1; }\nexit 0\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var ex = Assert.Throws<WorktreeToolsException>(() => Engine(repo).Sync(Options(repo, "102")));

        Assert.Equal("GitCommandFailed", ex.ErrorId);
        Assert.Contains("no renumbering here", ex.Message);
        var after = MergeRepo.Snapshot(repo.WorktreeOf("102"));
        Assert.Equal((before.Head, before.Index, before.Status, before.Files), (after.Head, after.Index, after.Status, after.Files));
    }

    [Fact]
    public void A_dry_run_forecasts_the_migration_policy()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("migrations/0002_add_index.sql", "a\n"));
        repo.Issue("102", ("migrations/0002_add_index.sql", "b\n")); // the same name: a conflict only the policy resolves
        repo.Engine().Merge(repo.Options(), a);

        var result = Engine(repo, shouldProcess: false).Sync(Options(repo, "102", SyncStrategy.Merge));

        Assert.Equal(SyncStatus.WouldSync, result.Status);
        Assert.Empty(result.ConflictFiles);
        var policy = Assert.Single(result.Policies);
        Assert.StartsWith("would renumber 1 migration(s)", policy.Detail);
        Assert.Equal([new FileRename("migrations/0002_add_index.sql", "migrations/0003_add_index.sql")], policy.Renames);

        var real = Engine(repo).Sync(Options(repo, "102", SyncStrategy.Merge));
        Assert.Equal(SyncStatus.Synced, real.Status);
        Assert.Equal(policy.Renames, Assert.Single(real.Policies).Renames);
    }

    [Fact]
    public void A_conflicted_sync_that_was_put_back_claims_no_policy()
    {
        using var repo = MergeRepo.WithLockfile();
        var a = repo.IssueAddingDependency("201", "left-pad");
        repo.Commit("201", "src/a.txt", "a1 by 201\na2\na3\n", "201 edits a");
        repo.IssueAddingDependency("202", "right-pad");                 // its lockfile commit stops first: the policy resolves it
        repo.Commit("202", "src/a.txt", "a1 by 202\na2\na3\n", "202 edits a"); // then this one stops for good
        var merge = new MergeSettings { Lockfiles = repo.FakeRegenerate() };
        repo.Engine(merge).Merge(repo.Options(), a);
        var before = repo.Tip("feature/issue-202");

        var result = Engine(repo, merge).Sync(Options(repo, "202"));

        Assert.Equal(SyncStatus.Conflicted, result.Status);
        Assert.Equal(["src/a.txt"], result.ConflictFiles);
        Assert.Empty(result.Policies); // the regenerated lockfile went with the rest when the rebase was put back
        Assert.Equal(before, repo.Tip("feature/issue-202"));
    }

    [Theory]
    [InlineData(SyncStrategy.Rebase)]
    [InlineData(SyncStrategy.Merge)]
    public void A_lockfile_conflict_is_regenerated_from_the_bases_lockfile(SyncStrategy strategy)
    {
        using var repo = MergeRepo.WithLockfile();
        var a = repo.IssueAddingDependency("201", "left-pad");
        repo.IssueAddingDependency("202", "right-pad");
        var merge = new MergeSettings { Lockfiles = repo.FakeRegenerate() };
        repo.Engine(merge).Merge(repo.Options(), a);

        var plans = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Record(string dir, IReadOnlyList<string> args)
        {
            // The migration policy's plan, in this test's folders (GitCli.Starting also sees the tests running beside it).
            if (dir.StartsWith(repo.Repo.Parent, StringComparison.Ordinal) && args.Contains("--diff-filter=A") && args.Contains("--raw")) plans.Enqueue(dir);
        }
        GitCli.Starting += Record;
        SyncResult result;
        try { result = Engine(repo, merge).Sync(Options(repo, "202", strategy)); }
        finally { GitCli.Starting -= Record; }

        Assert.Equal(SyncStatus.Synced, result.Status);
        Assert.Equal("Lockfile", Assert.Single(result.Policies).Name);
        // One plan, of what the sync brought; none at the lockfile's stop, where no migration conflicts.
        Assert.Single(plans);
        Assert.Equal("left-pad\nreact\nright-pad\n", File.ReadAllText(Path.Combine(repo.WorktreeOf("202"), "pnpm-lock.yaml")));
        Assert.Equal("", repo.Git("-C", repo.WorktreeOf("202"), "status", "--porcelain"));
    }

    [Theory]
    [InlineData(SyncStrategy.Rebase)]
    [InlineData(SyncStrategy.Merge)]
    public void A_dry_run_forecasts_the_stop_on_a_lockfile_the_base_deleted_as_the_real_sync_stops(SyncStrategy strategy)
    {
        // The lockfile policy only regenerates lockfiles both sides have: -WhatIf said WouldSync, the real sync Conflicted.
        using var repo = MergeRepo.WithLockfile();
        repo.IssueAddingDependency("202", "right-pad");
        File.Delete(Path.Combine(repo.Root, "pnpm-lock.yaml"));
        repo.Repo.Commit("main drops its lockfile");
        var merge = new MergeSettings { Lockfiles = repo.FakeRegenerate() };

        var forecast = Engine(repo, merge, shouldProcess: false).Sync(Options(repo, "202", strategy));
        var real = Engine(repo, merge).Sync(Options(repo, "202", strategy));

        Assert.Equal(SyncStatus.Conflicted, real.Status);
        Assert.Equal(["pnpm-lock.yaml"], real.ConflictFiles);
        Assert.Equal(SyncStatus.WouldConflict, forecast.Status);
        Assert.Equal(real.ConflictFiles, forecast.ConflictFiles);
        Assert.Empty(forecast.Policies);
    }

    [Fact]
    public void A_failing_regenerate_command_puts_the_branch_back_even_with_Stay_when_it_throws()
    {
        using var repo = MergeRepo.WithLockfile();
        var a = repo.IssueAddingDependency("201", "left-pad");
        repo.IssueAddingDependency("202", "right-pad");
        repo.Engine(new MergeSettings { Lockfiles = repo.FakeRegenerate() }).Merge(repo.Options(), a);
        var before = repo.Tip("feature/issue-202");
        // A repository-file command nobody approved: the policy cannot run it.
        var merge = new MergeSettings { Lockfiles = new LockfileSettings { Regenerate = new ConfiguredCommand("merge.lockfiles.regenerate", "true", ConfigSource.Repository) } };

        // -WhatIf asks for the command as the real sync does (it said WouldSync).
        var refs = repo.Refs();
        Assert.Equal("CommandNotApproved", Assert.Throws<WorktreeToolsException>(() => Engine(repo, merge, shouldProcess: false).Sync(Options(repo, "202"))).ErrorId);
        Assert.Equal(refs, repo.Refs());

        var ex = Assert.Throws<WorktreeToolsException>(() => Engine(repo, merge).Sync(Options(repo, "202") with { Stay = true }));

        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Equal(before, repo.Git("-C", repo.WorktreeOf("202"), "rev-parse", "HEAD"));
        Assert.Equal("feature/issue-202", repo.Git("-C", repo.WorktreeOf("202"), "symbolic-ref", "--short", "HEAD"));
        Assert.Equal("", repo.Git("-C", repo.WorktreeOf("202"), "status", "--porcelain"));
    }
}
