using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>The four strategies on the workflow document's three-issue example, history shape checked.</summary>
public sealed class MergeStrategyTests
{
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
        Assert.False(repo.StagingExists());
    }
}
