using WorktreeTools.Configuration;
using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>The conflicts parallel work always produces, resolved by policy: lockfiles and numbered migrations.</summary>
public sealed class MergePolicyTests
{
    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Squash)]
    [InlineData(MergeStrategy.Rebase)]
    [InlineData(MergeStrategy.CherryPick)]
    public void Lockfile_only_conflicts_are_resolved_by_regenerating(MergeStrategy strategy)
    {
        using var repo = MergeRepo.WithLockfile();
        var a = repo.IssueAddingDependency("201", "left-pad");
        var b = repo.IssueAddingDependency("202", "right-pad");
        var merge = new MergeSettings { Lockfiles = repo.FakeRegenerate() };

        var results = repo.Engine(merge).Train(repo.Options(strategy), [a, b]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Empty(results[0].Policies);
        var policy = Assert.Single(results[1].Policies);
        Assert.Equal("Lockfile", policy.Name);
        Assert.Contains("pnpm-lock.yaml", policy.Detail);
        Assert.Equal("left-pad\nreact\nright-pad\n", repo.Git("show", "main:pnpm-lock.yaml") + "\n");
        Assert.Equal("left-pad\nreact\nright-pad\n", File.ReadAllText(Path.Combine(repo.Root, "pnpm-lock.yaml")));
        Assert.NotNull(results[1].LogPath);
        Assert.Equal("", repo.Git("status", "--porcelain"));
    }

    [Fact]
    public void A_lockfile_conflict_next_to_a_real_conflict_is_not_resolved()
    {
        using var repo = MergeRepo.WithLockfile();
        var a = repo.IssueAddingDependency("201", "left-pad");
        var b = repo.IssueAddingDependency("202", "right-pad");
        repo.Commit("201", "src/a.txt", "a1 by 201\na2\na3\n", "201 edits a");
        repo.Commit("202", "src/a.txt", "a1 by 202\na2\na3\n", "202 edits a");
        var merge = new MergeSettings { Lockfiles = repo.FakeRegenerate() };

        var results = repo.Engine(merge).Train(repo.Options(MergeStrategy.Merge) with { ContinueOnError = true }, [a, b]);

        Assert.Equal(MergeStatus.Conflicted, results[1].Status);
        Assert.Equal(["pnpm-lock.yaml", "src/a.txt"], results[1].ConflictFiles);
        Assert.Equal(results[0].BaseAfter, repo.Tip());
    }

    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Squash)]
    [InlineData(MergeStrategy.Rebase)]
    [InlineData(MergeStrategy.CherryPick)]
    public void Colliding_migration_numbers_are_renumbered_to_follow_the_base(MergeStrategy strategy)
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("migrations/0002_issue-101-changes.sql", "alter table t add a int;\n"));
        var b = repo.Issue("102", ("migrations/0002_issue-102-changes.sql", "alter table t add b int;\n"));
        var merge = new MergeSettings { Migrations = new MigrationSettings { Directory = "migrations" } };

        var results = repo.Engine(merge).Train(repo.Options(strategy), [a, b]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Equal(["0001_initial.sql", "0002_issue-101-changes.sql", "0003_issue-102-changes.sql"],
            repo.Git("ls-tree", "--name-only", "main", "migrations/").Split('\n').Select(Path.GetFileName));
        Assert.Empty(results[0].Policies);
        var policy = Assert.Single(results[1].Policies);
        Assert.Equal("Migrations", policy.Name);
        Assert.Equal([new FileRename("migrations/0002_issue-102-changes.sql", "migrations/0003_issue-102-changes.sql")], policy.Renames);
        Assert.True(File.Exists(Path.Combine(repo.Root, "migrations/0003_issue-102-changes.sql")));
        if (strategy != MergeStrategy.Squash)
            Assert.Contains("chore(issue-102): renumber migrations to follow main", repo.Git("log", "--format=%s", "main"));
        // The issue's own branch keeps its work; nothing of it is lost.
        Assert.Equal("alter table t add b int;\n", repo.Git("show", "main:migrations/0003_issue-102-changes.sql") + "\n");
    }

    [Fact]
    public void Several_new_migrations_keep_their_order_and_width()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("migrations/0002_a.sql", "a\n"), ("migrations/0003_a2.sql", "a2\n"));
        var b = repo.Issue("102", ("migrations/0002_b.sql", "b\n"), ("migrations/0003_b2.sql", "b2\n"), ("migrations/0010_b3.sql", "b3\n"));
        var merge = new MergeSettings { Migrations = new MigrationSettings { Directory = "migrations" } };

        var results = repo.Engine(merge).Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Equal(["0004_b.sql", "0005_b2.sql", "0006_b3.sql"], results[1].Policies.Single().Renames.Select(r => Path.GetFileName(r.New)));
        Assert.Equal(["0001_initial.sql", "0002_a.sql", "0003_a2.sql", "0004_b.sql", "0005_b2.sql", "0006_b3.sql"],
            repo.Git("ls-tree", "--name-only", "main", "migrations/").Split('\n').Select(Path.GetFileName));
    }

    [Fact]
    public void The_after_merge_command_runs_in_the_base_checkout_once_the_base_moved()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var marker = Path.Combine(repo.Repo.Parent, "after-merge.txt");
        var hooks = new HooksSettings { AfterMerge = [MergeRepo.Command("hooks.afterMerge", $"git rev-parse HEAD > '{marker}'; echo {{issue}} >> '{marker}'")] };

        var result = repo.Engine(hooks: hooks).Merge(repo.Options(MergeStrategy.Merge), issue);

        Assert.Equal(MergeStatus.Merged, result.Status);
        Assert.Equal($"{result.BaseAfter}\n101\n", File.ReadAllText(marker));
        Assert.Equal("AfterMerge", Assert.Single(result.Policies).Name);
    }
}
