using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Gets agent runs with their live state, exit code, duration and the commits they added.</summary>
[Cmdlet(VerbsCommon.Get, "IssueAgent")]
[OutputType(typeof(AgentRun))]
public sealed class GetIssueAgentCommand : RepositoryCmdlet
{
    /// <summary>Issue ids whose runs to show; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number")]
    [SupportsWildcards]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    /// <summary>One run, by its id.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RunCompleter))]
    public string? Id { get; set; }

    protected override void ProcessRecord() => Gather(Issue);

    protected override void EndProcessing()
    {
        foreach (var (repository, patterns) in Gathered)
            TryOrStop(() => WriteObject(Engine.Worktrees(repository, Operation).AgentRunsOf(patterns, Id), enumerateCollection: true));
    }
}
