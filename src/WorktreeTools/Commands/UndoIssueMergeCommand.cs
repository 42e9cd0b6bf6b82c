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
    private readonly List<(string Repository, MergeResult Merge)> _merges = [];

    /// <summary>The merge results to undo (Merge-IssueWorktree's output).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public MergeResult[] InputObject { get; set; } = [];

    /// <summary>Also take out the merges that landed after it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    // Each result is undone in its own repository (its RepositoryRoot), whatever folder the pipeline runs in.
    protected override void ProcessRecord() =>
        _merges.AddRange(InputObject.Select(m => (string.IsNullOrEmpty(m.RepositoryRoot) ? RepositoryPath : m.RepositoryRoot, m)));

    // The newest merge first: a train's results piped in come out of the base in the reverse order they went in.
    protected override void EndProcessing() => TryOrStop(() =>
    {
        var assumed = new Dictionary<string, string?>(StringComparer.Ordinal); // -WhatIf: each dry run starts where the one before would have left that base
        for (var i = _merges.Count - 1; i >= 0; i--)
        {
            var (repository, merge) = _merges[i];
            Try(() =>
            {
                var result = Engine.Worktrees(repository, Operation).UndoMerge(merge, Force, assumed.GetValueOrDefault(repository));
                assumed[repository] = result.Status == UndoStatus.WouldUndo ? result.To : null;
                WriteObject(result);
            }, merge.Issue);
        }
    });
}
