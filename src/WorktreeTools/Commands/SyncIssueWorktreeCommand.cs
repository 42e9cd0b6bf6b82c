using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Merging;

namespace WorktreeTools.Commands;

/// <summary>Brings the latest base into issue branches inside their worktrees, by rebase (default) or merge.</summary>
[Cmdlet(VerbsData.Sync, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SyncResult))]
public sealed class SyncIssueWorktreeCommand : IssuesCmdlet
{
    /// <summary>Rebase (default) or Merge.</summary>
    [Parameter]
    public SyncStrategy Strategy { get; set; } = SyncStrategy.Rebase;

    /// <summary>The branch to bring in (default: the issue's base).</summary>
    [Parameter]
    [Alias("Base")]
    [ArgumentCompleter(typeof(BranchCompleter))]
    public string? From { get; set; }

    /// <summary>On a conflict, stay in the rebase or merge to resolve it by hand instead of going back.</summary>
    [Parameter]
    public SwitchParameter Stay { get; set; }

    /// <summary>Do not fetch the base from the remote first.</summary>
    [Parameter]
    public SwitchParameter NoFetch { get; set; }

    /// <summary>Do not install the dependencies again when the sync changed the lockfile or package manifests.</summary>
    [Parameter]
    public SwitchParameter NoInstall { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var issue in Issue)
            Try(() => WriteObject(WithProgress($"Syncing issue {issue}", issue, $"{Strategy} onto {From ?? "its base"}",
                () => Engine.Worktrees(RepositoryPath, Operation).Sync(issue, Strategy, Stay, NoFetch, From, NoInstall))), issue);
    }
}
