using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>
/// The truth rules for "merged" and ahead/behind (DESIGN.md §8), on the cases issue 10 found wrong and on real
/// merges of every kind: a branch with no commits of its own is Empty, never merged; ahead/behind compare with what
/// the issue was made from and merges into.
/// </summary>
public sealed class MergedStatusTests
{
    private static string CommitIn(string dir, string file, string content, string message)
    {
        File.WriteAllText(Path.Combine(dir, file), content);
        TestRepo.Run(dir, "add", "-A");
        TestRepo.Run(dir, "commit", "-q", "-m", message);
        return TestRepo.Run(dir, "rev-parse", "HEAD");
    }

    /// <summary>A bare remote the main checkout tracks, and a teammate's clone of it.</summary>
    private static string AddRemote(WorktreeFixture f)
    {
        var remote = Path.Combine(f.Repo.Parent, "origin.git");
        TestRepo.Run(f.Repo.Parent, "init", "-q", "--bare", "-b", "main", "origin.git");
        f.Repo.Git("remote", "add", "origin", remote);
        f.Repo.Git("push", "-q", "-u", "origin", "main");
        var teammate = Path.Combine(f.Repo.Parent, "teammate");
        TestRepo.Run(f.Repo.Parent, "clone", "-q", remote, teammate);
        return teammate;
    }

    private static string TeammatePushes(string teammate, string file)
    {
        var sha = CommitIn(teammate, file, file + "\n", "teammate: " + file);
        TestRepo.Run(teammate, "push", "-q", "origin", "main");
        return sha;
    }

    [Fact]
    public void A_new_issue_after_a_teammates_push_is_even_with_origin_and_can_be_removed()
    {
        using var f = new WorktreeFixture();
        var teammate = AddRemote(f);
        TeammatePushes(teammate, "pushed.txt"); // the local main is not pulled: it lags origin/main by one

        var w = f.Service.Create("1", noInstall: true)!;
        var listed = f.Service.Get("1");
        Assert.Equal(("origin/main", 0, 0), (listed.BaseRef, listed.Ahead, listed.Behind));
        Assert.Equal((1, 0), (listed.LocalAhead, listed.LocalBehind)); // the local side, shown too
        Assert.Equal(Integration.Empty, listed.Integration);
        Assert.False(listed.Merged);

        // Nothing of its own: removing it refuses nothing and loses nothing.
        var outcome = f.Service.Remove("1", force: false, deleteBranch: false)!;
        Assert.Null(outcome.BackupRef);
        Assert.False(Directory.Exists(w.Path));
    }

    [Fact]
    public void An_issue_without_work_stays_empty_when_the_base_moves_and_after_sync()
    {
        using var f = new WorktreeFixture();
        var teammate = AddRemote(f);
        f.Service.Create("1", noInstall: true);
        TeammatePushes(teammate, "pushed.txt");
        f.Repo.Git("pull", "-q", "--ff-only");

        var behind = f.Service.Get("1");
        Assert.Equal((Integration.Empty, 0, 1), (behind.Integration, behind.Ahead, behind.Behind));

        Assert.Equal(SyncStatus.Synced, f.Service.Sync("1", SyncStrategy.Rebase, stay: false, noFetch: false, baseBranch: null).Status);
        var synced = f.Service.Get("1");
        Assert.Equal(f.Repo.Git("rev-parse", "main"), synced.Head); // the same commit as the base ...
        Assert.Equal(Integration.Empty, synced.Integration);       // ... and still nothing of its own
        Assert.False(synced.Merged);
        Assert.DoesNotContain(f.Service.List(), x => x.Merged);    // the clean-up line of the README offers nothing
    }

    [Fact]
    public void A_branch_re_created_after_repair_or_adopted_is_empty_not_merged()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        TestRepo.ForceDelete(w.Path);
        f.Service.Repair();                                        // the branch is kept, the worktree forgotten
        f.Repo.Git("branch", "feature/issue-7");                   // a branch made by hand, adopted below
        CommitIn(f.Repo.Root, "later.txt", "later\n", "main moves on");

        f.Service.Create("1", noInstall: true);
        f.Service.Create("7", noInstall: true);
        foreach (var issue in new[] { "1", "7" })
        {
            var x = f.Service.Get(issue);
            Assert.Equal((Integration.Empty, false, 1), (x.Integration, x.Merged, x.Behind));
        }
    }

    [Fact]
    public void Pulling_into_a_main_with_local_commits_does_not_make_a_fresh_issue_merged()
    {
        using var f = new WorktreeFixture();
        var teammate = AddRemote(f);
        CommitIn(f.Repo.Root, "local.txt", "local\n", "local, not pushed");
        TeammatePushes(teammate, "pushed.txt");
        f.Service.Create("1", noInstall: true);                     // from origin/main: the teammate's commit
        f.Repo.Git("pull", "-q", "--no-rebase", "--no-edit");      // main = merge(local, origin/main)

        var w = f.Service.Get("1");
        Assert.Equal("main", w.BaseRef);                           // the local base is ahead: it is what merges happen in
        Assert.Equal(Integration.Empty, w.Integration);            // its tip came in from the side, but it is not its work
    }

    [Fact]
    public void Real_merges_are_merged_by_history_or_content()
    {
        using var f = new WorktreeFixture();
        var s = f.Service;
        string Work(string issue, string file) =>
            CommitIn(s.Create(issue, noInstall: true)!.Path, file, $"{file} v1\nline 2\n", $"issue {issue}: {file}");
        Work("1", "one.txt");
        Work("2", "two.txt");
        Work("3", "three.txt");
        Work("4", "four.txt");
        var open = Work("5", "five.txt");
        Work("6", "six.txt");

        f.Repo.Git("merge", "-q", "--ff-only", "feature/issue-1");                          // fast-forward
        Assert.Equal(Integration.SameCommit, s.Get("1").Integration);
        f.Repo.Git("merge", "-q", "--no-ff", "-m", "Merge issue-2", "feature/issue-2");     // merge commit
        f.Repo.Git("merge", "-q", "--squash", "feature/issue-3");                           // squash
        f.Repo.Git("commit", "-q", "-m", "issue 3, squashed");
        f.Repo.Git("cherry-pick", "feature/issue-4");                                        // rebase merge, as GitHub does it
        // Rebased in its worktree, then fast-forwarded into main: the branch's own commits now are main's.
        TestRepo.Run(s.Get("6").Path, "rebase", "-q", "main");
        f.Repo.Git("merge", "-q", "--ff-only", "feature/issue-6");

        var list = s.List().ToDictionary(w => w.Issue);
        Assert.Equal(Integration.Ancestor, list["1"].Integration);  // fast-forwarded, then main moved on
        Assert.Equal(Integration.Ancestor, list["2"].Integration);
        Assert.Equal((Integration.Content, 1), (list["3"].Integration, list["3"].Ahead));
        Assert.Equal(Integration.Content, list["4"].Integration);
        Assert.Equal(Integration.NotMerged, list["5"].Integration);
        Assert.Equal(Integration.SameCommit, list["6"].Integration);
        Assert.All(list.Values.Where(w => w.Issue != "5"), w => Assert.True(w.Merged, w.Issue));
        Assert.False(list["5"].Merged);

        // main changes the squashed and picked lines again: merging would conflict, the patches still match.
        CommitIn(f.Repo.Root, "three.txt", "three.txt v2\nline 2\n", "main edits three");
        CommitIn(f.Repo.Root, "four.txt", "four.txt v2\nline 2\n", "main edits four");
        Assert.Equal(Integration.Patches, s.Get("3").Integration);
        Assert.Equal(Integration.Patches, s.Get("4").Integration);

        // Work thrown away (reset to main) is not work merged.
        TestRepo.Run(s.Get("5").Path, "reset", "-q", "--hard", "main");
        Assert.Equal(Integration.Empty, s.Get("5").Integration);
        Assert.NotEqual(open, s.Get("5").Head);
    }

    [Fact]
    public void Merge_IssueWorktree_rebase_strategy_leaves_the_issue_merged()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        CommitIn(w.Path, "one.txt", "one\n", "issue 1: one");
        CommitIn(f.Repo.Root, "other.txt", "other\n", "main moves on");

        var results = f.Service.Merge(new MergeOptions { RepositoryRoot = f.Repo.Root, Strategy = MergeStrategy.Rebase, NoTest = true },
            [f.Service.ToMerge("1")], remove: false, _ => { }, (_, ex) => throw ex);
        Assert.Equal(MergeStatus.Merged, Assert.Single(results).Status);

        var merged = f.Service.Get("1");
        Assert.Equal(f.Repo.Git("rev-parse", "main"), merged.Head); // the issue branch moved to the rebased commit
        Assert.Equal((Integration.SameCommit, true), (merged.Integration, merged.Merged));
    }

    [Fact]
    public void The_branch_is_compared_with_its_remote_branch_too()
    {
        using var f = new WorktreeFixture();
        AddRemote(f);
        var w = f.Service.Create("1", noInstall: true)!;
        Assert.Null(f.Service.Get("1").Upstream);
        CommitIn(w.Path, "one.txt", "one\n", "issue 1: one");
        TestRepo.Run(w.Path, "push", "-q", "-u", "origin", "feature/issue-1");
        CommitIn(w.Path, "two.txt", "two\n", "issue 1: two");

        var x = f.Service.Get("1");
        Assert.Equal(("origin/feature/issue-1", 1, 0), (x.Upstream, x.UpstreamAhead, x.UpstreamBehind));
        Assert.Equal((2, 0, Integration.NotMerged), (x.Ahead, x.Behind, x.Integration));
    }
}
