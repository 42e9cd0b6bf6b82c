namespace WorktreeTools.Merging;

/// <summary>One file renamed by a policy (a renumbered migration), paths relative to the repository root.</summary>
public sealed record FileRename(string Old, string New)
{
    public override string ToString() => $"{Old} -> {New}";
}

/// <summary>
/// A conflict policy (or hook) that acted during a merge or sync: <c>Lockfile</c>, <c>Migrations</c> or
/// <c>AfterMerge</c>, with a one-line <see cref="Detail"/> and, for migrations, the renames.
/// </summary>
public sealed record MergePolicy(string Name, string Detail, IReadOnlyList<FileRename> Renames)
{
    public IReadOnlyList<FileRename> Renames { get => _renames; init => _renames = ItemList<FileRename>.Of(value); }
    private readonly IReadOnlyList<FileRename> _renames = ItemList<FileRename>.Of(Renames);

    public MergePolicy(string name, string detail) : this(name, detail, []) { }

    public override string ToString() => $"{Name}: {Detail}";
}

/// <summary>A commit brought into the base.</summary>
public sealed record MergeCommit(string Sha, string Subject)
{
    public string ShortSha => Sha.Length > 10 ? Sha[..10] : Sha;
    public override string ToString() => $"{ShortSha} {Subject}";
}
