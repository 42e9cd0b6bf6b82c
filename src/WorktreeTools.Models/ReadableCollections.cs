using System.Collections.ObjectModel;

namespace WorktreeTools;

/// <summary>
/// The list behind a list property of an output object: it reads as its items, not as its type name, where
/// PowerShell turns a property into text (Export-Csv, ConvertTo-Csv, -f, ToString): "abc1234 Fix the login; def5678 Tests".
/// </summary>
public sealed class ItemList<T>(IEnumerable<T>? items) : ReadOnlyCollection<T>((items ?? []).ToList())
{
    public static new ItemList<T> Empty { get; } = new([]);

    /// <summary>The same list when it is one already.</summary>
    public static ItemList<T> Of(IEnumerable<T>? items) => items as ItemList<T> ?? new(items);

    public override string ToString() => string.Join("; ", this);
}

/// <summary>Ports by name that read as "web=3001, api=4001" where PowerShell turns them into text (Export-Csv, ToString).</summary>
public sealed class PortMap(IEnumerable<KeyValuePair<string, int>>? ports)
    : ReadOnlyDictionary<string, int>(new Dictionary<string, int>(ports ?? []))
{
    public static new PortMap Empty { get; } = new([]);

    public static PortMap Of(IEnumerable<KeyValuePair<string, int>>? ports) => ports as PortMap ?? new(ports);

    public override string ToString() => string.Join(", ", this.Select(p => $"{p.Key}={p.Value}"));
}
