using System.Management.Automation;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>
/// Reports what an agent run is doing (working, waiting for you, idle, done, failed), from the agent itself or a
/// hook it runs: the run is WORKTREE_AGENT_ID from the environment, or -Id.
/// </summary>
[Cmdlet(VerbsCommon.Set, "IssueAgentState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AgentRun))]
public sealed class SetIssueAgentStateCommand : RepositoryCmdlet
{
    /// <summary>Working, Waiting, Idle, Done or Failed.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateSet("Working", "Waiting", "Idle", "Done", "Failed", IgnoreCase = true)]
    public AgentState State { get; set; }

    /// <summary>What the agent is doing or waiting for, shown as StateMessage.</summary>
    [Parameter(Position = 1)]
    public string? Message { get; set; }

    /// <summary>The run; default: WORKTREE_AGENT_ID, which every agent run gets.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Id { get; set; }

    /// <summary>Emit the run with its new state.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var id = Id ?? Environment.GetEnvironmentVariable("WORKTREE_AGENT_ID");
        Try(() =>
        {
            if (string.IsNullOrEmpty(id))
                throw new WorktreeToolsException("AgentRunNotFound", ErrorKind.ObjectNotFound,
                    "No agent run to report for: WORKTREE_AGENT_ID is not set (this is not an agent run). Pass -Id.", null);
            if (!ShouldProcess($"agent run {id}", $"Report state {State}")) return;
            // An agent's environment names its repository, wherever the agent stands.
            var repository = Repository is null && Environment.GetEnvironmentVariable("WORKTREE_REPOSITORY") is { Length: > 0 } r ? r : RepositoryPath;
            var run = Engine.Worktrees(repository, Operation).ReportAgentState(id, State, Message);
            if (PassThru) WriteObject(run);
        }, id);
    }
}
