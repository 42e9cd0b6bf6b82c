namespace WorktreeTools.Merging;

/// <summary>What happened to one issue of a merge.</summary>
public enum MergeStatus
{
    /// <summary>The base moved to the merged result (and was pushed, with -Push).</summary>
    Merged,
    /// <summary>The base already holds everything the issue brings; nothing changed.</summary>
    UpToDate,
    /// <summary>A conflict no policy resolves; nothing changed. See ConflictFiles (and ConflictCommit).</summary>
    Conflicted,
    /// <summary>The test gate failed on the merged result (or did not finish within TestTimeout); nothing changed. See TestExitCode and LogPath.</summary>
    TestFailed,
    /// <summary>The install of the merged result's dependencies failed before the test gate could run; nothing changed. See LogPath.</summary>
    InstallFailed,
    /// <summary>A git hook refused the merge (pre-merge-commit, commit-msg, pre-commit, pre-rebase, ...); nothing changed. See Message.</summary>
    HookRefused,
    /// <summary>Not attempted: an earlier issue of the train failed and ContinueOnError was not given.</summary>
    Skipped,
    /// <summary>The remote refused the push (it moved); nothing changed locally. The result is kept under BackupRef.</summary>
    PushRejected,
    /// <summary>Dry run: the merge would go through (possibly with policies, see Policies).</summary>
    WouldMerge,
    /// <summary>Dry run: the merge would stop on the conflicts listed in ConflictFiles.</summary>
    WouldConflict,
}

/// <summary>What happened to one issue branch in Sync-IssueWorktree.</summary>
public enum SyncStatus
{
    /// <summary>The issue branch now contains the latest base.</summary>
    Synced,
    /// <summary>The issue branch already contained the base; nothing changed.</summary>
    UpToDate,
    /// <summary>A conflict: the branch was put back where it was, or (with Stay) is left mid-operation for you to resolve.</summary>
    Conflicted,
    /// <summary>Dry run: the sync would go through.</summary>
    WouldSync,
    /// <summary>Dry run: the sync would stop on the conflicts listed in ConflictFiles.</summary>
    WouldConflict,
    /// <summary>The issue branch now contains the latest base, but installing its changed dependencies failed: see InstallLogPath.</summary>
    InstallFailed,
}
