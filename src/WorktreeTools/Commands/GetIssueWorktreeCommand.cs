using System.Management.Automation;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>Lists issue worktrees with live status: ahead/behind, dirty, merged, locked, missing, ports.</summary>
[Cmdlet(VerbsCommon.Get, "IssueWorktree")]
[OutputType(typeof(IssueWorktree))]
public sealed class GetIssueWorktreeCommand : IssueFilterCmdlet
{
    /// <summary>Also show worktrees of the repository that WorktreeTools did not create.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    protected override void EndProcessing()
    {
        foreach (var (repository, patterns) in Gathered) TryOrStop(() => List(repository, patterns));
    }

    private void List(string repository, IReadOnlyList<string> patterns)
    {
        var list = Engine.Worktrees(repository, Operation).List(patterns, All);
        ReportMissing(patterns, list.Select(w => w.Issue));
        WriteObject(list, enumerateCollection: true);
    }
}
