using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Waits until agent runs end and emits each finished run.</summary>
// A piped AgentRun has both Issue and Id: the Id set is the default, so that the very run piped in is meant.
[Cmdlet(VerbsLifecycle.Wait, "IssueAgent", DefaultParameterSetName = "Id")]
[OutputType(typeof(AgentRun))]
public sealed class WaitIssueAgentCommand : RepositoryCmdlet
{
    /// <summary>Issues whose latest run to wait for.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Issue")]
    [Alias("Number")]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[] Issue { get; set; } = [];

    /// <summary>Run ids to wait for.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    public string[] Id { get; set; } = [];

    /// <summary>Give up after this many seconds (AgentWaitTimeout error); default: no limit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Timeout { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var target in ParameterSetName == "Id" ? Id : Issue)
            Try(() => WriteObject(Engine.Worktrees(RepositoryPath, Operation)
                .WaitForAgent(target, Timeout is { } t ? TimeSpan.FromSeconds(t) : null)), target);
    }
}
