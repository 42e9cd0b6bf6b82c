using System.Management.Automation;
using WorktreeTools.Completion;

namespace WorktreeTools.Commands;

/// <summary>Sets the current location to an issue's worktree.</summary>
[Cmdlet(VerbsCommon.Enter, "IssueWorktree")]
[OutputType(typeof(PathInfo))]
public sealed class EnterIssueWorktreeCommand : RepositoryCmdlet
{
    /// <summary>The issue whose worktree to enter.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number", "Id")]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string Issue { get; set; } = "";

    /// <summary>Emit the new location.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => TryOrStop(() =>
    {
        var worktree = Engine.Worktrees(RepositoryPath, Operation).Get(Issue, fileStatus: false);
        if (worktree.Missing)
            throw new WorktreeToolsException("IssueWorktreeMissing", ErrorKind.ObjectNotFound,
                $"The folder of issue {worktree.Issue} ({worktree.Path}) is gone. Run Repair-IssueWorktree, then New-IssueWorktree {worktree.Issue}.", worktree.Issue);
        var location = SessionState.Path.SetLocation(worktree.Path);
        if (PassThru) WriteObject(location);
    }, Issue);
}
