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
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();
    /// <summary>Full path of the issue's database file, or null.</summary>
    public string? Database { get; init; }
    /// <summary>Full path of the rewritten env file, or null.</summary>
    public string? EnvFile { get; init; }
    public string? Head { get; init; }
    public DateTime? Created { get; init; }
    public WorktreeState State { get; init; }
    public string? InstallLog { get; init; }

    // Live status (filled by Get-IssueWorktree).
    public int Ahead { get; init; }
    public int Behind { get; init; }
    public int Staged { get; init; }
    public int Unstaged { get; init; }
    public int Untracked { get; init; }
    public int Conflicted { get; init; }
    public bool Dirty => Staged + Unstaged + Untracked + Conflicted > 0;
    /// <summary>The branch's work is in the base: by ancestry, or (squash/rebase merges) by content.</summary>
    public bool Merged { get; init; }
    /// <summary>How Merged was decided: Ancestor, Tree (same content as base), Patch (every commit's patch is in base), or null.</summary>
    public string? MergedBy { get; init; }
    public bool Locked { get; init; }
    public string? LockReason { get; init; }
    /// <summary>The folder is gone although git (or the registry) still knows the worktree.</summary>
    public bool Missing { get; init; }
    /// <summary>Another operation (merge, rebase, cherry-pick) is in progress in this worktree.</summary>
    public string? InProgress { get; init; }

    // Process state (filled when dev servers and agents are known).
    public string? DevServer { get; init; }
    public string? DevServerUrl { get; init; }
    public string? Agent { get; init; }

    public override string ToString() => $"{Issue} ({Branch}) {Path}";
}

/// <summary>One thing Repair-IssueWorktree fixed.</summary>
public sealed record RepairAction(string Issue, string Action, string Detail);
