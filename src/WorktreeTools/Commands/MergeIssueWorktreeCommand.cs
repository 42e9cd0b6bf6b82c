using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Merging;

namespace WorktreeTools.Commands;

/// <summary>
/// Merges issue branches back into the base one after another, in a private staging worktree, gated by tests,
/// with lockfile and migration conflicts resolved by policy; the base moves only when an issue's result is final.
/// </summary>
[Cmdlet(VerbsData.Merge, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MergeResult))]
public sealed class MergeIssueWorktreeCommand : IssuesCmdlet
{
    /// <summary>Merge (--no-ff, default), Squash, Rebase (linear) or CherryPick; default: merge.strategy.</summary>
    [Parameter]
    public MergeStrategy? Strategy { get; set; }

    /// <summary>The branch to merge into (default: worktrees.base).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(BranchCompleter))]
    public string? Into { get; set; }

    /// <summary>With -Strategy CherryPick: the commits to pick, in order (default: all of the branch's own commits).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(CommitCompleter))]
    public string[]? Commit { get; set; }

    /// <summary>Message template of the merge or squash commit (tokens {issue} {branch} {base} {subject} ...).</summary>
    [Parameter]
    public string? Message { get; set; }

    /// <summary>A test command run on the merged result before the base moves (instead of merge.test).</summary>
    [Parameter]
    public string? Test { get; set; }

    /// <summary>Run no test gate.</summary>
    [Parameter]
    public SwitchParameter NoTest { get; set; }

    /// <summary>Push the base (and for Rebase the issue branch, with a lease) to the remote.</summary>
    [Parameter]
    public SwitchParameter Push { get; set; }

    /// <summary>Do not fetch the base from the remote first.</summary>
    [Parameter]
    public SwitchParameter NoFetch { get; set; }

    /// <summary>Eject an issue that fails and go on with the next (otherwise the rest are Skipped).</summary>
    [Parameter]
    public SwitchParameter ContinueOnError { get; set; }

    /// <summary>Input (default) merges in the order given; Planned in the order that lands the most issues, each result saying why.</summary>
    [Parameter]
    public TrainOrder Order { get; set; }

    /// <summary>How many issues are merged one on another and tested with one gate run (a red batch is bisected); 1 = one by one. Default 5.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? BatchSize { get; set; }

    /// <summary>End a gate run (install or test) that takes longer than this many seconds, with its whole process tree; it counts as failed.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TestTimeout { get; set; }

    /// <summary>Remove each issue's worktree after it merged (with Remove-IssueWorktree's safety).</summary>
    [Parameter]
    public SwitchParameter Remove { get; set; }

    protected override void ProcessRecord() => Gather(Issue);

    // One train per repository, in the order the issues came.
    protected override void EndProcessing()
    {
        foreach (var (repository, issues) in Gathered) TryOrStop(() => Train(repository, issues));
    }

    private void Train(string repository, IReadOnlyList<string> issueIds)
    {
        var engine = Engine.Worktrees(repository, Operation);
        var issues = new List<Core.Merging.IssueToMerge>();
        var listed = engine.ListToMerge(issueIds);
        foreach (var issue in issueIds)
            Try(() => issues.Add(engine.ToMerge(issue, Commit, listed)), issue);
        if (issues.Count == 0) return;
        var options = new Core.Merging.MergeOptions
        {
            RepositoryRoot = engine.Repo.MainRoot,
            Into = Into,
            Strategy = Strategy,
            Message = Message,
            Test = Test,
            NoTest = NoTest,
            Push = Push,
            NoFetch = NoFetch,
            ContinueOnError = ContinueOnError,
            Order = Order,
            BatchSize = BatchSize,
            TestTimeout = TestTimeout is { } t ? TimeSpan.FromSeconds(t) : null,
        };
        engine.Merge(options, issues, Remove, WriteObject, (issue, error) => WriteError(ToErrorRecord(error, issue)));
    }
}
