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
