using System.Management.Automation;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>Removes issue worktrees safely: refuses unsaved work unless forced, and then saves it first.</summary>
[Cmdlet(VerbsCommon.Remove, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(IssueWorktree))]
public sealed class RemoveIssueWorktreeCommand : IssuesCmdlet
{
    /// <summary>Remove even with uncommitted or unmerged work, a lock or an operation in progress; the work is saved under a backup ref first.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Delete the branch even when it is not merged (its tip is kept under a backup ref).</summary>
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
