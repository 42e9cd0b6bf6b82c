using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>Creates one worktree and branch per issue, with its own env file, ports, database and install.</summary>
[Cmdlet(VerbsCommon.New, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(IssueWorktree))]
public sealed class NewIssueWorktreeCommand : IssuesCmdlet
{
    /// <summary>The branch new work starts from (default: worktrees.base, usually main).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(BranchCompleter))]
    public string? Base { get; set; }

    /// <summary>Do not fetch the base from the remote first.</summary>
    [Parameter]
    public SwitchParameter NoFetch { get; set; }

    /// <summary>Do not run the install command.</summary>
    [Parameter]
    public SwitchParameter NoInstall { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var issue in Issue)
            Try(() =>
            {
                var created = Engine.Worktrees(RepositoryPath, Operation).Create(issue, Base, NoFetch, NoInstall);
                if (created is not null) WriteObject(created);
            }, issue);
    }
}
