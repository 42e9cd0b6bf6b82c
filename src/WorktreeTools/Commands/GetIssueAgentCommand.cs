using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Gets agent runs with their live state, exit code, duration and the commits they added.</summary>
[Cmdlet(VerbsCommon.Get, "IssueAgent")]
[OutputType(typeof(AgentRun))]
public sealed class GetIssueAgentCommand : RepositoryCmdlet
{
    private readonly List<string> _patterns = [];

    /// <summary>Issue ids whose runs to show; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    /// <summary>One run, by its id.</summary>
    [Parameter]
    public string? Id { get; set; }

    protected override void ProcessRecord()
    {
        if (Issue is not null) _patterns.AddRange(Issue);
    }

    protected override void EndProcessing() => TryOrStop(() =>
        WriteObject(Engine.Worktrees(RepositoryPath, Operation).AgentRunsOf(_patterns, Id), enumerateCollection: true));
}
