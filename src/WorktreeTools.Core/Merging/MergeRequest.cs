using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>One issue to merge: its id, branch and (if it has one) worktree.</summary>
public sealed record IssueToMerge(string Issue, string Branch, string? WorktreePath = null)
{
    /// <summary>CherryPick: the commits to pick, in order (any revision git understands); empty = every commit of the branch not in the base.</summary>
    public IReadOnlyList<string> Commits { get; init; } = [];

    /// <summary>Extra template values for configured commands (<c>{database}</c>, <c>{port.web}</c>, ...), from the issue's worktree.</summary>
    public IReadOnlyDictionary<string, string> TemplateValues { get; init; } = new Dictionary<string, string>();
}

/// <summary>How to merge (shared by every issue of a train). Null settings fall back to the configuration.</summary>
public sealed record MergeOptions
{
    /// <summary>The repository's main worktree (where <c>.worktree-tools.yml</c> lives).</summary>
    public required string RepositoryRoot { get; init; }
    /// <summary>The branch to merge into; null = <c>worktrees.base</c>.</summary>
    public string? Into { get; init; }
    /// <summary>Null = <c>merge.strategy</c>.</summary>
    public MergeStrategy? Strategy { get; init; }
    /// <summary>Merge-commit message template (tokens {repo} {issue} {name} {branch} {base}); null = <c>merge.message</c> (or <c>merge.squashMessage</c> for Squash).</summary>
    public string? Message { get; init; }
    /// <summary>A test gate given by the caller (-Test): trusted, run verbatim. Null = <c>merge.test</c> (needs approval).</summary>
    public string? Test { get; init; }
    /// <summary>Run no test gate at all.</summary>
    public bool NoTest { get; init; }
    /// <summary>Do not run <c>merge.afterMerge</c>.</summary>
    public bool NoAfterMerge { get; init; }
    /// <summary>Push the base (and for Rebase the issue branch, with a lease) to the remote before the local base moves.</summary>
    public bool Push { get; init; }
    /// <summary>Do not fetch the base before merging (offline); the local base is used as it is.</summary>
    public bool NoFetch { get; init; }
    /// <summary>Null = <c>worktrees.remote</c>.</summary>
    public string? Remote { get; init; }
    /// <summary>In a train, eject a failing issue and go on with the next (otherwise the rest are Skipped).</summary>
    public bool ContinueOnError { get; init; }
    /// <summary>Merge in the order given, or in the order that lands the most issues (<see cref="Forecast.TrainPlanner"/>).</summary>
    public TrainOrder Order { get; init; }
    /// <summary>
    /// How many issues are built one on another and tested with one gate run; a red batch is bisected. Null =
    /// <see cref="DefaultBatchSize"/>; 1 tests every issue on its own.
    /// </summary>
    public int? BatchSize { get; init; }
    /// <summary>
    /// Five, as GitHub's merge queue builds by default: a green train of ten costs two gate runs instead of ten, one
    /// failing issue among five costs at most 1 + 3 + 1, and batching only stops paying off when about a third of
    /// the issues fail (then one by one, <c>BatchSize = 1</c>, is cheaper).
    /// </summary>
    public const int DefaultBatchSize = 5;
    /// <summary>A gate run (install and test) that takes longer is ended, its whole process tree with it, and counts as failed.</summary>
    public TimeSpan? TestTimeout { get; init; }
    /// <summary>How long to wait for another merge of the same repository to finish.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
