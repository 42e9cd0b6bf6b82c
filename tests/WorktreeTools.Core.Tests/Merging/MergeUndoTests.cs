using WorktreeTools.Configuration;
using WorktreeTools.Core.Merging.Undo;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>Undo that cannot lie: the remote goes back too or nothing moves, later work is never dropped silently.</summary>
public sealed class MergeUndoTests
{
    private static MergeUndo Undo(MergeRepo repo, IOperationHost? host = null) =>
        new(MergeRepo.Config(repo.Root), host ?? new TestHost());

    private static string RemoteTip(MergeRepo repo, string branch = "main") =>
        repo.Git("ls-remote", "origin", "refs/heads/" + branch).Split('\t')[0];

    [Fact]
    public void Undo_after_Push_puts_the_remote_back_too_so_the_next_merge_does_not_bring_the_work_back()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var start = repo.Tip();
        var merged = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Push = true }, issues[0]);

        var undone = Undo(repo).Undo(repo.Root, merged, force: false);

        Assert.Equal(UndoStatus.Undone, undone.Status);
        Assert.Equal("origin", undone.Remote);
        Assert.Equal(start, repo.Tip());
        Assert.Equal(start, RemoteTip(repo));
        Assert.Equal(3, undone.Removed.Count);   // the merge commit and the issue's two commits
        Assert.Equal(merged.BaseAfter, undone.Removed[0].Sha);
        Assert.Equal(merged.BaseAfter, repo.Git("rev-parse", undone.BackupRef + "/undone"));
        Assert.Equal("a1\na2\na3\n", File.ReadAllText(Path.Combine(repo.Root, "src/a.txt")));

        var next = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Push = true }, issues[1]);

        Assert.Equal(MergeStatus.Merged, next.Status);
        Assert.Equal(start, next.BaseBefore);
        Assert.Equal(2, next.Commits.Count);
        Assert.Equal("", repo.Git("log", "--format=%s", "--grep=issue-101", "main"));
    }

    [Fact]
    public void An_older_merge_with_later_ones_on_top_is_refused_naming_them_unless_forced()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var start = repo.Tip();
        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { BatchSize = 1 }, issues);
        var refs = repo.Refs();

        var ex = Assert.Throws<WorktreeToolsException>(() => Undo(repo).Undo(repo.Root, results[0], force: false));

        Assert.Equal("UndoWouldDropLaterWork", ex.ErrorId);
        Assert.Contains("Merge issue-103", ex.Message);
        Assert.Contains("Merge issue-102", ex.Message);
        Assert.Equal(refs, repo.Refs());

        var forced = Undo(repo).Undo(repo.Root, results[0], force: true);

        Assert.Equal(UndoStatus.Undone, forced.Status);
        Assert.Equal(start, repo.Tip());
        Assert.Equal(["Merge issue-103", "Merge issue-102", "Merge issue-101"], forced.Removed.Where(c => c.Subject.StartsWith("Merge", StringComparison.Ordinal)).Select(c => c.Subject));
    }

    [Fact]
    public void A_train_undone_newest_first_goes_back_step_by_step_here_and_on_the_remote()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var start = repo.Tip();
        var results = repo.Engine().Train(repo.Options(MergeStrategy.Squash) with { Push = true }, issues);

        var undone = results.Reverse().Select(r => Undo(repo).Undo(repo.Root, r, force: false)).ToList();

        Assert.All(undone, u => Assert.Equal(UndoStatus.Undone, u.Status));
        Assert.Equal(start, repo.Tip());
        Assert.Equal(start, RemoteTip(repo));
        Assert.Equal(UndoStatus.AlreadyUndone, Undo(repo).Undo(repo.Root, results[0], force: false).Status);
    }

    [Fact]
    public void A_remote_that_moved_on_after_the_push_is_never_overwritten()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var merged = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Push = true }, issue);
        var theirs = repo.PushFromElsewhere("theirs.txt", "pushed on top of the merge\n");
        var local = repo.Tip();

        var ex = Assert.Throws<WorktreeToolsException>(() => Undo(repo).Undo(repo.Root, merged, force: true));

        Assert.Equal("UndoRemoteMoved", ex.ErrorId);
        Assert.Contains("git revert -m 1", ex.Message);
        Assert.Equal(theirs, RemoteTip(repo));
        Assert.Equal(local, repo.Tip());
    }

    [Fact]
    public void Undo_of_a_rebase_puts_the_issue_branch_back_too()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        repo.Engine().Merge(repo.Options(MergeStrategy.Merge), issues[0]);
        var oldTip = repo.Tip("feature/issue-102");
        var rebased = repo.Engine().Merge(repo.Options(MergeStrategy.Rebase), issues[1]);
        Assert.NotEqual(oldTip, repo.Tip("feature/issue-102"));

        var undone = Undo(repo).Undo(repo.Root, rebased, force: false);

        Assert.True(undone.IssueBranchRestored);
        Assert.Equal(oldTip, repo.Tip("feature/issue-102"));
        Assert.Equal(oldTip, repo.Git("-C", repo.WorktreeOf("102"), "rev-parse", "HEAD"));
        Assert.Equal(rebased.BaseBefore, repo.Tip());
    }

    [Fact]
    public void A_dry_run_tells_what_would_move_and_changes_nothing()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var merged = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Push = true }, issue);
        var refs = repo.Refs();
        var before = MergeRepo.Snapshot(repo.Root);

        var would = Undo(repo, new TestHost(shouldProcess: false)).Undo(repo.Root, merged, force: false);

        Assert.Equal(UndoStatus.WouldUndo, would.Status);
        Assert.Contains("here and on 'origin'", would.Message);
        Assert.Equal(refs, repo.Refs());
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
    }

    [Fact]
    public void A_base_that_is_not_checked_out_is_put_back_by_its_ref()
    {
        using var repo = new MergeRepo(withRemote: false);
        var issue = repo.ThreeIssues()[1];
        repo.Git("branch", "release", "main");
        var merged = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Into = "release" }, issue);

        var undone = Undo(repo).Undo(repo.Root, merged, force: false);

        Assert.Equal(UndoStatus.Undone, undone.Status);
        Assert.Null(undone.Remote);
        Assert.Equal(merged.BaseBefore, repo.Tip("release"));
    }

    [Fact]
    public void Only_a_Merged_result_can_be_undone()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var forecast = repo.Engine(host: new TestHost(shouldProcess: false)).Merge(repo.Options(), issue);

        var ex = Assert.Throws<WorktreeToolsException>(() => Undo(repo).Undo(repo.Root, forecast, force: true));

        Assert.Equal("NotAMerge", ex.ErrorId);
    }
}
