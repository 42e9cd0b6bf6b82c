using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Stops agent runs and everything they started, from any session.</summary>
// A piped AgentRun has both Issue and Id: the Id set is the default, so that the very run piped in is meant.
[Cmdlet(VerbsLifecycle.Stop, "IssueAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Id")]
[OutputType(typeof(AgentRun))]
public sealed class StopIssueAgentCommand : RepositoryCmdlet
{
    /// <summary>Issues whose latest run to stop.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Issue")]
    [Alias("Number")]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[] Issue { get; set; } = [];

    /// <summary>Run ids to stop.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    public string[] Id { get; set; } = [];

    /// <summary>Emit the stopped run.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var target in ParameterSetName == "Id" ? Id : Issue)
            Try(() =>
            {
                var run = Engine.Worktrees(RepositoryPath, Operation).StopAgent(target);
                if (PassThru) WriteObject(run);
            }, target);
    }
}
