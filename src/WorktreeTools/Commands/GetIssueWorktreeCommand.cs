using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>Lists issue worktrees with live status: ahead/behind, dirty, merged, locked, missing, ports.</summary>
[Cmdlet(VerbsCommon.Get, "IssueWorktree")]
[OutputType(typeof(IssueWorktree))]
public sealed class GetIssueWorktreeCommand : RepositoryCmdlet
{
    /// <summary>Issue ids to show; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number", "Id")]
    [SupportsWildcards]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    /// <summary>Also show worktrees of the repository that WorktreeTools did not create.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord() => Gather(Issue);

    protected override void EndProcessing()
    {
        foreach (var (repository, patterns) in Gathered) TryOrStop(() => List(repository, patterns));
    }

    private void List(string repository, IReadOnlyList<string> patterns)
    {
        var list = Engine.Worktrees(repository, Operation).List(patterns, All);
        foreach (var p in patterns.Where(p => !WildcardPattern.ContainsWildcardCharacters(p)))
            if (!list.Any(w => w.Issue.Equals(p, StringComparison.OrdinalIgnoreCase)))
                WriteError(ToErrorRecord(new WorktreeToolsException("IssueWorktreeNotFound", ErrorKind.ObjectNotFound,
                    $"Issue {p} has no worktree. Create it with New-IssueWorktree {p}.", p), p));
        WriteObject(list, enumerateCollection: true);
    }
}
