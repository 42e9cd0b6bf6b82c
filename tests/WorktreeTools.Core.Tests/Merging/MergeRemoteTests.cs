using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>The base against its remote: fetched before merging, never stale, pushed with -Push, nothing lost on rejection.</summary>
public sealed class MergeRemoteTests
{
    [Fact]
    public void Push_sends_the_merged_base_to_the_remote()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { Push = true }, issues);

        Assert.All(results, r => Assert.True(r.Pushed));
        Assert.Equal(repo.Tip(), repo.Git("ls-remote", "origin", "refs/heads/main").Split('\t')[0]);
        Assert.Equal(repo.Tip(), repo.Git("rev-parse", "origin/main"));
    }

    [Fact]
    public void Rebase_with_Push_pushes_the_rebased_issue_branch_with_a_lease()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        repo.Git("-C", repo.WorktreeOf("102"), "push", "-q", "-u", "origin", "feature/issue-102");
        repo.Engine().Merge(repo.Options(MergeStrategy.Merge), issues[0]);

        var result = repo.Engine().Merge(repo.Options(MergeStrategy.Rebase) with { Push = true }, issues[1]);

        Assert.Equal(MergeStatus.Merged, result.Status);
        Assert.Equal(result.BaseAfter, repo.Git("ls-remote", "origin", "refs/heads/feature/issue-102").Split('\t')[0]);
        Assert.Equal(result.BaseAfter, repo.Git("ls-remote", "origin", "refs/heads/main").Split('\t')[0]);
    }

    [Fact]
    public void A_rejected_push_reports_PushRejected_and_loses_nothing()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var issueTip = repo.Tip(issue.Branch);
        // Someone pushes to main while our merge is being tested (after our fetch).
        var gate = repo.Script("gate.sh", $"cd '{repo.Repo.Parent}' && git clone -q -b main '{repo.RemotePath}' racer && cd racer && echo x > racer.txt && git add racer.txt && git commit -qm racer && git push -q origin main");
        var before = MergeRepo.Snapshot(repo.Root);

        var result = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Push = true, Test = gate }, issue);

        Assert.Equal(MergeStatus.PushRejected, result.Status);
        Assert.False(result.Pushed);
        Assert.Equal(result.BaseBefore, result.BaseAfter);
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
        Assert.Equal(issueTip, repo.Tip(issue.Branch));
        // The merged result is kept, and the backup refs name every tip.
        Assert.Equal(2, repo.ParentCount(repo.Git("rev-parse", result.BackupRef + "/result")));
        Assert.Equal(result.BaseBefore, repo.Git("rev-parse", result.BackupRef + "/base"));
        Assert.Equal(issueTip, repo.Git("rev-parse", result.BackupRef + "/branch"));

        // Merging again builds on the remote's new tip (the local base is fast-forwarded first) and goes through.
        var again = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Push = true }, issue);
        Assert.Equal(MergeStatus.Merged, again.Status);
        Assert.Equal("racer", repo.Git("log", "-1", "--format=%s", again.BaseAfter + "^1"));
        Assert.True(File.Exists(Path.Combine(repo.Root, "racer.txt")));
    }

    [Fact]
    public void A_push_rejected_because_the_issue_branch_moved_on_the_remote_advises_what_works_and_it_does()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        repo.Git("-C", repo.WorktreeOf("102"), "push", "-q", "-u", "origin", "feature/issue-102");
        repo.Engine().Merge(repo.Options(MergeStrategy.Merge), issues[0]);   // so the rebase makes new commits, pushed to the issue branch
        // A colleague pushes to the issue's branch while the rebase is being tested (after the checklist fetched it).
        var gate = repo.Script("gate.sh", $"[ -e '{repo.Repo.Parent}/racer' ] && exit 0; cd '{repo.Repo.Parent}' && git clone -q -b feature/issue-102 '{repo.RemotePath}' racer && cd racer && echo x > racer.txt && git add racer.txt && git commit -qm racer && git push -q origin feature/issue-102");
        var refs = repo.Git("ls-remote", "origin");

        var result = repo.Engine().Merge(repo.Options(MergeStrategy.Rebase) with { Push = true, Test = gate }, issues[1]);

        Assert.Equal(MergeStatus.PushRejected, result.Status);
        Assert.Equal(result.BaseBefore, repo.Tip());
        Assert.NotEqual(refs, repo.Git("ls-remote", "origin"));   // only the colleague's push
        Assert.Contains("pull --rebase", result.Message);

        // The advice, followed as written, lands the issue with the colleague's commit.
        repo.Git("-C", repo.WorktreeOf("102"), "pull", "-q", "--rebase");
        var again = repo.Engine().Merge(repo.Options(MergeStrategy.Rebase) with { Push = true, Test = gate }, issues[1]);
        Assert.Equal(MergeStatus.Merged, again.Status);
        Assert.True(File.Exists(Path.Combine(repo.Root, "racer.txt")));
        Assert.Equal(repo.Tip(), repo.Git("ls-remote", "origin", "refs/heads/main").Split('\t')[0]);
    }

    [Fact]
    public void A_base_behind_its_remote_gets_the_merge_built_on_the_remotes_tip()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        var local = repo.Tip();
        var remoteTip = repo.PushFromElsewhere("remote.txt", "from the remote\n");

        var result = repo.Engine().Merge(repo.Options(MergeStrategy.Merge), issue);

        Assert.Equal(MergeStatus.Merged, result.Status);
        Assert.Equal(local, result.BaseBefore);     // where main really was: the undo puts it back there
        Assert.Equal(remoteTip, repo.Git("rev-parse", result.BaseAfter + "^1"));
        Assert.Equal("from the remote\n", File.ReadAllText(Path.Combine(repo.Root, "remote.txt")));
    }

    [Fact]
    public void A_base_behind_its_remote_that_cannot_be_fast_forwarded_safely_stops_with_BaseBehindRemote()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        repo.PushFromElsewhere("src/b.txt", "b changed on the remote\n");
        File.WriteAllText(Path.Combine(repo.Root, "src/b.txt"), "b changed locally, not committed\n");
        var before = MergeRepo.Snapshot(repo.Root);
        var local = repo.Tip();

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options(), issue));

        Assert.Equal("BaseBehindRemote", ex.ErrorId);
        Assert.Contains("src/b.txt", ex.Message);
        Assert.Equal(local, repo.Tip());
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
    }

    [Fact]
    public void A_conflict_on_a_base_behind_its_remote_leaves_the_local_base_where_it_was()
    {
        using var repo = new MergeRepo();
        var issue = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        repo.PushFromElsewhere("src/a.txt", "a1 on the remote\na2\na3\n");
        var before = MergeRepo.Snapshot(repo.Root);

        var result = repo.Engine().Merge(repo.Options(MergeStrategy.Merge), issue);

        Assert.Equal(MergeStatus.Conflicted, result.Status);
        Assert.Equal(before, MergeRepo.Snapshot(repo.Root));
    }

    [Fact]
    public void A_base_that_diverged_from_its_remote_stops_with_BaseDiverged()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        repo.PushFromElsewhere("remote.txt", "x\n");
        repo.Repo.Write("local.txt", "y\n");
        repo.Repo.Commit("local only");

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options(), issue));

        Assert.Equal("BaseDiverged", ex.ErrorId);
    }

    [Fact]
    public void NoFetch_merges_onto_the_local_base_as_it_is()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        repo.PushFromElsewhere("remote.txt", "x\n");
        var local = repo.Tip();

        var result = repo.Engine().Merge(repo.Options() with { NoFetch = true }, issue);

        Assert.Equal(MergeStatus.Merged, result.Status);
        Assert.Equal(local, result.BaseBefore);
    }
}
