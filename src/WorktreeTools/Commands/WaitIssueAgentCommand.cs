using System.Management.Automation;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Waits until agent runs end and emits each finished run.</summary>
[Cmdlet(VerbsLifecycle.Wait, "IssueAgent")]
[OutputType(typeof(AgentRun))]
public sealed class WaitIssueAgentCommand : AgentRunsCmdlet
{
    /// <summary>Give up after this many seconds (AgentWaitTimeout error); default: no limit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Timeout { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var target in Runs("wait for"))
            Try(() => WriteObject(Engine.Worktrees(RepositoryPath, Operation)
                .WaitForAgent(target, Timeout is { } t ? TimeSpan.FromSeconds(t) : null)), target);
    }
}
