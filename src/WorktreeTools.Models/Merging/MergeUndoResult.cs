namespace WorktreeTools.Merging;

/// <summary>What happened to one merge given to Undo-IssueMerge.</summary>
public enum UndoStatus
{
    /// <summary>The base (and the remote's, when the merge was pushed) is back at the merge's BaseBefore.</summary>
    Undone,
    /// <summary>The base already was at BaseBefore; nothing changed.</summary>
    AlreadyUndone,
    /// <summary>Dry run (-WhatIf): the undo would go through as described.</summary>
    WouldUndo,
}

/// <summary>The outcome of undoing one merge (Undo-IssueMerge emits one per MergeResult).</summary>
public sealed record MergeUndoResult
{
    public string Issue { get; init; } = "";
    public UndoStatus Status { get; init; }
    /// <summary>The base branch that was put back.</summary>
    public string Into { get; init; } = "";
    /// <summary>Where the base was before the undo, and where it is now (the merge's BaseBefore).</summary>
    public string From { get; init; } = "";
    public string To { get; init; } = "";
    /// <summary>Every commit taken out of the base, newest first: the merge's own and, with -Force, those landed after it.</summary>
    public IReadOnlyList<MergeCommit> Removed { get => _removed; init => _removed = ItemList<MergeCommit>.Of(value); }
    private readonly IReadOnlyList<MergeCommit> _removed = ItemList<MergeCommit>.Empty;
    /// <summary>The remote whose base was put back too (with a lease on the tip the merge pushed); null when only the local base moved.</summary>
    public string? Remote { get; init; }
    /// <summary>Rebase: the issue branch was put back to its tip before the merge.</summary>
    public bool IssueBranchRestored { get; init; }
    /// <summary>Prefix of the refs that keep what was undone (<c>/undone</c>: the base's tip before the undo).</summary>
    public string? BackupRef { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => $"{Issue} {Status} ({Into} -> {(To.Length > 10 ? To[..10] : To)})";
}
