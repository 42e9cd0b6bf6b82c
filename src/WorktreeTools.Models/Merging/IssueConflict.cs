namespace WorktreeTools.Merging;

/// <summary>What kind of conflict git reports on a path (the names of git's own <c>CONFLICT (...)</c> messages).</summary>
public enum ConflictKind
{
    /// <summary>Both sides changed the same lines.</summary>
    Content,
    /// <summary>Both sides added the path with different contents.</summary>
    AddAdd,
    /// <summary>One side changed the file, the other deleted it.</summary>
    ModifyDelete,
    /// <summary>Both sides renamed the same file to different names.</summary>
    RenameRename,
    /// <summary>One side renamed the file, the other deleted it.</summary>
    RenameDelete,
    /// <summary>A rename collides with another file or rename at its new name.</summary>
    RenameCollision,
    /// <summary>Both sides changed a file git cannot merge line by line.</summary>
    Binary,
    /// <summary>One side has a file where the other has a directory.</summary>
    FileDirectory,
    /// <summary>The sides disagree on the kind of entry (file, symbolic link, submodule) or its mode.</summary>
    Mode,
    /// <summary>A directory rename on one side moves (or cannot move) paths the other side added.</summary>
    DirectoryRename,
    /// <summary>A submodule cannot be merged.</summary>
    Submodule,
    /// <summary>Any other conflict git reports.</summary>
    Other,
}

/// <summary>How a pair of branches merges.</summary>
public enum ConflictStatus
{
    /// <summary>git merges them without a conflict.</summary>
    Clean,
    /// <summary>git stops on conflicts, and the merge policies (lockfile regeneration, migration renumbering) resolve all of them.</summary>
    Resolved,
    /// <summary>Conflicts that no policy resolves: a merge of the pair would stop.</summary>
    Conflict,
}

/// <summary>One path a merge of two branches conflicts on.</summary>
/// <param name="Path">The path as it is in the branches (for a file/directory conflict, the contested name, not git's <c>name~side</c> copy).</param>
/// <param name="Policy"><c>Lockfile</c> or <c>Migrations</c> when that policy takes care of this path; null when none does.</param>
public sealed record ConflictFile(string Path, ConflictKind Kind, string? Policy = null)
{
    public override string ToString() => Policy is null ? $"{Path} ({Kind})" : $"{Path} ({Kind}, {Policy})";
}

/// <summary>
/// The forecast of merging two issues' branches, or one issue's branch into its base (Get-IssueConflict emits one per
/// conflicting pair). Computed with git's own merge machinery, without touching any checkout.
/// </summary>
public sealed record IssueConflict
{
    /// <summary>The issue whose branch is the receiving side ("ours"); for a pair with the base, the issue merged into it.</summary>
    public string Issue { get; init; } = "";
    public string Branch { get; init; } = "";
    /// <summary>The other issue, or the base branch's name when <see cref="OtherIsBase"/>.</summary>
    public string Other { get; init; } = "";
    public string OtherBranch { get; init; } = "";
    /// <summary>True when this is the issue against its base (as Merge-IssueWorktree would merge it).</summary>
    public bool OtherIsBase { get; init; }
    public ConflictStatus Status { get; init; }
    /// <summary>Every conflicted path, with its kind and the policy that resolves it (if any).</summary>
    public IReadOnlyList<ConflictFile> Files { get => _files; init => _files = ItemList<ConflictFile>.Of(value); }
    private readonly IReadOnlyList<ConflictFile> _files = ItemList<ConflictFile>.Empty;
    /// <summary>What the policies would do (lockfile regeneration, migration renumbering), one line each.</summary>
    public IReadOnlyList<string> Policies { get => _policies; init => _policies = ItemList<string>.Of(value); }
    private readonly IReadOnlyList<string> _policies = ItemList<string>.Empty;
    /// <summary>True when uncommitted work in the worktrees was part of the forecast (-IncludeUncommitted).</summary>
    public bool IncludesUncommitted { get; init; }
    /// <summary>The commits compared (with uncommitted work: a snapshot commit on top of the branch tip, referenced by nothing).</summary>
    public string Commit { get; init; } = "";
    public string OtherCommit { get; init; } = "";
    /// <summary>The repository's main worktree (so that a piped pair reaches its repository).</summary>
    public string RepositoryRoot { get; init; } = "";

    /// <summary>The paths no policy resolves.</summary>
    public IReadOnlyList<string> ConflictFiles => ItemList<string>.Of(Files.Where(f => f.Policy is null).Select(f => f.Path));

    public override string ToString() => $"{Issue} x {Other}: {Status}" + (Files.Count == 0 ? "" : " (" + string.Join(", ", Files) + ")");
}

/// <summary>
/// Every pair of a set of issues at a glance (Get-IssueConflict -Matrix): one row and one column per issue, plus the
/// base. A cell holds the number of paths that would conflict, <c>~</c> when policies resolve every conflict, <c>.</c>
/// when the pair merges cleanly.
/// </summary>
public sealed record IssueConflictMatrix
{
    public IReadOnlyList<string> Issues { get; init; } = [];
    /// <summary>The base branch (or branches) the issues merge into.</summary>
    public string Base { get; init; } = "";
    /// <summary>Every pair, clean ones included.</summary>
    public IReadOnlyList<IssueConflict> Pairs { get; init; } = [];

    /// <summary>The pair of two issues (in either order), or of an issue and its base (<paramref name="b"/> null).</summary>
    public IssueConflict? Pair(string a, string? b) => Pairs.FirstOrDefault(p =>
        b is null ? p.OtherIsBase && p.Issue == a
        : !p.OtherIsBase && (p.Issue == a && p.Other == b || p.Issue == b && p.Other == a));

    /// <summary>The grid as text lines: at most 6 columns per issue (longer ids are cut), so ten issues fit an 80-column console.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var width = Math.Clamp(Issues.Count == 0 ? 4 : Issues.Max(i => i.Length), 4, 5) + 1;
            var label = Math.Clamp(Issues.Count == 0 ? 4 : Issues.Max(i => i.Length), 4, 12) + 1;
            string Cell(string text) => (text.Length >= width ? text[..(width - 2)] + "…" : text).PadLeft(width);
            string Mark(IssueConflict? p) => p is null ? "?" : p.Status switch
            {
                ConflictStatus.Clean => ".",
                ConflictStatus.Resolved => "~",
                _ => p.ConflictFiles.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var lines = new List<string> { "".PadRight(label) + Cell("base") + string.Concat(Issues.Select(Cell)) };
            foreach (var a in Issues)
                lines.Add((a.Length >= label ? a[..(label - 2)] + "…" : a).PadRight(label) + Cell(Mark(Pair(a, null)))
                          + string.Concat(Issues.Select(b => Cell(a == b ? "-" : Mark(Pair(a, b))))));
            lines.Add("");
            lines.Add("n = paths that conflict, ~ = resolved by policy, . = clean" + (Base.Length > 0 ? $"; base: {Base}" : ""));
            return lines;
        }
    }

    public override string ToString() => string.Join(Environment.NewLine, Lines);
}
