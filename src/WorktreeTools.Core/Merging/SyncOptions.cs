using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>What Sync-IssueWorktree asks: bring the latest base into one issue branch, inside its worktree.</summary>
public sealed record SyncOptions
{
    /// <summary>The repository's main worktree.</summary>
    public required string RepositoryRoot { get; init; }
    public required string Issue { get; init; }
    public required string Branch { get; init; }
    /// <summary>The issue's worktree, where the branch is checked out.</summary>
    public required string WorktreePath { get; init; }
    /// <summary>Null = <c>worktrees.base</c>.</summary>
    public string? Base { get; init; }
    public SyncStrategy Strategy { get; init; } = SyncStrategy.Rebase;
    /// <summary>On a conflict, leave the rebase or merge in progress for the user to resolve instead of aborting it.</summary>
    public bool Stay { get; init; }
    /// <summary>Do not fetch; use the local base (or the remote-tracking branch as last fetched).</summary>
    public bool NoFetch { get; init; }
    /// <summary>Null = <c>worktrees.remote</c>.</summary>
    public string? Remote { get; init; }
    /// <summary>Extra template values for configured commands (<c>{database}</c>, <c>{port.web}</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> TemplateValues { get; init; } = new Dictionary<string, string>();
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Called before anything changes when the base changed lockfiles or package manifests since the branch started
    /// (the caller will re-install): a check that throws (an install command not approved) stops the sync there.
    /// </summary>
    public Action? BeforeDependenciesChange { get; init; }
}
