using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Worktrees;

/// <summary>Where one issue's worktree, branch and files go, from the configuration's templates.</summary>
public sealed record WorktreeLayout(string Issue, string Name, string Branch, string Path, string Base, string? DatabaseRelative)
{
    public static WorktreeLayout For(RepositoryInfo repo, WorktreeConfig config, string issue, string? baseBranch = null)
    {
        var tokens = new Dictionary<string, string> { ["repo"] = repo.Name, ["issue"] = issue };
        var name = Template.Expand(config.Worktrees.Name, tokens);
        if (name.Length == 0 || name.IndexOfAny(['/', '\\', ':']) >= 0 || name is "." or ".." ||
            name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0)
            throw new WorktreeToolsException("InvalidWorktreeName", ErrorKind.InvalidData,
                $"worktrees.name gives '{name}' for issue {issue}; it must be a single folder name.", name);
        tokens["name"] = name;
        var branch = Template.Expand(config.Worktrees.Branch, tokens);
        var check = GitCli.Read(repo.MainRoot, ["check-ref-format", "--branch", branch], check: false);
        if (!check.Success)
            throw new WorktreeToolsException("InvalidBranchName", ErrorKind.InvalidData,
                $"worktrees.branch gives '{branch}' for issue {issue}, which is not a valid branch name.", branch);
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(repo.MainRoot, Template.Expand(config.Worktrees.Root, tokens)));
        var @base = string.IsNullOrWhiteSpace(baseBranch) ? config.Worktrees.Base : baseBranch.Trim();
        tokens["branch"] = branch;
        tokens["base"] = @base;
        var database = config.Database.Path is null ? null : Template.Expand(config.Database.Path, tokens);
        return new WorktreeLayout(issue, name, branch, System.IO.Path.Combine(root, name), @base, database);
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
}
