using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>Killing the process halfway through a merge train: main stays at a consistent commit, the next command cleans up.</summary>
public sealed class MergeInterruptionTests
{
    [Fact]
    public void Killing_the_process_in_the_middle_of_a_train_leaves_main_consistent_and_the_next_merge_cleans_up()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var reached = Path.Combine(repo.Repo.Parent, "102-is-being-tested");
        var gate = repo.Script("gate.sh", $"""if [ "$WORKTREE_TOOLS_ISSUE" = 102 ]; then touch '{reached}'; sleep 60; fi""");

        // One by one: 101 lands before 102 is tested.
        using (var child = MergeChildProcess.Start(repo.Root, gate, issues, batchSize: 1))
            MergeChildProcess.KillWhen(child, () => File.Exists(reached));

        // 101 landed; 102 was mid-test in the staging worktree; main is at a commit, checked out cleanly.
        Assert.Equal(["Merge issue-101", "base files", "initial"], repo.FirstParentSubjects());
        Assert.Equal(repo.Tip(), repo.Git("rev-parse", "HEAD"));
        Assert.Equal("", repo.Git("status", "--porcelain"));
        Assert.True(Directory.Exists(repo.StagingPath), "the killed merge should have left its staging worktree behind");
        // As if git itself had been killed while writing the staging index.
        File.WriteAllText(Path.Combine(WorktreeTools.Core.Git.WorktreeStatus.GitDirOf(repo.StagingPath)!, "index.lock"), "");

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), issues[1..]);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal(["Merge issue-103", "Merge issue-102", "Merge issue-101", "base files", "initial"], repo.FirstParentSubjects());
        Assert.True(repo.StagingIsClean());
        Assert.Equal("", repo.Git("status", "--porcelain"));
    }

    [Theory]
    [InlineData("next merge")]
    [InlineData("repair")]
    public void A_kill_while_the_base_checkout_is_moving_is_finished_later_and_nothing_is_half_done(string finisher)
    {
        using var repo = new MergeRepo();
        // A smudge filter that blocks the main checkout's update at its last file, so the kill lands mid-move.
        var reached = Path.Combine(repo.Repo.Parent, "checkout-reached");
        var filter = repo.Script("slow-smudge.sh", $"if [ \"$PWD\" = '{repo.Root}' ] && [ ! -e '{reached}' ]; then touch '{reached}'; sleep 120; fi; exec cat");
        repo.Git("config", "filter.slow.smudge", filter);
        repo.Git("config", "filter.slow.clean", "cat");
        repo.Repo.Write(".gitattributes", "*.slow filter=slow\n");
        repo.Repo.Commit("a slow filter");
        var issue = repo.Issue("101", [.. Enumerable.Range(0, 100).Select(i => ($"src/f{i:D3}.txt", $"file {i} of 101\n")), ("z.slow", "written last\n")]);
        var next = repo.Issue("102", ("src/b.txt", "b1\nb2 by 102\nb3\n"));
        var before = repo.Tip();

        using (var child = MergeChildProcess.Start(repo.Root, null, [issue]))
            MergeChildProcess.KillWhen(child, () => File.Exists(reached));   // SIGKILL: the merge, its git and the filter
        // Half done: files of the new version under the old ref.
        Assert.Equal(before, repo.Tip());
        Assert.True(File.Exists(Path.Combine(repo.Root, "src/f000.txt")));
        Assert.NotEqual("", repo.Git("status", "--porcelain"));

        if (finisher == "repair")
        {
            var actions = new WorktreeTools.Core.Worktrees.WorktreeService(repo.Root, new TestHost()).Repair();
            Assert.Contains(actions, a => a.Action == "FinishedBaseMove");
            Assert.Equal("Merge issue-101", repo.Git("log", "-1", "--format=%s", "main"));
        }
        else
        {
            var result = repo.Engine().Merge(repo.Options(MergeStrategy.Merge), next);
            Assert.Equal(MergeStatus.Merged, result.Status);
            Assert.Equal(["Merge issue-102", "Merge issue-101"], repo.FirstParentSubjects().Take(2));
        }
        Assert.Equal("", repo.Git("status", "--porcelain"));
        Assert.Equal(repo.Tip(), repo.Git("rev-parse", "HEAD"));
        Assert.Equal("written last\n", File.ReadAllText(Path.Combine(repo.Root, "z.slow")));
        Assert.Equal("file 99 of 101\n", File.ReadAllText(Path.Combine(repo.Root, "src/f099.txt")));
        Assert.False(File.Exists(Path.Combine(WorktreeTools.Core.Git.WorktreeStatus.GitDirOf(repo.Root)!, "index.lock")));
    }

    [Fact]
    public void A_half_moved_checkout_with_files_edited_since_is_left_alone_and_named()
    {
        using var repo = new MergeRepo();
        var issue = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"), ("src/c.txt", "c by 101\n"));
        var from = repo.Tip();
        var to = repo.Engine().Merge(repo.Options(), issue).BaseAfter;
        // As a kill just before the ref moved leaves it (files and index at the new version), then the user edits a file.
        repo.Git("update-ref", "refs/heads/main", from, to);
        var journal = BranchMoveJournal.Begin(repo.Root, "main", repo.Root, from, to);
        File.WriteAllText(Path.Combine(repo.Root, "src/c.txt"), "edited after the crash\n");
        var next = repo.Issue("102", ("src/b.txt", "b by 102\n"));

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options(), next));

        Assert.Equal("BaseMoveInterrupted", ex.ErrorId);
        Assert.Contains("src/c.txt", ex.Message);
        Assert.DoesNotContain("src/a.txt", ex.Message);
        Assert.Equal(from, repo.Tip());
        Assert.Equal("edited after the crash\n", File.ReadAllText(Path.Combine(repo.Root, "src/c.txt")));
        var actions = new WorktreeTools.Core.Worktrees.WorktreeService(repo.Root, new TestHost()).Repair();
        Assert.Contains(actions, a => a.Action == "BaseMoveNeedsAttention" && a.Detail.Contains("src/c.txt"));
        Assert.Equal(from, repo.Tip());
        _ = journal;
    }
}
