using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>The four strategies on the workflow document's three-issue example, history shape checked.</summary>
public sealed class MergeStrategyTests
{
    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Squash)]
    public void Each_Merged_base_tip_has_the_tree_plain_git_merge_makes_of_the_same_branches(MergeStrategy strategy)
    {
        using var repo = new MergeRepo();
        var start = repo.Tip();
        // Two issues editing the same file (a three-way merge of its content), and one adding a file.
        var issues = new[]
        {
            repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n")),
            repo.Issue("102", ("src/a.txt", "a1\na2\na3 by 102\n"), ("src/new-102.txt", "new\n")),
            repo.Issue("103", ("src/a.txt", "a1\na2 by 103\na3\n")),
        };

        var results = repo.Engine().Train(repo.Options(strategy) with { ContinueOnError = true }, issues);

        // The same merges done by hand with git merge, one after another, in a checkout of their own.
        var byHand = Path.Combine(repo.Repo.Parent, "by-hand");
        repo.Git("worktree", "add", "-q", "--detach", byHand, start);
        string[] expected = new string[issues.Length];
        for (var i = 0; i < issues.Length; i++)
        {
            try
            {
                if (strategy == MergeStrategy.Merge) Testing.TestRepo.Run(byHand, "merge", "--no-ff", "--no-edit", issues[i].Branch);
                else
                {
                    Testing.TestRepo.Run(byHand, "merge", "--squash", issues[i].Branch);
                    Testing.TestRepo.Run(byHand, "commit", "-q", "-m", "squash " + issues[i].Issue);
                }
                expected[i] = MergeStatus.Merged + " " + Testing.TestRepo.Run(byHand, "rev-parse", "HEAD^{tree}");
            }
            catch (InvalidOperationException)
            {
                Testing.TestRepo.Run(byHand, "reset", "-q", "--hard", "HEAD");
                expected[i] = MergeStatus.Conflicted.ToString();
            }
        }
        Assert.Equal(expected, results.Select(r => r.Status == MergeStatus.Merged ? r.Status + " " + repo.Git("rev-parse", r.BaseAfter + "^{tree}") : r.Status.ToString()));
        Assert.Contains(MergeStatus.Conflicted.ToString(), expected);   // 103's line sits between the other two: git refuses it
        Assert.Equal(2, expected.Count(e => e.StartsWith("Merged", StringComparison.Ordinal)));
    }

    [Fact]
    public void Merge_three_issues_makes_one_no_ff_merge_commit_each()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var before = repo.Tip();

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal(["Merge issue-103", "Merge issue-102", "Merge issue-101", "base files", "initial"], repo.FirstParentSubjects());
        foreach (var r in results)
        {
            Assert.Equal(2, repo.ParentCount(r.BaseAfter));
            Assert.Equal(repo.Tip(r.Branch), repo.Git("rev-parse", r.BaseAfter + "^2"));
        }
        Assert.Equal(before, results[0].BaseBefore);
        Assert.Equal(results[0].BaseAfter, results[1].BaseBefore);
        Assert.Equal(3, results[0].Commits.Count); // two issue commits and the merge commit
        // The main checkout was fast-forwarded and is clean.
        Assert.Equal(repo.Tip(), repo.Git("rev-parse", "HEAD"));
        Assert.Equal("", repo.Git("status", "--porcelain"));
        Assert.Equal("a1 by 101\na2\na3\n", File.ReadAllText(Path.Combine(repo.Root, "src/a.txt")));
        Assert.True(repo.StagingIsClean());
    }

    [Fact]
    public void Squash_three_issues_makes_one_single_parent_commit_each()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Squash), issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal(["feat(issue-103): change src/c.txt", "feat(issue-102): change src/b.txt", "feat(issue-101): change src/a.txt", "base files", "initial"],
            repo.FirstParentSubjects());
        Assert.All(results, r => Assert.Equal(1, repo.ParentCount(r.BaseAfter)));
        Assert.All(results, r => Assert.Single(r.Commits));
        // 101 had two commits: both are listed in the squash commit's body.
        Assert.Equal("* feat(issue-101): change src/a.txt\n* feat(issue-101): change src/new-101.txt", repo.Git("log", "-1", "--format=%b", results[0].BaseAfter));
        Assert.Equal("new\n", File.ReadAllText(Path.Combine(repo.Root, "src/new-101.txt")));
    }

    [Fact]
    public void Rebase_three_issues_gives_linear_history_and_moves_the_issue_branches()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var oldTip101 = repo.Tip("feature/issue-101");

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Rebase), issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal("", repo.Git("rev-list", "--merges", "main"));
        Assert.Equal(["feat(issue-103): change src/c.txt", "feat(issue-102): change src/b.txt", "feat(issue-101): change src/new-101.txt",
            "feat(issue-101): change src/a.txt", "base files", "initial"], repo.FirstParentSubjects());
        // Each issue branch is its rebased commits, so it is merged by ancestry; its old tip is kept in a backup ref.
        foreach (var r in results) Assert.Equal(r.BaseAfter, repo.Tip(r.Branch));
        Assert.Equal(oldTip101, repo.Git("rev-parse", results[0].BackupRef + "/branch"));
        Assert.Equal(repo.Tip("feature/issue-101"), repo.Git("-C", repo.WorktreeOf("101"), "rev-parse", "HEAD"));
        Assert.Equal("", repo.Git("-C", repo.WorktreeOf("103"), "status", "--porcelain"));
    }

    [Fact]
    public void CherryPick_takes_only_the_chosen_commits()
    {
        using var repo = new MergeRepo();
        var issue = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"), ("src/new-101.txt", "new\n"), ("src/b.txt", "b1 by 101\nb2\nb3\n"));
        var commits = repo.Git("rev-list", "--reverse", "main..feature/issue-101").Split('\n');

        var result = repo.Engine().Merge(repo.Options(MergeStrategy.CherryPick), issue with { Commits = [commits[0], commits[2]] });

        Assert.Equal(MergeStatus.Merged, result.Status);
        Assert.Equal(["feat(issue-101): change src/b.txt", "feat(issue-101): change src/a.txt", "base files", "initial"], repo.FirstParentSubjects());
        Assert.Equal(2, result.Commits.Count);
        Assert.False(File.Exists(Path.Combine(repo.Root, "src/new-101.txt")));
        Assert.Equal("b1 by 101\nb2\nb3\n", File.ReadAllText(Path.Combine(repo.Root, "src/b.txt")));
    }

    [Fact]
    public void CherryPick_without_commits_takes_the_whole_branch_and_skips_what_is_already_there()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        // The change of 102 is already on main (someone applied the same patch): picking it again would be empty.
        File.WriteAllText(Path.Combine(repo.Root, "src/b.txt"), "b1\nb2 by 102\nb3\n");
        repo.Repo.Commit("same change as 102");

        var results = repo.Engine().Train(repo.Options(MergeStrategy.CherryPick), issues);

        Assert.Equal([MergeStatus.Merged, MergeStatus.UpToDate, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Equal(["feat(issue-103): change src/c.txt", "feat(issue-101): change src/new-101.txt", "feat(issue-101): change src/a.txt",
            "same change as 102", "base files", "initial"], repo.FirstParentSubjects());
        Assert.Equal("", repo.Git("rev-list", "--merges", "main"));
    }

    [Fact]
    public void Into_a_branch_that_is_not_checked_out_moves_it_with_a_compare_and_swap()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        repo.Git("branch", "release", "main");
        var mainBefore = repo.Tip();

        var result = repo.Engine().Merge(repo.Options(MergeStrategy.Merge) with { Into = "release" }, issues[1]);

        Assert.Equal(MergeStatus.Merged, result.Status);
        Assert.Equal("release", result.Into);
        Assert.Equal(result.BaseAfter, repo.Tip("release"));
        Assert.Equal(mainBefore, repo.Tip());
    }

    [Fact]
    public void An_issue_already_in_the_base_is_UpToDate_and_changes_nothing()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];
        repo.Engine().Merge(repo.Options(MergeStrategy.Merge), issue);
        var refs = repo.Refs();

        var again = repo.Engine().Merge(repo.Options(MergeStrategy.Merge), issue);

        Assert.Equal(MergeStatus.UpToDate, again.Status);
        Assert.Equal(again.BaseBefore, again.BaseAfter);
        Assert.Equal(refs, repo.Refs());
    }
}
