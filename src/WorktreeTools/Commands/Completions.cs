using WorktreeTools.Core.Git;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Resources;

namespace WorktreeTools.Commands;

/// <summary>
/// Engine look-ups for tab completion: the registries and git reads, no status (completion must be instant).
/// </summary>
internal static class Completions
{
    public static IEnumerable<(string Issue, string Branch, string Path)> Issues(string location) =>
        new LeaseRegistry().ForRepository(Root(location)).Select(r => (r.Issue, r.Branch, r.Path)).ToList();

    /// <summary>Local branches, and the remotes' branches by their name without the remote (what -Base takes).</summary>
    public static IEnumerable<string> Branches(string location)
    {
        var refs = GitCli.Read(Root(location), ["for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes"], check: false);
        return refs.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.StartsWith("refs/heads/", StringComparison.Ordinal) ? r["refs/heads/".Length..]
                : r.Split('/', 4) is [_, _, _, var name] && name != "HEAD" ? name : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The issue branch's own commits (not in its base), newest first: short id and subject.</summary>
    public static IEnumerable<(string Sha, string Subject)> Commits(string location, string issue)
    {
        var root = Root(location);
        var record = new LeaseRegistry().Find(root, issue);
        if (record is null) return [];
        var log = GitCli.Read(root, ["log", "--format=%h%x1f%s", $"refs/heads/{record.Base}..refs/heads/{record.Branch}", "--"], check: false);
        return log.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\x1f', 2)).Select(f => (f[0], f.Length > 1 ? f[1] : "")).ToList();
    }

    /// <summary>The recorded agent runs, newest first.</summary>
    public static IEnumerable<(string Id, string Issue, string Agent, string Prompt)> Runs(string location) =>
        AgentRuns.Get(Root(location)).OrderByDescending(r => r.StartedAt).Select(r => (r.Id, r.Issue, r.Agent, r.Prompt)).ToList();

    private static string Root(string location) => RepositoryInfo.Discover(location).MainRoot;
}
