using System.Management.Automation;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>
/// Repairs the state of issue worktrees after a crash, a damaged state file or a hand-made change; with
/// <c>-NewPorts</c>, leases new ports in place of those another program took.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RepairAction))]
public sealed class RepairIssueWorktreeCommand : IssueFilterCmdlet
{
    /// <summary>Also lease new ports in place of the issues' ports that another program listens on, and write them into their env files.</summary>
    [Parameter]
    public SwitchParameter NewPorts { get; set; }

    protected override void EndProcessing()
    {
        foreach (var (repository, issues) in Gathered)
            TryOrStop(() =>
            {
                var service = Engine.Worktrees(repository, Operation);
                WriteObject(service.Repair(issues, NewPorts).Select(a => a with { RepositoryRoot = service.Repo.MainRoot }), enumerateCollection: true);
            });
    }
}
