using System.Management.Automation;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>
/// Removes issue worktrees safely: refuses unsaved work or a shell in the folder unless forced; stops the issue's
/// processes, then saves the work (forced) and the ignored files nothing makes again, then removes.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(IssueWorktree))]
public sealed class RemoveIssueWorktreeCommand : IssuesCmdlet
{
    /// <summary>Remove even with uncommitted or unmerged work, a lock, an operation in progress or an interactive process in the folder; the work is saved under a backup ref first.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Delete the branch even when it is not merged (only when its tip is in the backup ref).</summary>
    [Parameter]
    public SwitchParameter DeleteBranch { get; set; }

    /// <summary>Emit the removed worktree.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var issue in Issue)
            Try(() =>
            {
                var outcome = Engine.Worktrees(RepositoryPath, Operation).Remove(issue, Force, DeleteBranch);
                if (outcome is not null && PassThru) WriteObject(outcome.Worktree);
            }, issue);
    }
}
