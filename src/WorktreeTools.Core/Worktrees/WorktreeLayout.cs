using System.Text.RegularExpressions;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Worktrees;

/// <summary>Where one issue's worktree, branch and files go, from the configuration's templates.</summary>
public sealed partial record WorktreeLayout(string Issue, string Name, string Branch, string Path, string Base, string? DatabaseRelative)
{
    /// <summary>
    /// The layout of <paramref name="issue"/>, every part checked before anything is created: the folder name is one
    /// plain name, the branch and base are valid branch names of a safe alphabet (no shell or option syntax), and
    /// the paths a repository's file names stay inside the repository and its worktrees.
    /// </summary>
    public static WorktreeLayout For(RepositoryInfo repo, WorktreeConfig config, string issue, string? baseBranch = null)
    {
        var tokens = new Dictionary<string, string> { ["repo"] = repo.Name, ["issue"] = issue };
        var name = Template.Expand(config.Worktrees.Name, tokens);
        if (!FolderName().IsMatch(name) || name.EndsWith('.') || name.EndsWith(' ') || name.Contains(".."))
            throw new WorktreeToolsException("InvalidWorktreeName", ErrorKind.InvalidData,
                $"worktrees.name gives '{name}' for issue {issue}; it must be one folder name of letters, digits, spaces and . _ + @ -, " +
                "not starting with '.', '-' or a space.", name);
        tokens["name"] = name;
        var branch = CheckBranch(repo, Template.Expand(config.Worktrees.Branch, tokens), $"worktrees.branch gives '{{0}}' for issue {issue}", "InvalidBranchName");
        var @base = CheckBranch(repo, string.IsNullOrWhiteSpace(baseBranch) ? config.Worktrees.Base : baseBranch.Trim(),
            string.IsNullOrWhiteSpace(baseBranch) ? "worktrees.base is '{0}'" : "-Base '{0}'", "InvalidBaseName");
        var root = Root(repo, config, Template.Expand(config.Worktrees.Root, tokens));
        tokens["branch"] = branch;
        tokens["base"] = @base;
        var path = System.IO.Path.Combine(root, name);
        var database = config.Database.Path is null ? null : Template.Expand(config.Database.Path, tokens);
        if (database is not null)
            PathGuard.Inside(System.IO.Path.Combine(path, database), path, "database.path", config.SourceOf("database.path") == ConfigSource.User);
        return new WorktreeLayout(issue, name, branch, path, @base, database);
    }

    /// <summary>
    /// A branch name of the safe alphabet that git accepts, or an error with <paramref name="errorId"/>. Within the safe
    /// alphabet (no <c>@{</c>) git's answer depends on the name alone, so a name it accepted is not asked about again.
    /// </summary>
    private static string CheckBranch(RepositoryInfo repo, string branch, string what, string errorId)
    {
        if (BranchName().IsMatch(branch) && !branch.Contains("//") && !branch.Contains("/.") && !branch.Contains("/-") &&
            (Accepted.ContainsKey(branch) || GitCli.Read(repo.MainRoot, ["check-ref-format", "--branch", branch], check: false).Success))
        {
            Accepted.TryAdd(branch, true);
            return branch;
        }
        throw new WorktreeToolsException(errorId, ErrorKind.InvalidData,
            string.Format(System.Globalization.CultureInfo.InvariantCulture, what, branch) +
            ", which is not a branch name WorktreeTools uses: letters, digits and . _ / + @ - only, each part starting with a letter or digit, as git allows.", branch);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Accepted = new(StringComparer.Ordinal);

    /// <summary>
    /// The folder of the worktrees. From a repository's file it must be inside the repository, the folder that holds
    /// it, or a folder in there that is not hidden (or is named after the repository), links followed: so that no
    /// clone can place a checkout in ~/.config or another sensitive place.
    /// </summary>
    private static string Root(RepositoryInfo repo, WorktreeConfig config, string written)
    {
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(repo.MainRoot, written));
        if (config.SourceOf("worktrees.root") == ConfigSource.User) return root;
        var resolved = PathGuard.Resolve(root);
        var holder = PathGuard.Resolve(System.IO.Path.GetDirectoryName(repo.MainRoot)!);
        var below = PathGuard.IsInside(resolved, holder) ? System.IO.Path.GetRelativePath(holder, resolved) : null;
        var first = below?.Split(System.IO.Path.DirectorySeparatorChar)[0];
        if (below is not null && (below == "." || !first!.StartsWith('.') || first.StartsWith(System.IO.Path.GetFileName(repo.MainRoot), StringComparison.Ordinal)))
            return root;
        throw new WorktreeToolsException("PathOutsideRepository", ErrorKind.SecurityError,
            $"worktrees.root leads to {resolved}, which is neither in the repository nor next to it (in {holder}, not a hidden folder). " +
            "Nothing was changed. If you want worktrees there, set worktrees.root in your own configuration file.", written);
    }

    /// <summary>The layout an existing worktree was created with (configuration may have changed since).</summary>
    public static WorktreeLayout Of(WorktreeTools.Worktrees.IssueWorktree w) =>
        new(w.Issue, w.Name, w.Branch, w.Path, w.Base, w.Database is null ? null : System.IO.Path.GetRelativePath(w.Path, w.Database));

    /// <summary>Every token value for templates that run against a created worktree (env, commands).</summary>
    public Dictionary<string, string> Tokens(RepositoryInfo repo, IReadOnlyDictionary<string, int> ports)
    {
        var tokens = new Dictionary<string, string>
        {
            ["repo"] = repo.Name,
            ["issue"] = Issue,
            ["name"] = Name,
            ["branch"] = Branch,
            ["base"] = Base,
            ["worktree"] = Path,
            ["database"] = DatabaseRelative ?? "",
        };
        foreach (var (k, v) in ports) tokens["port." + k] = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return tokens;
    }

    public string? DatabaseFullPath => DatabaseRelative is null ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, DatabaseRelative));

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9 ._+@-]*$")]
    private static partial Regex FolderName();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._/+@-]*$")]
    private static partial Regex BranchName();
}
