using System.Text.RegularExpressions;
using WorktreeTools.Worktrees;
using WorktreeTools.Core.Merging.Forecast;

namespace WorktreeTools.Core.Git;

/// <summary>The base refs an issue branch is measured against: the primary one, and the other side of a base that differs from its remote.</summary>
/// <param name="Primary">The base's remote-tracking branch when the local base lags it (what creation and sync start from), else the local base; null when neither exists.</param>
/// <param name="Other">The other of the two when both exist and differ, else null.</param>
public sealed record BaseTargets(string? Primary, string? Other)
{
    public IReadOnlyList<string> All => Other is null ? Primary is null ? [] : [Primary] : [Primary!, Other];

    /// <summary>Short display name of a ref (<c>refs/remotes/origin/main</c> → <c>origin/main</c>).</summary>
    public static string ShortName(string refName) =>
        refName.StartsWith("refs/heads/", StringComparison.Ordinal) ? refName[11..]
        : refName.StartsWith("refs/remotes/", StringComparison.Ordinal) ? refName[13..]
        : refName;

    public static BaseTargets For(GitGraph graph, string baseName, string remote)
    {
        string local = "refs/heads/" + baseName, tracking = $"refs/remotes/{remote}/{baseName}";
        var l = graph.Resolve(local);
        var r = graph.Resolve(tracking);
        if (l is null) return new BaseTargets(r is null ? null : tracking, null);
        if (r is null || r == l) return new BaseTargets(local, null);
        return graph.Contains(r, l) ? new BaseTargets(tracking, local) : new BaseTargets(local, tracking);
    }
}

/// <summary>
/// Decides whether issue branches are merged into their base, and how (worktrunk's integration checks, cheapest
/// first), under the truth rule: merged means the branch has commits of its own and all of them are in the base.
/// A branch's own commits are those not on its base's line (no start commit is remembered: rebases, re-created
/// worktrees and adopted branches would lose it):
/// <list type="bullet">
/// <item>not in the base at all: its own, unmerged unless the base has their content (trees match, merging
/// changes nothing, or the same patches);</item>
/// <item>in the base: its own when they came in from the side (a merge commit), or when the branch's reflog shows
/// they were made on it (a commit, a rebase that replayed work, WorktreeTools' rebase merge) and the base took
/// them by fast-forward. Commits of the base's own line are never the branch's: a branch made from main that
/// only followed it is <see cref="Integration.Empty"/>, however far main moved.</item>
/// </list>
/// Merge commits alone are not work. Every answer is read from the repository as it is now.
/// </summary>
public static partial class BranchIntegration
{
    /// <summary>One branch to classify: its tip, its branch name (for the reflog; null when detached) and its base targets.</summary>
    public sealed record Request(string Tip, string? Branch, BaseTargets Targets);

    /// <summary>Beyond this many base commits since the fork, patches are not compared (the safe answer: not merged).</summary>
    private const int PatchScanLimit = 500;

    public static IReadOnlyList<Integration> Classify(string repoRoot, GitGraph graph, IReadOnlyList<Request> requests)
    {
        var result = new Integration[requests.Count];
        var byContent = new List<int>();
        for (var i = 0; i < requests.Count; i++)
        {
            var (tip, branch, targets) = requests[i];
            if (targets.Primary is null)
            {
                result[i] = Integration.NotMerged; // no base to compare with: never claim it merged
                continue;
            }
            if (graph.NonMergeCommits(tip, targets.All).Count > 0)
            {
                result[i] = Integration.NotMerged;
                byContent.Add(i);
                continue;
            }
            var container = targets.All.FirstOrDefault(t => graph.Contains(t, tip));
            if (container is null)
            {
                result[i] = Integration.Empty; // only merge commits of its own (e.g. the base merged in)
                continue;
            }
            var forks = targets.All.Select(t => graph.ForkPoint(tip, t)).OfType<string>().ToList();
            var ownWork = graph.NonMergeCommits(tip, forks).Count > 0 || (branch is not null && MadeOnBranch(graph, branch, tip));
            result[i] = !ownWork ? Integration.Empty : graph.Resolve(container) == tip ? Integration.SameCommit : Integration.Ancestor;
        }
        ByContent(repoRoot, graph, requests, byContent, result);
        return result;
    }

    /// <summary>Squash- or rebase-merged work: same tree, or merging changes nothing (one merge-tree process), or the same patches.</summary>
    private static void ByContent(string repoRoot, GitGraph graph, IReadOnlyList<Request> requests, List<int> indexes, Integration[] result)
    {
        var pairs = new List<(int Index, string Target)>();
        foreach (var i in indexes)
        {
            var target = requests[i].Targets.All.FirstOrDefault(t => graph.TreeOf(t) == graph.TreeOf(requests[i].Tip));
            if (target is not null) result[i] = Integration.TreesMatch;
            else pairs.AddRange(requests[i].Targets.All.Select(t => (i, t)));
        }
        if (pairs.Count == 0) return;
        var forecasts = MergeForecast.Run(repoRoot, pairs.Select(p => (graph.Resolve(p.Target)!, requests[p.Index].Tip)).ToList());
        for (var k = 0; k < forecasts.Count; k++)
        {
            var (i, target) = pairs[k];
            if (result[i] != Integration.NotMerged) continue;
            if (forecasts[k].Clean && forecasts[k].Tree == graph.TreeOf(target)) result[i] = Integration.Content;
            // A squash or rebase merge the base changed again since conflicts: compare patches instead.
            else if (!forecasts[k].Clean && SamePatches(repoRoot, graph, requests[i].Tip, target)) result[i] = Integration.Patches;
        }
    }

    /// <summary>
    /// True when every commit of the branch that the target lacks has a commit with the same patch in the target
    /// (rebase, cherry-pick), or the branch's whole change is one commit of the target (squash).
    /// </summary>
    private static bool SamePatches(string repoRoot, GitGraph graph, string tip, string target)
    {
        var mergeBase = GitCli.Read(repoRoot, ["merge-base", target, tip], check: false).Output.Trim();
        if (mergeBase.Length == 0) return false;
        var count = GitCli.Read(repoRoot, ["rev-list", "--count", "--no-merges", mergeBase + ".." + target], check: false).Output.Trim();
        if (!int.TryParse(count, out var n) || n == 0 || n > PatchScanLimit) return false;
        var inTarget = PatchIds(repoRoot, mergeBase + ".." + target).Keys.ToHashSet(StringComparer.Ordinal);
        var own = PatchIds(repoRoot, target + ".." + tip);
        if (own.Count > 0 && own.Keys.All(inTarget.Contains)) return true;
        var whole = PatchIdsOf(repoRoot, GitCli.Read(repoRoot, ["diff-tree", "-p", "--no-ext-diff", "--no-textconv", mergeBase, tip]).Output);
        return whole.Count == 1 && inTarget.Contains(whole.Keys.Single());
    }

    /// <summary>Patch id → commit for the non-merge commits of <paramref name="range"/> (plumbing only, so user diff settings do not matter).</summary>
    private static Dictionary<string, string> PatchIds(string repoRoot, string range)
    {
        var revs = GitCli.Read(repoRoot, ["rev-list", "--no-merges", range]).Output;
        if (revs.Trim().Length == 0) return [];
        var diffs = GitCli.Read(repoRoot, ["diff-tree", "--stdin", "-p", "--no-ext-diff", "--no-textconv"], stdin: revs).Output;
        return PatchIdsOf(repoRoot, diffs);
    }

    private static Dictionary<string, string> PatchIdsOf(string repoRoot, string diffs)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        if (diffs.Length == 0) return ids;
        foreach (var line in GitCli.Read(repoRoot, ["patch-id", "--stable"], stdin: diffs).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            if (f.Length == 2) ids.TryAdd(f[0], f[1]);
        }
        return ids;
    }

    /// <summary>Reflog messages of moves that put new work on a branch: commits, and the rebase merge of Merge-IssueWorktree.</summary>
    [GeneratedRegex(@"^(commit( \((amend|merge|initial)\))?|cherry-pick|revert|am|worktree-tools: rebase issue)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Made();

    /// <summary>A rebase's last step (<c>rebase (finish): refs/heads/x onto &lt;sha&gt;</c>): it replayed work when the branch did not land on the base itself.</summary>
    [GeneratedRegex(@"\(finish\): \S+ onto ([0-9a-f]{40,64})$", RegexOptions.CultureInvariant)]
    private static partial Regex RebaseFinish();

    /// <summary>True when the branch's reflog shows a commit made on it that is still in its history.</summary>
    private static bool MadeOnBranch(GitGraph graph, string branch, string tip) =>
        graph.Reflog("refs/heads/" + branch).Any(e =>
            (Made().IsMatch(e.Message) || RebaseFinish().Match(e.Message) is { Success: true } m && m.Groups[1].Value != e.To)
            && graph.Contains(tip, e.To));
}
