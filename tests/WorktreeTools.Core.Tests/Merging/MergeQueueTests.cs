using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>Batches: built one merge on another, gated once, bisected when red; the base only moves to a tested tip.</summary>
public sealed class MergeQueueTests
{
    /// <summary>Issues 1..n, each changing its own file; the ones in <paramref name="culprits"/> also add BROKEN.</summary>
    private static IssueToMerge[] Issues(MergeRepo repo, int n, params int[] culprits) =>
        Enumerable.Range(1, n).Select(i => culprits.Contains(i)
            ? repo.Issue($"{i}", ($"src/issue-{i}.txt", $"work of {i}\n"), ("BROKEN", $"issue {i} breaks the build\n"))
            : repo.Issue($"{i}", ($"src/issue-{i}.txt", $"work of {i}\n"))).ToArray();

    /// <summary>A gate that counts its runs and fails when the tested tree has BROKEN.</summary>
    private static (string Gate, Func<int> Runs) CountingGate(MergeRepo repo)
    {
        var counter = Path.Combine(repo.Repo.Parent, "gate-runs.txt");
        return (repo.Script("gate.sh", $"echo \"$WORKTREE_TOOLS_ISSUES\" >> '{counter}'; test ! -e BROKEN"),
            () => File.Exists(counter) ? File.ReadAllLines(counter).Length : 0);
    }

    /// <summary>Every commit main was moved to, oldest first, after <paramref name="start"/>.</summary>
    private static List<string> BaseMoves(MergeRepo repo, string start) =>
        repo.Git("reflog", "--format=%H", "refs/heads/main").Split('\n').TakeWhile(c => c != start).Reverse().ToList();

    [Fact]
    public void A_green_batch_is_tested_once_and_the_base_moves_once_to_its_tip()
    {
        using var repo = new MergeRepo();
        var start = repo.Tip();
        var issues = Issues(repo, 5);
        var (gate, runs) = CountingGate(repo);

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { Test = gate }, issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal(1, runs());
        Assert.Equal([repo.Tip()], BaseMoves(repo, start));
        Assert.All(results, r => Assert.Equal(repo.Tip(), r.TestedCommit));
        Assert.Single(results.Select(r => r.TestRun).Distinct());
        Assert.All(results, r => Assert.Equal(0, r.TestExitCode));
        // Each result still names its own merge commit, one after another in main's first-parent history.
        Assert.Equal(start, results[0].BaseBefore);
        for (var i = 1; i < results.Count; i++) Assert.Equal(results[i - 1].BaseAfter, results[i].BaseBefore);
        Assert.Equal(["Merge issue-5", "Merge issue-4", "Merge issue-3", "Merge issue-2", "Merge issue-1"], repo.FirstParentSubjects().Take(5));
        Assert.Contains("landed together with issue(s) 2, 3, 4, 5", results[0].Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_red_batch_is_bisected_the_culprit_ejected_with_its_run_and_the_longest_green_prefix_lands(bool continueOnError)
    {
        using var repo = new MergeRepo();
        var start = repo.Tip();
        var issues = Issues(repo, 8, culprits: 6);
        var (gate, runs) = CountingGate(repo);

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { Test = gate, BatchSize = 8, ContinueOnError = continueOnError }, issues);

        var expected = Enumerable.Repeat(MergeStatus.Merged, 5).Append(MergeStatus.TestFailed)
            .Concat(Enumerable.Repeat(continueOnError ? MergeStatus.Merged : MergeStatus.Skipped, 2));
        Assert.Equal(expected, results.Select(r => r.Status));
        // 1 run of the whole batch, bisection over 8 (at most 3: prefixes of 4, 6, 5), then the last two built again on the new base.
        Assert.Equal(continueOnError ? 5 : 4, runs());
        var culprit = results[5];
        Assert.Equal(1, culprit.TestExitCode);
        Assert.Contains("1 2 3 4 5 6", File.ReadAllText(Path.Combine(repo.Repo.Parent, "gate-runs.txt")));
        Assert.Contains("on top of issue(s) 1, 2, 3, 4, 5", culprit.Message);
        Assert.Equal("Merge issue-6", repo.Git("log", "-1", "--format=%s", culprit.TestedCommit!));
        Assert.Equal(results[4].BaseAfter, culprit.BaseBefore);
        Assert.Equal(culprit.BaseBefore, culprit.BaseAfter);
        Assert.DoesNotContain(repo.Git("log", "--format=%s", "main").Split('\n'), s => s.Contains("issue-6", StringComparison.Ordinal));
        // The base only ever moved to a commit whose exact tree passed the gate.
        var moves = BaseMoves(repo, start);
        Assert.Equal(continueOnError ? 2 : 1, moves.Count);
        var passed = results.Where(r => r.Status == MergeStatus.Merged).ToDictionary(r => r.BaseAfter, r => r);
        foreach (var move in moves)
        {
            Assert.Contains(results, r => r.TestedCommit == move && r.TestExitCode == 0);
            Assert.Equal(repo.Git("rev-parse", move + "^{tree}"), repo.Git("rev-parse", passed[move].TestedCommit + "^{tree}"));
        }
    }

    [Fact]
    public void An_issue_that_conflicts_only_with_an_ejected_batch_mate_is_built_again_and_lands()
    {
        using var repo = new MergeRepo();
        var broken = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"), ("BROKEN", "x\n"));
        var other = repo.Issue("102", ("src/a.txt", "a1 by 102\na2\na3\n"));
        var (gate, _) = CountingGate(repo);

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { Test = gate, ContinueOnError = true }, [broken, other]);

        Assert.Equal([MergeStatus.TestFailed, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Equal("a1 by 102\na2\na3\n", File.ReadAllText(Path.Combine(repo.Root, "src/a.txt")));
    }

    [Fact]
    public void A_conflict_on_top_of_batch_mates_that_landed_is_final()
    {
        using var repo = new MergeRepo();
        var first = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        var second = repo.Issue("102", ("src/a.txt", "a1 by 102\na2\na3\n"));
        var third = repo.Issue("103", ("src/c.txt", "c by 103\n"));
        var (gate, runs) = CountingGate(repo);

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { Test = gate, ContinueOnError = true }, [first, second, third]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Conflicted, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Equal(["src/a.txt"], results[1].ConflictFiles);
        Assert.Equal(1, runs());   // 101 and 103 were tested together
        Assert.Equal(repo.Tip(), results[1].BaseAfter);
    }

    [Fact]
    public void An_issue_contained_in_a_batch_mate_is_UpToDate_only_if_that_batch_mate_lands()
    {
        using var repo = new MergeRepo();
        var inner = repo.Issue("101", ("src/a.txt", "a1 by 101\na2\na3\n"));
        // 102 is made from 101's branch and adds a commit that breaks the build.
        repo.Git("worktree", "add", "-q", "-b", "feature/issue-102", repo.WorktreeOf("102"), "feature/issue-101");
        repo.Commit("102", "BROKEN", "x\n", "feat(issue-102): more");
        var outer = new IssueToMerge("102", "feature/issue-102", repo.WorktreeOf("102"));
        var (gate, _) = CountingGate(repo);

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { Test = gate, ContinueOnError = true }, [outer, inner]);

        Assert.Equal([MergeStatus.TestFailed, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Equal(repo.Tip("feature/issue-101"), repo.Git("rev-parse", "main^2"));
    }

    [Fact]
    public void With_a_batch_size_of_one_every_issue_is_tested_on_its_own()
    {
        using var repo = new MergeRepo();
        var start = repo.Tip();
        var issues = Issues(repo, 3);
        var (gate, runs) = CountingGate(repo);

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Squash) with { Test = gate, BatchSize = 1 }, issues);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal(3, runs());
        Assert.Equal(results.Select(r => r.BaseAfter), BaseMoves(repo, start));
        Assert.All(results, r => Assert.Equal(r.BaseAfter, r.TestedCommit));
    }

    [Fact]
    public void A_batch_size_below_one_is_refused()
    {
        using var repo = new MergeRepo();
        var issue = repo.ThreeIssues()[0];

        var ex = Assert.Throws<WorktreeToolsException>(() => repo.Engine().Merge(repo.Options() with { BatchSize = 0 }, issue));

        Assert.Equal("InvalidBatchSize", ex.ErrorId);
    }
}
