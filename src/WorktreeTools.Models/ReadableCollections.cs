using System.Collections.ObjectModel;

namespace WorktreeTools;

/// <summary>
/// The list behind a list property of an output object: it reads as its items, not as its type name, where
/// PowerShell turns a property into text (Export-Csv, ConvertTo-Csv, -f, ToString): "abc1234 Fix the login; def5678 Tests".
/// </summary>
public sealed class ItemList<T>(IEnumerable<T>? items) : ReadOnlyCollection<T>((items ?? []).ToList())
{
    public static new ItemList<T> Empty { get; } = new([]);

    /// <summary>The same list when it is one already; the shared <see cref="Empty"/> when there is nothing.</summary>
    public static ItemList<T> Of(IEnumerable<T>? items) =>
        items as ItemList<T> ?? (items is null || (items.TryGetNonEnumeratedCount(out var n) && n == 0) ? Empty : new(items));

    public override string ToString() => string.Join("; ", this);

    // Equal by content, so that records holding lists (MergePolicy and its Renames) compare as values.
    public override bool Equals(object? obj) => obj is ItemList<T> other && this.SequenceEqual(other);

    public override int GetHashCode() => this.Aggregate(Count, (hash, item) => HashCode.Combine(hash, item));
}

/// <summary>Ports by name that read as "web=3001, api=4001" where PowerShell turns them into text (Export-Csv, ToString).</summary>
public sealed class PortMap(IEnumerable<KeyValuePair<string, int>>? ports)
    : ReadOnlyDictionary<string, int>(new Dictionary<string, int>(ports ?? []))
{
    public static new PortMap Empty { get; } = new([]);

    public static PortMap Of(IEnumerable<KeyValuePair<string, int>>? ports) => ports as PortMap ?? new(ports);

    public override string ToString() => string.Join(", ", this.Select(p => $"{p.Key}={p.Value}"));
}
