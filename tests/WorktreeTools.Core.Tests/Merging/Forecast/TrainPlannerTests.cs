using System.Numerics;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Merging;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging.Forecast;

/// <summary>-Order Planned: an order that lands the most issues, proven by running the real train both ways.</summary>
public sealed class TrainPlannerTests
{
    [Fact]
    public void The_planned_order_really_lands_more_than_the_input_order_and_says_why()
    {
        using var repo = MergeRepo.WithLockfile();
        var issues = new[]
        {
            repo.Issue("201", ("src/a.txt", "a1 by 201\na2\na3\n"), ("src/b.txt", "b1 by 201\nb2\nb3\n")),
            repo.Issue("202", ("src/a.txt", "a1 by 202\na2\na3\n")),
            repo.Issue("203", ("src/b.txt", "b1 by 203\nb2\nb3\n")),
            repo.Issue("204", ("src/c.txt", "c1 by 204\nc2\nc3\n")),
            repo.Issue("205", ("src/c.txt", "c1 by 205\nc2\nc3\n")),
            repo.Issue("206", ("src/d.txt", "new\n")),
            repo.IssueAddingDependency("207", "left-pad"),
            repo.IssueAddingDependency("208", "right-pad"),
        };
        var merge = new MergeSettings { Lockfiles = repo.FakeRegenerate() };
        var main = repo.Tip();

        var input = Landed(repo.Engine(merge).Train(repo.Options() with { ContinueOnError = true }, issues));
        repo.Git("reset", "-q", "--hard", main);
        var forecast = repo.Engine(merge, new TestHost(shouldProcess: false)).Train(repo.Options() with { ContinueOnError = true, Order = TrainOrder.Planned }, issues);
        var planned = repo.Engine(merge).Train(repo.Options() with { ContinueOnError = true, Order = TrainOrder.Planned }, issues);

        // 201 first ejects 202 and 203; the planned order leaves out 201 instead. 204 and 205 conflict either way;
        // 207 and 208 overlap only in the lockfile, which the policy resolves: that is no conflict.
        Assert.Equal(["201", "204", "206", "207", "208"], input);
        Assert.Equal(["202", "203", "204", "206", "207", "208"], Landed(planned));
        Assert.Equal(["202", "203", "204", "206", "207", "208", "201", "205"], planned.Select(r => r.Issue));
        Assert.Equal(planned.Select(r => r.Issue), forecast.Select(r => r.Issue));
        Assert.Equal(planned.Select(r => r.Status == MergeStatus.Merged), forecast.Select(r => r.Status == MergeStatus.WouldMerge));
        Assert.All(planned, r => Assert.StartsWith("Planned order: lands 6 of 8, the input order 5.", r.OrderReason));
        Assert.Contains("lands before 201, which conflict with it", planned[0].OrderReason);
        Assert.Contains("conflicts with 202 (src/a.txt); 203 (src/b.txt), which lands before it", planned[6].OrderReason);
        Assert.Contains("the policies resolve its overlap with 208", planned[4].OrderReason);
        Assert.Contains("no conflict with the base or another issue", planned[3].OrderReason);
    }

    [Fact]
    public void The_input_order_is_kept_when_no_order_lands_more()
    {
        using var repo = new MergeRepo();
        var issues = new[]
        {
            repo.Issue("301", ("src/a.txt", "a1 by 301\na2\na3\n")),
            repo.Issue("302", ("src/a.txt", "a1 by 302\na2\na3\n")),
            repo.Issue("303", ("src/b.txt", "b1 by 303\nb2\nb3\n")),
        };
        var results = repo.Engine().Train(repo.Options() with { ContinueOnError = true, Order = TrainOrder.Planned }, issues);

        Assert.Equal(["301", "302", "303"], results.Select(r => r.Issue));
        Assert.All(results, r => Assert.StartsWith("Input order kept: no other order lands more (2 of 3).", r.OrderReason));
        Assert.Equal([MergeStatus.Merged, MergeStatus.Conflicted, MergeStatus.Merged], results.Select(r => r.Status));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_planned_order_never_lands_fewer_than_the_input_order(int seed)
    {
        // Seven issues each changing two random lines of three shared files: random overlaps, random conflicts.
        var random = new Random(seed);
        using var repo = new MergeRepo();
        var issues = Enumerable.Range(0, 7).Select(k =>
        {
            var issue = repo.Issue($"{400 + k}");
            foreach (var file in new[] { "a", "b", "c" }.OrderBy(_ => random.Next()).Take(2))
            {
                var line = random.Next(1, 4);
                var text = string.Concat(Enumerable.Range(1, 3).Select(l => l == line ? $"{file}{l} by {400 + k}\n" : $"{file}{l}\n"));
                repo.Commit($"{400 + k}", $"src/{file}.txt", text, $"issue {400 + k}: {file}{line}");
            }
            return issue;
        }).ToList();
        var main = repo.Tip();

        var input = Landed(repo.Engine().Train(repo.Options() with { ContinueOnError = true }, issues));
        repo.Git("reset", "-q", "--hard", main);
        var planned = repo.Engine().Train(repo.Options() with { ContinueOnError = true, Order = TrainOrder.Planned }, issues);

        Assert.True(Landed(planned).Count >= input.Count, $"input lands {string.Join(", ", input)}; planned {string.Join(", ", planned.Select(r => $"{r.Issue} {r.Status}"))}");
        Assert.Equal(7, planned.Select(r => r.Issue).Distinct().Count());
    }

    [Fact]
    public void The_search_finds_a_largest_set_and_never_fewer_than_the_input_order_keeps()
    {
        var random = new Random(7);
        for (var round = 0; round < 2000; round++)
        {
            var n = random.Next(1, 13);
            var conflicts = new ulong[n];
            for (var a = 0; a < n; a++)
                for (var b = a + 1; b < n; b++)
                    if (random.NextDouble() < 0.3) (conflicts[a], conflicts[b]) = (conflicts[a] | 1UL << b, conflicts[b] | 1UL << a);
            var candidates = (1UL << n) - 1 & ~(random.NextDouble() < 0.3 ? 1UL << random.Next(n) : 0);

            var set = TrainPlanner.LargestCompatibleSet(candidates, conflicts);

            Assert.Equal(set, set & candidates);
            for (var k = 0; k < n; k++) Assert.True((set >> k & 1) == 0 || (conflicts[k] & set) == 0, "two chosen issues conflict");
            var greedy = 0UL;   // what the input order lands: each issue that conflicts with none landed before it
            for (var k = 0; k < n; k++) if ((candidates >> k & 1) == 1 && (conflicts[k] & greedy) == 0) greedy |= 1UL << k;
            var best = 0;       // every subset: the largest compatible one
            for (var subset = 0UL; subset < 1UL << n; subset++)
                if ((subset & ~candidates) == 0 && Enumerable.Range(0, n).All(k => (subset >> k & 1) == 0 || (conflicts[k] & subset) == 0))
                    best = Math.Max(best, BitOperations.PopCount(subset));
            Assert.Equal(best, BitOperations.PopCount(set));
            Assert.True(BitOperations.PopCount(set) >= BitOperations.PopCount(greedy));
        }
    }

    private static List<string> Landed(IEnumerable<MergeResult> results) =>
        results.Where(r => r.Status == MergeStatus.Merged).Select(r => r.Issue).Order(StringComparer.Ordinal).ToList();
}
