namespace WorktreeTools.Merging;

/// <summary>How an issue branch comes back into its base.</summary>
public enum MergeStrategy
{
    /// <summary>A merge commit (<c>git merge --no-ff</c>) whose second parent is the issue branch.</summary>
    Merge,
    /// <summary>One new commit on the base holding all of the changes (<c>git merge --squash</c>).</summary>
    Squash,
    /// <summary>The commits replayed on the base, then the base fast-forwarded: linear history.</summary>
    Rebase,
    /// <summary>Only the chosen commits (or every commit of the branch) copied onto the base.</summary>
    CherryPick,
}

/// <summary>How Sync-IssueWorktree brings the base into an issue branch.</summary>
public enum SyncStrategy
{
    Rebase,
    Merge,
}

/// <summary>The order Merge-IssueWorktree merges a train in.</summary>
public enum TrainOrder
{
    /// <summary>As the issues were given.</summary>
    Input,
    /// <summary>The order that lands the most issues, planned from the pairwise forecast (see Get-IssueConflict).</summary>
    Planned,
}
