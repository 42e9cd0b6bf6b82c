using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Gets the dev servers of the repository's issues with their live state.</summary>
[Cmdlet(VerbsCommon.Get, "DevServer")]
[OutputType(typeof(DevServer))]
public sealed class GetDevServerCommand : RepositoryCmdlet
{
    /// <summary>Issue ids to show; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number", "Id")]
    [SupportsWildcards]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    protected override void ProcessRecord() => Gather(Issue);

    protected override void EndProcessing()
    {
        foreach (var (repository, patterns) in Gathered)
            TryOrStop(() => WriteObject(Engine.Worktrees(repository, Operation).DevServersOf(patterns), enumerateCollection: true));
    }
}
