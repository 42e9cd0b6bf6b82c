using System.Numerics;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Forecast;

/// <summary>An issue's place in a planned train, and why it is there.</summary>
internal sealed record PlannedIssue(IssueToMerge Issue, string Reason);

/// <summary>
/// Merge-IssueWorktree -Order Planned: the order of a train that lands the most issues. From the pairwise forecast
/// (<see cref="PairForecast"/>: one merge-tree batch over all pairs and each issue against the base; conflicts a policy
/// resolves do not count), an issue that conflicts with the base cannot land, and of two issues that conflict only the
/// first lands. The largest set of issues that do not conflict with each other is found by an exact search (branch and
/// bound, earliest issues preferred among equals) up to <see cref="ExactLimit"/> candidates, by the classic greedy
/// choice (fewest conflicts first) beyond; those go first, in their input order, and the others after them. The plan is
/// then checked by forecasting the whole train (<see cref="TrainForecast"/>, which also sees conflicts no pair shows)
/// against the input order's forecast, and the input order is kept unless the plan lands strictly more.
/// </summary>
internal static class TrainPlanner
{
    /// <summary>Above this many candidates the search is greedy (the exact one is exponential in the worst case).</summary>
    public const int ExactLimit = 40;

    public static IReadOnlyList<PlannedIssue> Plan(string root, MergeSettings settings, string baseName, string baseTip,
        IReadOnlyList<IssueToMerge> issues, MergeStrategy strategy)
    {
        var n = issues.Count;
        if (n > 64)
            return issues.Select((issue, k) => new PlannedIssue(issue, $"Input order kept: a planned order takes at most 64 issues, this train has {n}. {k + 1} of {n}.")).ToList();
        List<ForecastIssue> sides;
        using (var graph = new GitGraph(root))
            sides = issues.Select(i => new ForecastIssue(i.Issue, i.Branch,
                graph.Resolve("refs/heads/" + i.Branch) ?? throw new WorktreeToolsException("BranchNotFound", ErrorKind.ObjectNotFound,
                    $"The issue branch '{i.Branch}' does not exist.", i.Branch), baseName, baseTip)).ToList();
        var pairs = PairForecast.Run(root, settings, sides);
        var index = issues.Select((issue, k) => (issue.Issue, k)).ToDictionary(x => x.Issue, x => x.k, StringComparer.Ordinal);
        var conflicts = new ulong[n];
        var withBase = new IssueConflict?[n];
        foreach (var p in pairs.Where(p => p.Status == ConflictStatus.Conflict))
        {
            if (p.OtherIsBase) { withBase[index[p.Issue]] = p; continue; }
            conflicts[index[p.Issue]] |= 1UL << index[p.Other];
            conflicts[index[p.Other]] |= 1UL << index[p.Issue];
        }
        var candidates = Enumerable.Range(0, n).Where(k => withBase[k] is null).Aggregate(0UL, (set, k) => set | 1UL << k);
        var chosen = LargestCompatibleSet(candidates, conflicts);
        var order = Enumerable.Range(0, n).OrderBy(k => (chosen >> k & 1) == 0).ThenBy(k => k).ToList();

        var planned = Forecast(root, settings, baseName, baseTip, strategy, order.Select(k => sides[k]).ToList());
        var input = order.SequenceEqual(Enumerable.Range(0, n)) ? planned : Forecast(root, settings, baseName, baseTip, strategy, sides);
        var (landsPlanned, landsInput) = (Lands(planned), Lands(input));
        var keep = landsPlanned <= landsInput;
        if (keep) (order, planned) = (Enumerable.Range(0, n).ToList(), input);
        var head = keep
            ? $"Input order kept: no other order lands more ({landsInput} of {n})"
            : $"Planned order: lands {landsPlanned} of {n}, the input order {landsInput}";

        string Names(IEnumerable<int> others) => string.Join(", ", others.Select(o => issues[o].Issue));
        string Files(int a, int b) => string.Join(", ", pairs.First(p => !p.OtherIsBase && (p.Issue == issues[a].Issue && p.Other == issues[b].Issue
            || p.Issue == issues[b].Issue && p.Other == issues[a].Issue)).ConflictFiles);
        var landed = new HashSet<int>();
        var result = new List<PlannedIssue>(n);
        for (var position = 0; position < n; position++)
        {
            var k = order[position];
            var status = planned[position];
            var before = Bits(conflicts[k]).Where(landed.Contains).ToList();
            var after = Bits(conflicts[k]).Where(o => order.IndexOf(o) > position).ToList();
            var resolved = pairs.Where(p => !p.OtherIsBase && p.Status == ConflictStatus.Resolved && (p.Issue == issues[k].Issue || p.Other == issues[k].Issue))
                .Select(p => p.Issue == issues[k].Issue ? p.Other : p.Issue).ToList();
            var reason = status == MergeStatus.WouldConflict
                ? withBase[k] is { } b ? $"conflicts with {baseName} itself ({string.Join(", ", b.ConflictFiles)}): it cannot land before it is synced"
                : before.Count > 0 ? $"conflicts with {string.Join("; ", before.Select(o => $"{issues[o].Issue} ({Files(k, o)})"))}, which lands before it"
                : "conflicts with the issues before it together, though with none of them alone"
                : after.Count > 0 ? $"lands before {Names(after)}, which conflict with it"
                : "no conflict with the base or another issue of the train";
            if (resolved.Count > 0) reason += $"; the policies resolve its overlap with {string.Join(", ", resolved)}";
            result.Add(new PlannedIssue(issues[k], $"{head}. {position + 1} of {n}: {reason}."));
            if (status != MergeStatus.WouldConflict) landed.Add(k);
        }
        return result;
    }

    /// <summary>
    /// The largest set of <paramref name="candidates"/> (bits) no two of which conflict (<paramref name="conflicts"/>: each
    /// one's conflicting bits): exact up to <see cref="ExactLimit"/> candidates, preferring the earliest issues among sets of
    /// the same size; greedy beyond (fewest conflicts first, then earliest).
    /// </summary>
    public static ulong LargestCompatibleSet(ulong candidates, IReadOnlyList<ulong> conflicts)
    {
        if (BitOperations.PopCount(candidates) > ExactLimit)
        {
            var set = 0UL;
            for (var left = candidates; left != 0;)
            {
                var pick = Bits(left).OrderBy(k => BitOperations.PopCount(conflicts[k] & left)).ThenBy(k => k).First();
                set |= 1UL << pick;
                left &= ~(1UL << pick) & ~conflicts[pick];
            }
            return set;
        }
        var (best, bestCount) = (0UL, -1);
        void Search(ulong chosen, ulong left)
        {
            var count = BitOperations.PopCount(chosen);
            if (count + BitOperations.PopCount(left) <= bestCount) return;
            if (left == 0)
            {
                (best, bestCount) = (chosen, count);
                return;
            }
            var k = BitOperations.TrailingZeroCount(left);
            var bit = 1UL << k;
            Search(chosen | bit, left & ~bit & ~conflicts[k]);           // with the earliest first: earlier issues win ties
            if ((conflicts[k] & left) != 0) Search(chosen, left & ~bit);  // without it: only worth it when it excludes others
        }
        Search(0, candidates);
        return best;
    }

    /// <summary>How many issues the train forecast of <paramref name="order"/> lands (or finds already there).</summary>
    private static int Lands(IReadOnlyList<MergeStatus> statuses) => statuses.Count(s => s != MergeStatus.WouldConflict);

    private static List<MergeStatus> Forecast(string root, MergeSettings settings, string baseName, string baseTip, MergeStrategy strategy, IReadOnlyList<ForecastIssue> order)
    {
        using var train = new TrainForecast(root, settings, baseName);
        using var graph = new GitGraph(root);
        // As the real run: an issue whose commits are all there already is UpToDate, the others are forecast.
        return order.Select(i => graph.Contains(train.Onto(baseTip), i.Commit) ? MergeStatus.UpToDate : train.Next(i.Issue, baseTip, i.Commit, strategy).Status).ToList();
    }

    private static IEnumerable<int> Bits(ulong set)
    {
        for (; set != 0; set &= set - 1) yield return BitOperations.TrailingZeroCount(set);
    }
}
