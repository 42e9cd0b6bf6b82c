using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Migrations;

namespace WorktreeTools.Core.Merging.Forecast;

/// <summary>
/// Builds the trees and commits of a forecast the way the real run would shape them, without a checkout: a tree is
/// edited in a temporary index file outside every worktree (<c>GIT_INDEX_FILE</c>), and a commit is made with
/// <c>git commit-tree</c>. Nothing points at the results (no ref, no reflog): they are dangling objects git's garbage
/// collection removes, invisible to the user.
/// </summary>
internal static class ForecastTree
{
    /// <summary>The identity of forecast commits: a forecast must not fail where no user identity is configured.</summary>
    private static readonly Dictionary<string, string?> Identity = new()
    {
        ["GIT_AUTHOR_NAME"] = "WorktreeTools forecast", ["GIT_AUTHOR_EMAIL"] = "forecast@worktree-tools.invalid",
        ["GIT_COMMITTER_NAME"] = "WorktreeTools forecast", ["GIT_COMMITTER_EMAIL"] = "forecast@worktree-tools.invalid",
    };

    /// <summary>
    /// <paramref name="tree"/> with <paramref name="edits"/> applied: the removals first, so a path one edit removes and
    /// another puts ends up put (as <see cref="MigrationPlan.ApplyToIndex"/> leaves it).
    /// </summary>
    public static string Edit(string repo, string tree, IReadOnlyCollection<PathOperation> edits)
    {
        if (edits.Count == 0) return tree;
        var index = Path.Combine(Path.GetTempPath(), $"wtt-forecast-index-{Guid.NewGuid():N}");
        try
        {
            var env = new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = index };
            GitCli.Run(repo, ["read-tree", tree], env: env);
            var lines = string.Concat(edits.OrderBy(e => e.Blob is not null).Select(e => e.Blob is null
                ? $"0 0000000000000000000000000000000000000000\t{e.Path}\0"
                : $"{e.Mode} {e.Blob}\t{e.Path}\0"));
            GitCli.Run(repo, ["update-index", "-z", "--index-info"], stdin: lines, env: env);
            return GitCli.Run(repo, ["write-tree"], env: env).Output.Trim();
        }
        finally
        {
            File.Delete(index);
            File.Delete(index + ".lock");
        }
    }

    /// <summary>A commit of <paramref name="tree"/> with <paramref name="parents"/>, referenced by nothing.</summary>
    public static string Commit(string repo, string tree, IEnumerable<string> parents, string message) =>
        GitCli.Run(repo, ["commit-tree", tree, .. parents.SelectMany(p => new[] { "-p", p }), "-m", message], env: Identity).Output.Trim();
}
