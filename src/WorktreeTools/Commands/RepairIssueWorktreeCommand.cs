using System.Management.Automation;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>Repairs the state of issue worktrees after a crash or a hand-made change.</summary>
[Cmdlet(VerbsDiagnostic.Repair, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RepairAction))]
public sealed class RepairIssueWorktreeCommand : WorktreeCmdlet
{
    /// <summary>A folder inside the repository (default: the current location).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RepositoryRoot")]
    public string? Repository { get; set; }

    protected override void ProcessRecord() => TryOrStop(() =>
        WriteObject(Engine.Worktrees(ResolvePath(Repository), Operation).Repair(), enumerateCollection: true));
}
