using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>
/// Repairs the state of issue worktrees after a crash, a damaged state file or a hand-made change; with
/// <c>-NewPorts</c>, leases new ports in place of those another program took.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RepairAction))]
public sealed class RepairIssueWorktreeCommand : RepositoryCmdlet
{
    /// <summary>Only the worktrees of these issues (wildcards allowed). Default: all of them.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number", "Id")]
    [SupportsWildcards]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    /// <summary>Also lease new ports in place of the issues' ports that another program listens on, and write them into their env files.</summary>
    [Parameter]
    public SwitchParameter NewPorts { get; set; }

    protected override void ProcessRecord() => Gather(Issue);

    protected override void EndProcessing()
    {
        foreach (var (repository, issues) in Gathered)
            TryOrStop(() => WriteObject(Engine.Worktrees(repository, Operation).Repair(issues, NewPorts), enumerateCollection: true));
    }
}
