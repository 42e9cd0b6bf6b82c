using LibGit2Sharp;

namespace WorktreeTools.Core.Git;

/// <summary>
/// In-process, read-only history queries (LibGit2Sharp): ahead/behind for many branches costs about a
/// millisecond each instead of a git process each.
/// </summary>
public sealed class GitGraph : IDisposable
{
    private readonly Repository _repo;

    public GitGraph(string repositoryPath) => _repo = new Repository(repositoryPath);

    /// <summary>The commit id a branch or ref name points to, or null.</summary>
    public string? Resolve(string name)
    {
        var commit = Lookup(name);
        return commit?.Sha;
    }

    /// <summary>Commits on <paramref name="branch"/> not in <paramref name="baseRef"/> (ahead), and the reverse (behind).</summary>
    public (int Ahead, int Behind) Divergence(string branch, string baseRef)
    {
        var b = Lookup(branch);
        var a = Lookup(baseRef);
        if (a is null || b is null) return (0, 0);
        var d = _repo.ObjectDatabase.CalculateHistoryDivergence(b, a);
        return (d.AheadBy ?? 0, d.BehindBy ?? 0);
    }

    public string? TreeOf(string name) => Lookup(name)?.Tree.Sha;

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="descendant"/> or in its history.</summary>
    public bool Contains(string descendant, string ancestor)
    {
        var d = Lookup(descendant);
        var a = Lookup(ancestor);
        return d is not null && a is not null && (d.Sha == a.Sha || _repo.ObjectDatabase.FindMergeBase(a, d)?.Sha == a.Sha);
    }

    /// <summary>
    /// Where <paramref name="tip"/> left the line of <paramref name="baseRef"/>: the newest commit on the base's
    /// first-parent line that <paramref name="tip"/>'s history contains (the tip itself when it is on that line);
    /// null when they share no history. Commits merged into the base from a side branch are not on its line.
    /// </summary>
    public string? ForkPoint(string tip, string baseRef)
    {
        var t = Lookup(tip);
        var b = Lookup(baseRef);
        if (t is null || b is null) return null;
        // Everything the base has that the tip lacks; the first commit of the base's line not among them is the fork point.
        var baseOnly = _repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = b, ExcludeReachableFrom = t })
            .Select(c => c.Sha).ToHashSet(StringComparer.Ordinal);
        for (var c = b; c is not null; c = c.Parents.FirstOrDefault())
            if (!baseOnly.Contains(c.Sha)) return c.Sha;
        return null;
    }

    /// <summary>The commits in <paramref name="tip"/>'s history and in none of <paramref name="exclude"/>'s, merge commits left out.</summary>
    public IReadOnlyList<string> NonMergeCommits(string tip, IEnumerable<string> exclude)
    {
        var t = Lookup(tip);
        if (t is null) return [];
        var hidden = exclude.Select(Lookup).OfType<Commit>().ToList();
        var filter = new CommitFilter { IncludeReachableFrom = t, ExcludeReachableFrom = hidden.Count == 0 ? null : hidden };
        return _repo.Commits.QueryBy(filter).Where(c => c.Parents.Count() < 2).Select(c => c.Sha).ToList();
    }

    /// <summary>The remote branch <paramref name="branch"/> is pushed to: its configured upstream, else <c>&lt;remote&gt;/&lt;branch&gt;</c>; null when there is none.</summary>
    public string? Upstream(string branch, string remote)
    {
        var local = _repo.Branches[branch];
        if (local is { IsTracking: true, TrackedBranch.Tip: not null }) return local.TrackedBranch.CanonicalName;
        var fallback = $"refs/remotes/{remote}/{branch}";
        return Lookup(fallback) is null ? null : fallback;
    }

    /// <summary>The reflog of <paramref name="refName"/>, newest first: each move's new commit and its message.</summary>
    public IReadOnlyList<(string To, string Message)> Reflog(string refName)
    {
        try
        {
            return _repo.Refs.Log(refName).Select(e => (e.To.Sha, e.Message ?? "")).ToList();
        }
        catch (LibGit2SharpException)
        {
            return [];
        }
    }

    /// <summary>The best common ancestor of two commits, or null when they share no history.</summary>
    public string? MergeBase(string a, string b) =>
        Lookup(a) is { } x && Lookup(b) is { } y ? _repo.ObjectDatabase.FindMergeBase(x, y)?.Sha : null;

    /// <summary>The raw contents of a blob.</summary>
    public byte[] Blob(string id)
    {
        using var stream = _repo.Lookup<Blob>(id).GetContentStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Every <c>.gitattributes</c> file in the tree of <paramref name="commit"/> (path → blob id). Trees are
    /// immutable, so each subtree's answer is remembered: branches that share most of their tree cost little.
    /// </summary>
    public IReadOnlyList<(string Path, string Blob)> AttributeFiles(string commit) =>
        Lookup(commit) is { } c ? AttributeFiles(c.Tree) : [];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ObjectId, (string Path, string Blob)[]> AttributeCache = new();

    private static (string Path, string Blob)[] AttributeFiles(Tree tree)
    {
        if (AttributeCache.TryGetValue(tree.Id, out var known)) return known;
        var found = new List<(string, string)>();
        foreach (var entry in tree)
        {
            if (entry.TargetType == TreeEntryTargetType.Tree)
                found.AddRange(AttributeFiles((Tree)entry.Target).Select(f => (entry.Name + "/" + f.Path, f.Blob)));
            else if (entry.TargetType == TreeEntryTargetType.Blob && entry.Name == ".gitattributes")
                found.Add((entry.Name, entry.Target.Sha));
        }
        var result = found.Count == 0 ? [] : found.ToArray();
        AttributeCache[tree.Id] = result;
        return result;
    }

    /// <summary>The folder git keeps this repository (or worktree) in.</summary>
    public string GitDirectory => _repo.Info.Path;

    private Commit? Lookup(string name)
    {
        try
        {
            return (_repo.Branches[name]?.Tip) ?? _repo.Lookup<Commit>(name);
        }
        catch (LibGit2SharpException)
        {
            return null;
        }
    }

    public void Dispose() => _repo.Dispose();
}
