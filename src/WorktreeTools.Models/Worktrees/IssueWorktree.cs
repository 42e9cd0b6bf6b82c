namespace WorktreeTools.Worktrees;

/// <summary>Where an issue worktree is in its life.</summary>
public enum WorktreeState
{
    /// <summary>Created and set up.</summary>
    Ready,
    /// <summary>Creation started and did not finish (crash or Ctrl+C); Repair-IssueWorktree finishes it.</summary>
    Creating,
    /// <summary>Created, but the install command failed; see InstallLog.</summary>
    InstallFailed,
    /// <summary>Removal started and did not finish; Remove-IssueWorktree or Repair-IssueWorktree finishes it.</summary>
    Removing,
    /// <summary>A worktree of the repository that WorktreeTools did not create (shown with -All).</summary>
    Unmanaged,
}

/// <summary>
/// Whether an issue branch's work is in its base, and how that is known. A branch is merged only when it has
/// commits of its own (commits that are not on its base's line) and all of them are in the base.
/// </summary>
public enum Integration
{
    /// <summary>No commits of its own: nothing to merge yet (never "merged").</summary>
    Empty,
    /// <summary>It has commits of its own that the base does not have.</summary>
    NotMerged,
    /// <summary>Its commits are in the base, and the base is still at its tip (merged by fast-forward).</summary>
    SameCommit,
    /// <summary>Its commits are in the base's history (merge commit, or fast-forward after which the base moved on).</summary>
    Ancestor,
    /// <summary>Different history, but its files are exactly the base's.</summary>
    TreesMatch,
    /// <summary>Merging it would change nothing: its changes are in the base under other commits (squash or rebase merge).</summary>
    Content,
    /// <summary>Its changes are in the base as commits with the same patches (squash or rebase merge the base changed again since).</summary>
    Patches,
}

/// <summary>One issue's worktree: its branch, folder, leased resources and live git status.</summary>
public sealed record IssueWorktree
{
    public string Issue { get; init; } = "";
    public string Name { get; init; } = "";
    public string Branch { get; init; } = "";
    public string Path { get; init; } = "";
    public string Base { get; init; } = "";
    public string RepositoryRoot { get; init; } = "";
    /// <summary>Leased ports by name (web, api, ...).</summary>
    public IReadOnlyDictionary<string, int> Ports { get => _ports; init => _ports = PortMap.Of(value); }
    private readonly IReadOnlyDictionary<string, int> _ports = PortMap.Empty;
    /// <summary>Full path of the issue's database file, or null.</summary>
    public string? Database { get; init; }
    /// <summary>Full path of the rewritten env file, or null.</summary>
    public string? EnvFile { get; init; }
    public string? Head { get; init; }
    public DateTime? Created { get; init; }
    public WorktreeState State { get; init; }
    public string? InstallLog { get; init; }

    // Live status (filled by Get-IssueWorktree).
    /// <summary>
    /// What Ahead and Behind compare with: the base's remote-tracking branch (<c>origin/main</c>) when the local
    /// base lags it, else the local base branch; this is what the issue was made from and will merge into.
    /// </summary>
    public string? BaseRef { get; init; }
    /// <summary>Commits of the branch that <see cref="BaseRef"/> does not have.</summary>
    public int Ahead { get; init; }
    /// <summary>Commits of <see cref="BaseRef"/> that the branch does not have (Sync-IssueWorktree brings them in).</summary>
    public int Behind { get; init; }
    /// <summary>Ahead of the local base branch, when <see cref="BaseRef"/> is its remote-tracking branch and they differ; else null.</summary>
    public int? LocalAhead { get; init; }
    /// <summary>Behind the local base branch, when <see cref="BaseRef"/> is its remote-tracking branch and they differ; else null.</summary>
    public int? LocalBehind { get; init; }
    /// <summary>The remote branch the issue branch is pushed to (its upstream, else <c>origin/&lt;branch&gt;</c>), or null.</summary>
    public string? Upstream { get; init; }
    /// <summary>Commits not pushed to <see cref="Upstream"/> yet (null without one).</summary>
    public int? UpstreamAhead { get; init; }
    /// <summary>Commits on <see cref="Upstream"/> not in the local branch (null without one).</summary>
    public int? UpstreamBehind { get; init; }
    public int Staged { get; init; }
    public int Unstaged { get; init; }
    public int Untracked { get; init; }
    public int Conflicted { get; init; }
    public bool Dirty => Staged + Unstaged + Untracked + Conflicted > 0;
    /// <summary>Whether the branch's work is in its base, and how that is known (see <see cref="Worktrees.Integration"/>).</summary>
    public Integration Integration { get; init; }
    /// <summary>The branch has commits of its own and all of them are in the base, by history or by content.</summary>
    public bool Merged => Integration is not (Integration.Empty or Integration.NotMerged);
    public bool Locked { get; init; }
    public string? LockReason { get; init; }
    /// <summary>The folder is gone although git (or the registry) still knows the worktree.</summary>
    public bool Missing { get; init; }
    /// <summary>Another operation (merge, rebase, cherry-pick) is in progress in this worktree.</summary>
    public string? InProgress { get; init; }

    // Process state (filled when dev servers and agents are known).
    public string? DevServer { get; init; }
    public string? DevServerUrl { get; init; }
    /// <summary>The agent of the issue's latest run (amp, claude, codex, ...), or null.</summary>
    public string? Agent { get; init; }
    /// <summary>What that run is doing: Working, Waiting (for you), Idle, Done, Failed or Stopped; null without a run.</summary>
    public Processes.AgentState? AgentState { get; init; }

    public override string ToString() => $"{Issue} ({Branch}) {Path}";
}

/// <summary>One thing Repair-IssueWorktree fixed.</summary>
public sealed record RepairAction(string Issue, string Action, string Detail)
{
    public string RepositoryRoot { get; init; } = "";
}
