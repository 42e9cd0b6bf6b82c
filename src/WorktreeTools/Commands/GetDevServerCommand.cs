using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Gets the dev servers of the repository's issues with their live state.</summary>
[Cmdlet(VerbsCommon.Get, "DevServer")]
[OutputType(typeof(DevServer))]
public sealed class GetDevServerCommand : RepositoryCmdlet
{
    private readonly List<string> _patterns = [];

    /// <summary>Issue ids to show; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Number")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    protected override void ProcessRecord()
    {
        if (Issue is not null) _patterns.AddRange(Issue);
    }

    protected override void EndProcessing() => TryOrStop(() =>
        WriteObject(Engine.Worktrees(RepositoryPath, Operation).DevServersOf(_patterns), enumerateCollection: true));
}
