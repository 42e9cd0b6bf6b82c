using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Tests.Merging;
using WorktreeTools.Merging;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>Hooks at the points of an issue's life, from the repository's file (approved) and the user's.</summary>
public sealed class HookTests
{
    [Fact]
    public void After_create_hooks_run_in_the_new_worktree_after_the_install_with_the_issues_environment()
    {
        using var f = new WorktreeFixture("""
            setup: { install: 'printf installed > steps.txt' }
            hooks: { afterCreate: 'printf " migrated %s %s" "$PORT" {branch} >> steps.txt' }
            ports: { web: 28101-28199 }
            """);
        var w = f.Service.Create("1")!;
        Assert.Equal(WorktreeState.Ready, w.State);
        Assert.Equal($"installed migrated {w.Ports["web"]} feature/issue-1", File.ReadAllText(Path.Combine(w.Path, "steps.txt")));
    }

    [Fact]
    public void An_unapproved_hook_stops_the_creation_before_anything_exists()
    {
        using var f = new WorktreeFixture("hooks: { afterCreate: 'touch pwned' }\n", approve: false);
        Assert.Equal("CommandNotApproved", Assert.Throws<WorktreeToolsException>(() => f.Service.Create("2", noInstall: true)).ErrorId);
        Assert.Equal("main", f.Branches());
        Assert.False(Directory.Exists(Path.Combine(f.WorktreesRoot, "issue-2")));
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void A_failing_after_create_hook_keeps_the_worktree_marks_it_and_runs_again_on_the_next_New()
    {
        using var f = new WorktreeFixture("hooks: { afterCreate: 'echo seeding; test -f ok' }\n");
        var w = f.Service.Create("3")!;
        Assert.Equal(WorktreeState.InstallFailed, w.State);
        Assert.Contains(f.Host.Warnings, m => m.Contains("hooks.afterCreate") && m.Contains("exit code 1"));
        Assert.Contains("seeding", File.ReadAllText(w.InstallLog!));

        File.WriteAllText(Path.Combine(w.Path, "ok"), "");
        Assert.Equal(WorktreeState.Ready, f.Service.Create("3")!.State);
    }

    [Fact]
    public void Before_remove_hooks_run_in_the_worktree_and_a_failure_stops_the_removal_unless_forced()
    {
        var marker = Path.Combine(TestEnvironment.Root, "down-" + Guid.NewGuid().ToString("N")[..6]);
        using var f = new WorktreeFixture($"hooks: {{ beforeRemove: 'pwd >> \"{marker}\"; test ! -f refuse' }}\n");
        var w = f.Service.Create("4", noInstall: true)!;
        File.WriteAllText(Path.Combine(w.Path, "refuse"), "");
        f.Repo.Git("-C", w.Path, "add", "refuse");
        f.Repo.Git("-C", w.Path, "commit", "-q", "-m", "refuse");
        f.Repo.Git("merge", "-q", "--ff-only", "feature/issue-4");

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Remove("4", force: false, deleteBranch: false));
        Assert.Equal("HookFailed", ex.ErrorId);
        Assert.True(Directory.Exists(w.Path));
        Assert.Equal(WorktreeState.Ready, f.Service.Get("4").State);

        f.Service.Remove("4", force: true, deleteBranch: false);
        Assert.False(Directory.Exists(w.Path));
        Assert.Equal($"{w.Path}\n{w.Path}\n", File.ReadAllText(marker));
        Assert.Contains(f.Host.Warnings, m => m.Contains("before-remove hook") && m.Contains("-Force"));
    }

    [Fact]
    public void Before_and_after_merge_hooks_run_on_the_merged_result_and_in_the_base_checkout()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var marker = Path.Combine(repo.Repo.Parent, "hooks.txt");
        var hooks = new HooksSettings
        {
            BeforeMerge = [MergeRepo.Command("hooks.beforeMerge", $"test -f src/new-101.txt && echo before {{issue}} >> '{marker}'")],
            AfterMerge = [MergeRepo.Command("hooks.afterMerge", $"echo after >> '{marker}'"), MergeRepo.Command("hooks.afterMerge", $"echo user after >> '{marker}'")],
        };
        var result = repo.Engine(hooks: hooks).Merge(repo.Options(MergeStrategy.Merge), issue);
        Assert.Equal(MergeStatus.Merged, result.Status);
        Assert.Equal("before 101\nafter\nuser after\n", File.ReadAllText(marker));
    }

    [Fact]
    public void A_failing_before_merge_hook_leaves_the_base_where_it_was()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var before = repo.Tip();
        var hooks = new HooksSettings { BeforeMerge = [MergeRepo.Command("hooks.beforeMerge", "exit 5")] };
        var result = repo.Engine(hooks: hooks).Merge(repo.Options(MergeStrategy.Merge), issue);
        Assert.Equal(MergeStatus.TestFailed, result.Status);
        Assert.Equal(5, result.TestExitCode);
        Assert.Contains("before-merge hook", result.Message);
        Assert.Equal(before, repo.Tip());
    }

    [Fact]
    public void Hooks_of_the_repository_and_of_the_user_both_run_and_merge_afterMerge_is_the_older_name()
    {
        using var repo = new TestRepo(commit: false);
        var user = Path.Combine(repo.Parent, "user.yml");
        repo.Write(ConfigLoader.RepositoryFileName, "hooks: { afterCreate: pnpm db:migrate }\nmerge: { afterMerge: pnpm db:push }\n");
        File.WriteAllText(user, "hooks: { afterCreate: code . }\n");
        var c = ConfigLoader.Load(repo.Root, user);
        Assert.Equal([("pnpm db:migrate", ConfigSource.Repository), ("code .", ConfigSource.User)], c.Hooks.AfterCreate.Select(h => (h.Text, h.Source)));
        Assert.All(c.Hooks.AfterCreate, h => Assert.Equal("hooks.afterCreate", h.Key));
        Assert.Equal(new ConfiguredCommand("hooks.afterMerge", "pnpm db:push", ConfigSource.Repository), Assert.Single(c.Hooks.AfterMerge));
        Assert.Single(new TrustStore(Path.Combine(repo.Parent, "home")).Pending(c), p => p.Key == "hooks.afterCreate");

        repo.Write(ConfigLoader.RepositoryFileName, "hooks: { afterMerge: a }\nmerge: { afterMerge: b }\n");
        Assert.Equal("ConfigDuplicateKey", Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(repo.Root, null)).ErrorId);
    }
}
