using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Merging;

namespace WorktreeTools.Commands;

/// <summary>
/// Forecasts which pairs of issue branches (and which issue and its base) would conflict, with git's own merge and
/// without touching any checkout: one object per conflicting pair, or the matrix of all pairs.
/// </summary>
[Cmdlet(VerbsCommon.Get, "IssueConflict", DefaultParameterSetName = PairsSet)]
[OutputType(typeof(IssueConflict), ParameterSetName = [PairsSet])]
[OutputType(typeof(IssueConflictMatrix), ParameterSetName = [MatrixSet])]
public sealed class GetIssueConflictCommand : RepositoryCmdlet
{
    private const string PairsSet = "Pairs";
    private const string MatrixSet = "Matrix";

    /// <summary>The issues to compare (default: every issue of the repository).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number", "Id")]
    [AllowEmptyString]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    /// <summary>Also return the pairs that merge cleanly.</summary>
    [Parameter(ParameterSetName = PairsSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Return one matrix of all pairs (issues x issues, and the base) instead of one object per pair.</summary>
    [Parameter(Mandatory = true, ParameterSetName = MatrixSet)]
    public SwitchParameter Matrix { get; set; }

    /// <summary>Include each worktree's uncommitted work (staged, unstaged and untracked files, not ignored ones).</summary>
    [Parameter]
    public SwitchParameter IncludeUncommitted { get; set; }

    protected override void ProcessRecord() => Gather(Issue);

    // One forecast per repository, of the issues that came for it (none: all of its issues).
    protected override void EndProcessing()
    {
        foreach (var (repository, issues) in Gathered) TryOrStop(() => Forecast(repository, issues));
    }

    private void Forecast(string repository, IReadOnlyList<string> issues)
    {
        var pairs = Engine.Worktrees(repository, Operation).Conflicts(issues, IncludeUncommitted, (issue, error) => WriteError(ToErrorRecord(error, issue)));
        if (Matrix)
            WriteObject(new IssueConflictMatrix
            {
                Issues = pairs.Select(p => p.Issue).Distinct().ToList(),
                Base = string.Join(", ", pairs.Where(p => p.OtherIsBase).Select(p => p.Other).Distinct()),
                Pairs = pairs,
            });
        else
            WriteObject(pairs.Where(p => All || p.Status != ConflictStatus.Clean), enumerateCollection: true);
    }
}
