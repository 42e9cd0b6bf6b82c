namespace WorktreeTools.Merging;

/// <summary>The outcome of merging one issue branch (Merge-IssueWorktree emits one per issue).</summary>
public sealed record MergeResult
{
    public string Issue { get; init; } = "";
    /// <summary>The main checkout of the repository (binds to -Repository when piped, from any folder).</summary>
    public string RepositoryRoot { get; init; } = "";
    public string Branch { get; init; } = "";
    public MergeStrategy Strategy { get; init; }
    public MergeStatus Status { get; init; }
    /// <summary>The branch merged into (the configured base, or -Into).</summary>
    public string Into { get; init; } = "";
    /// <summary>
    /// The base's commit before this issue's merge (in a batch: the commit that holds the issues merged before it);
    /// <c>Undo-IssueMerge</c> puts the base back there.
    /// </summary>
    public string BaseBefore { get; init; } = "";
    /// <summary>
    /// The commit that holds this issue's merge; equal to <see cref="BaseBefore"/> unless Status is Merged (or UpToDate
    /// when the local base caught up with its remote). In a batch the base moved in one step to <see cref="TestedCommit"/>.
    /// </summary>
    public string BaseAfter { get; init; } = "";
    /// <summary>The commits the merge brought into the base (for a dry run: the ones it would bring).</summary>
    public IReadOnlyList<MergeCommit> Commits { get => _commits; init => _commits = ItemList<MergeCommit>.Of(value); }
    private readonly IReadOnlyList<MergeCommit> _commits = ItemList<MergeCommit>.Empty;
    public IReadOnlyList<string> ConflictFiles { get => _conflictFiles; init => _conflictFiles = ItemList<string>.Of(value); }
    private readonly IReadOnlyList<string> _conflictFiles = ItemList<string>.Empty;
    /// <summary>Rebase / CherryPick: the issue commit the operation stopped at.</summary>
    public string? ConflictCommit { get; init; }
    public IReadOnlyList<MergePolicy> Policies { get => _policies; init => _policies = ItemList<MergePolicy>.Of(value); }
    private readonly IReadOnlyList<MergePolicy> _policies = ItemList<MergePolicy>.Empty;
    /// <summary>The exit code of the test gate run that decided this result (0 when it passed); null when no test ran.</summary>
    public int? TestExitCode { get; init; }
    /// <summary>The gate run that decided this result (<c>&lt;train&gt;#&lt;n&gt;</c>); results tested together share it.</summary>
    public string? TestRun { get; init; }
    /// <summary>The commit whose exact tree that run tested: for Merged, the tip the base moved to; for TestFailed, the tip that failed.</summary>
    public string? TestedCommit { get; init; }
    public TimeSpan Duration { get; init; }
    /// <summary>
    /// The log of the gate run that decided this result (its install log for InstallFailed); without a gate, the log of
    /// the issue's own commands (lockfile regeneration, after-merge), if any ran.
    /// </summary>
    public string? LogPath { get; init; }
    /// <summary>Prefix of the refs that keep every pre-merge tip: <c>&lt;BackupRef&gt;/base</c>, <c>/branch</c>, <c>/result</c>.</summary>
    public string? BackupRef { get; init; }
    /// <summary>True when the base (and for Rebase the issue branch) was pushed to the remote.</summary>
    public bool Pushed { get; init; }
    /// <summary>The remote the base was fetched from and (with -Push) pushed to; null without one.</summary>
    public string? Remote { get; init; }
    public string Message { get; init; } = "";
    /// <summary>With a planned order (-Order Planned): why the issue sits where it does in the train.</summary>
    public string? OrderReason { get; init; }

    public bool Succeeded => Status is MergeStatus.Merged or MergeStatus.UpToDate or MergeStatus.WouldMerge;

    public override string ToString() => $"{Issue} {Status} ({Strategy} into {Into})";
}
