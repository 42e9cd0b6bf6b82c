using System.Management.Automation;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Stops agent runs and everything they started, from any session.</summary>
[Cmdlet(VerbsLifecycle.Stop, "IssueAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AgentRun))]
public sealed class StopIssueAgentCommand : AgentRunsCmdlet
{
    /// <summary>Emit the stopped run.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var target in Runs("stop"))
            Try(() =>
            {
                var run = Engine.Worktrees(RepositoryPath, Operation).StopAgent(target);
                if (PassThru) WriteObject(run);
            }, target);
    }
}
