using System.Management.Automation;

namespace WorktreeTools.Commands;

/// <summary>The base of cmdlets that work on one repository: the -Repository parameter and the engine's worktree service.</summary>
public abstract class RepositoryCmdlet : WorktreeCmdlet
{
    private readonly List<(string Repository, string[] Items)> _gathered = [];

    /// <summary>A folder inside the repository (default: the current location).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("RepositoryRoot")]
    public string? Repository { get; set; }

    /// <summary>The repository folder to hand to the engine (of the current pipeline item).</summary>
    protected string RepositoryPath => ResolvePath(Repository);

    /// <summary>Keeps the current item's issues, with its repository, for <see cref="Gathered"/> (call in ProcessRecord).</summary>
    protected void Gather(IEnumerable<string>? items) => _gathered.Add((RepositoryPath, items?.ToArray() ?? []));

    /// <summary>Writes IssueWorktreeNotFound for each id without wildcards that names none of <paramref name="found"/>.</summary>
    protected void ReportMissing(IEnumerable<string> patterns, IEnumerable<string> found)
    {
        var issues = found.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in patterns.Where(p => !WildcardPattern.ContainsWildcardCharacters(p) && !issues.Contains(p)))
            WriteError(ToErrorRecord(new WorktreeToolsException("IssueWorktreeNotFound", ErrorKind.ObjectNotFound,
                $"Issue {p} has no worktree. Create it with New-IssueWorktree {p}.", p), p));
    }

    /// <summary>What <see cref="Gather"/> kept, one entry per repository in the order they came, the issues in theirs.</summary>
    protected IEnumerable<(string Repository, IReadOnlyList<string> Items)> Gathered =>
        _gathered.GroupBy(g => g.Repository, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.SelectMany(x => x.Items).ToList()));
}
