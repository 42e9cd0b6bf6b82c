using WorktreeTools.Core.Git;
using WorktreeTools.Core.Resources;

namespace WorktreeTools.Commands;

/// <summary>Engine look-ups for tab completion: the registry only, no git status (completion must be instant).</summary>
internal static class Completions
{
    public static IEnumerable<(string Issue, string Branch, string Path)> Issues(string location)
    {
        var repo = RepositoryInfo.Discover(location);
        return new LeaseRegistry().ForRepository(repo.MainRoot).Select(r => (r.Issue, r.Branch, r.Path)).ToList();
    }
}
