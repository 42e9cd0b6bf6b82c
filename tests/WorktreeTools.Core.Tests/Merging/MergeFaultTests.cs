using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>The smaller faults found around the train: hooks, committed conflict markers, picks, stale bases, moved issue branches.</summary>
public sealed class MergeFaultTests
{
    private static void Hook(MergeRepo repo, string name, string body)
    {
        var path = Path.Combine(repo.Root, ".git", "hooks", name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Theory]
    [InlineData(MergeStrategy.Merge, "pre-merge-commit")]
    [InlineData(MergeStrategy.Squash, "pre-commit")]
    public void A_hook_git_would_run_that_refuses_stops_the_merge_and_the_base_does_not_move(MergeStrategy strategy, string hook)
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        Hook(repo, hook, "echo 'no merges on Fridays' >&2; exit 1");
        var before = MergeRepo.Snapshot(repo.Root);
        var tip = repo.Tip();

        var result = repo.Engine().Merge(repo.Options(strategy), issue);

        Assert.Equal(MergeStatus.HookRefused, result.Status);
        Assert.Contains(hook, result.Message);
        Assert.Contains("no merges on Fridays", result.Message);
        Assert.Equal(tip, repo.Tip());
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
        Assert.True(repo.StagingIsClean());

        // The verdict against plain git: the same operation done by hand in the base's checkout is refused by the same hook.
        var byHand = Assert.Throws<InvalidOperationException>(() =>
        {
            if (strategy == MergeStrategy.Merge) repo.Git("merge", "--no-ff", "--no-edit", issue.Branch);
            else
            {
                repo.Git("merge", "--squash", issue.Branch);
                repo.Git("commit", "-m", "squash by hand");
            }
        });
        Assert.Contains("no merges on Fridays", byHand.Message);
        Assert.Equal(tip, repo.Tip());
    }

    [Fact]
    public void Hooks_git_would_run_for_a_merge_run_once_per_merge()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var log = Path.Combine(repo.Repo.Parent, "hook-runs.txt");
        Hook(repo, "pre-merge-commit", $"echo pre-merge-commit >> '{log}'");
        Hook(repo, "commit-msg", $"grep -q '^Merge issue-' \"$1\" && echo commit-msg >> '{log}'");

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal(3, File.ReadAllLines(log).Count(l => l == "pre-merge-commit"));
        Assert.Equal(3, File.ReadAllLines(log).Count(l => l == "commit-msg"));
    }

    [Fact]
    public void Conflict_markers_an_issue_committed_are_refused_before_anything_changes()
    {
        using var repo = new MergeRepo();
        var issue = repo.Issue("101", ("src/a.txt", "a1\n<<<<<<< HEAD\na2 mine\n=======\na2 theirs\n>>>>>>> main\na3\n"));
        var heading = repo.Issue("102", ("README.md", "Title\n=======\n\ntext\n"));
        var refs = repo.Refs();

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options(), issue));

        Assert.Equal("ConflictMarkersCommitted", ex.ErrorId);
        Assert.Contains("src/a.txt:2", ex.Message);
        Assert.Equal(refs, repo.Refs());
        Assert.Equal(MergeStatus.Merged, repo.Engine().Merge(repo.Options(), heading).Status);   // a Markdown heading is no marker
    }

    [Fact]
    public void CherryPick_refuses_a_commit_that_is_not_on_the_issues_branch()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        repo.Git("switch", "-q", "-c", "elsewhere");
        repo.Repo.Write("elsewhere.txt", "not issue 101's work\n");
        var foreign = repo.Repo.Commit("someone else's commit");
        repo.Git("switch", "-q", "main");
        var refs = repo.Refs();

        var ex = Assert.Throws<WorktreeToolsException>(() =>
            repo.Engine().Merge(repo.Options(MergeStrategy.CherryPick), issue with { Commits = [foreign[..8]] }));

        Assert.Equal("CommitNotOnBranch", ex.ErrorId);
        Assert.Contains("feature/issue-101", ex.Message);
        Assert.Equal(refs, repo.Refs());
    }

    [Theory]
    [InlineData(MergeStrategy.Rebase)]
    [InlineData(MergeStrategy.CherryPick)]
    public void A_branch_synced_by_merge_that_cannot_be_replayed_says_how_to_land_it(MergeStrategy strategy)
    {
        using var repo = new MergeRepo();
        var issue = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        repo.Repo.Write("src/a.txt", "a1 on main\na2\na3\n");
        repo.Repo.Commit("main changes a1");
        // Sync-IssueWorktree -Strategy Merge, conflict resolved by hand.
        var wt = repo.WorktreeOf("101");
        Assert.Throws<InvalidOperationException>(() => Testing.TestRepo.Run(wt, "merge", "--no-edit", "main"));   // conflicts
        File.WriteAllText(Path.Combine(wt, "src/a.txt"), "a1 by 101 and main\na2\na3\n");
        repo.Repo.Commit("Merge main into feature/issue-101", wt);

        var replay = repo.Engine().Merge(repo.Options(strategy), issue);

        Assert.Equal(MergeStatus.Conflicted, replay.Status);
        Assert.Contains("-Strategy Merge or -Strategy Squash", replay.Message);
        Assert.DoesNotContain("Sync-IssueWorktree 101", replay.Message);
        var squash = repo.Engine().Merge(repo.Options(MergeStrategy.Squash), issue);
        Assert.Equal(MergeStatus.Merged, squash.Status);
        Assert.Equal("a1 by 101 and main\na2\na3\n", File.ReadAllText(Path.Combine(repo.Root, "src/a.txt")));
    }

    [Fact]
    public void An_issue_already_on_the_remotes_base_is_UpToDate_and_the_local_base_catches_up()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        repo.Git("push", "-q", "origin", "feature/issue-101:main");   // someone landed it on the remote
        var local = repo.Tip();

        var result = repo.Engine().Merge(repo.Options(), issue);

        Assert.Equal(MergeStatus.UpToDate, result.Status);
        Assert.Equal(local, result.BaseBefore);
        Assert.Equal(repo.Tip("feature/issue-101"), result.BaseAfter);
        Assert.Equal(repo.Tip("feature/issue-101"), repo.Tip());
        Assert.Contains("'origin/main'", result.Message);
        Assert.Contains("was moved to it", result.Message);
        Assert.Equal("", repo.Git("status", "--porcelain"));
        Assert.True(File.Exists(Path.Combine(repo.Root, "src/new-101.txt")));
    }

    [Fact]
    public void A_rebase_with_Push_of_a_branch_someone_pushed_to_is_refused_with_what_to_do()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        repo.Git("-C", repo.WorktreeOf("102"), "push", "-q", "-u", "origin", "feature/issue-102");
        // A colleague pushes to the issue's branch.
        var other = Path.Combine(repo.Repo.Parent, "colleague");
        Testing.TestRepo.Run(repo.Repo.Parent, "clone", "-q", "-b", "feature/issue-102", repo.RemotePath!, other);
        File.WriteAllText(Path.Combine(other, "colleague.txt"), "their work\n");
        Testing.TestRepo.Run(other, "add", "-A");
        Testing.TestRepo.Run(other, "commit", "-q", "-m", "colleague's commit");
        Testing.TestRepo.Run(other, "push", "-q", "origin", "feature/issue-102");
        var refs = repo.Git("ls-remote", "origin");

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options(MergeStrategy.Rebase) with { Push = true }, issues[1]));

        Assert.Equal("IssueBranchBehindRemote", ex.ErrorId);
        Assert.Contains("pull --rebase", ex.Message);
        Assert.Equal(refs, repo.Git("ls-remote", "origin"));

        repo.Git("-C", repo.WorktreeOf("102"), "pull", "-q", "--rebase", "origin", "feature/issue-102");
        var again = repo.Engine().Merge(repo.Options(MergeStrategy.Rebase) with { Push = true }, issues[1]);
        Assert.Equal(MergeStatus.Merged, again.Status);
        Assert.True(File.Exists(Path.Combine(repo.Root, "colleague.txt")));
    }
}
