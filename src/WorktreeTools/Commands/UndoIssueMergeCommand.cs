using System.Management.Automation;
using WorktreeTools.Merging;

namespace WorktreeTools.Commands;

/// <summary>
/// Puts the base back where it was before a merge (a MergeResult of Merge-IssueWorktree, from the pipeline), here and
/// on the remote when the merge was pushed; refuses to take out merges that landed after it unless forced.
/// </summary>
[Cmdlet(VerbsCommon.Undo, "IssueMerge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(MergeUndoResult))]
public sealed class UndoIssueMergeCommand : RepositoryCmdlet
{
    private readonly List<MergeResult> _merges = [];

    /// <summary>The merge results to undo (Merge-IssueWorktree's output).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public MergeResult[] InputObject { get; set; } = [];

    /// <summary>Also take out the merges that landed after it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => _merges.AddRange(InputObject);

    // The newest merge first: a train's results piped in come out of the base in the reverse order they went in.
    protected override void EndProcessing() => TryOrStop(() =>
    {
        var engine = Engine.Worktrees(RepositoryPath, Operation);
        string? assumed = null; // -WhatIf: each dry run starts where the one before would have left the base
        for (var i = _merges.Count - 1; i >= 0; i--)
        {
            var merge = _merges[i];
            Try(() =>
            {
                var result = engine.UndoMerge(merge, Force, assumed);
                assumed = result.Status == UndoStatus.WouldUndo ? result.To : null;
                WriteObject(result);
            }, merge.Issue);
        }
    });
}
