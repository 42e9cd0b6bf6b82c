namespace WorktreeTools.Merging;

/// <summary>The outcome of bringing the latest base into one issue branch (Sync-IssueWorktree).</summary>
public sealed record SyncResult
{
    public string Issue { get; init; } = "";
    /// <summary>The main checkout of the repository (binds to -Repository when piped, from any folder).</summary>
    public string RepositoryRoot { get; init; } = "";
    public string Branch { get; init; } = "";
    public string Path { get; init; } = "";
    public SyncStrategy Strategy { get; init; }
    public SyncStatus Status { get; init; }
    /// <summary>The base branch, and the exact commit brought in (the remote's when it is newer).</summary>
    public string Base { get; init; } = "";
    public string BaseCommit { get; init; } = "";
    /// <summary>The issue branch's commit before and after.</summary>
    public string Before { get; init; } = "";
    public string After { get; init; } = "";
    /// <summary>How many base commits the branch was missing.</summary>
    public int Behind { get; init; }
    public IReadOnlyList<string> ConflictFiles { get => _conflictFiles; init => _conflictFiles = ItemList<string>.Of(value); }
    private readonly IReadOnlyList<string> _conflictFiles = ItemList<string>.Empty;
    /// <summary>Rebase: the issue commit the rebase stopped at.</summary>
    public string? ConflictCommit { get; init; }
    /// <summary>True when the worktree was left mid-rebase or mid-merge for you to resolve (-Stay).</summary>
    public bool InProgress { get; init; }
    /// <summary>Migrations, Lockfile and Install: what the policies did (with WhatIf: would do), and what they could not handle.</summary>
    public IReadOnlyList<MergePolicy> Policies { get => _policies; init => _policies = ItemList<MergePolicy>.Of(value); }
    private readonly IReadOnlyList<MergePolicy> _policies = ItemList<MergePolicy>.Empty;
    /// <summary>
    /// The lockfiles and package manifests that differ between <see cref="Before"/> and <see cref="After"/>, which is why
    /// the issue's dependencies were installed again (with WhatIf: the ones the base changed).
    /// </summary>
    public IReadOnlyList<string> DependencyChanges { get => _dependencyChanges; init => _dependencyChanges = ItemList<string>.Of(value); }
    private readonly IReadOnlyList<string> _dependencyChanges = ItemList<string>.Empty;
    /// <summary>The log of the re-install, when one ran.</summary>
    public string? InstallLogPath { get; init; }
    public string? BackupRef { get; init; }
    public string? LogPath { get; init; }
    public TimeSpan Duration { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => $"{Issue} {Status} ({Strategy} onto {Base})";
}
