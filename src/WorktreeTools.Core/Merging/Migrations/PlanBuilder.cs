using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Migrations;

/// <summary>Collects a plan's path operations, what to report about them, and what could not be handled.</summary>
internal sealed class PlanBuilder(IReadOnlyDictionary<string, TreeFile> onBase)
{
    private readonly List<PathOperation> _operations = [];
    private readonly List<FileRename> _renames = [];
    private readonly List<string> _rewritten = [];
    private readonly List<string> _notes = [];
    private readonly List<(string Verb, string Text)> _summary = [];

    /// <summary>
    /// <paramref name="file"/> (the issue's) moves to <paramref name="newPath"/>, with <paramref name="blob"/> as its content
    /// (null: unchanged); its old path keeps the base's file of that name, if the base has one.
    /// </summary>
    public void Move(TreeFile file, string newPath, string? blob = null)
    {
        _operations.Add(PathOperation.Put(newPath, file.Mode, blob ?? file.Blob));
        _operations.Add(onBase.TryGetValue(file.Path, out var b) ? PathOperation.Put(b.Path, b.Mode, b.Blob) : PathOperation.Remove(file.Path));
    }

    /// <summary>A file that keeps its path but gets new content (a Drizzle journal or snapshot).</summary>
    public void Rewrite(string path, string mode, string blob)
    {
        _operations.Add(PathOperation.Put(path, mode, blob));
        _rewritten.Add(path);
    }

    /// <summary>How many path operations so far.</summary>
    public int Count => _operations.Count;

    public void Renamed(string oldPath, string newPath) => _renames.Add(new FileRename(oldPath, newPath));

    /// <summary>What was done, as a verb (renumber, move, merge) and the rest: "renumbered ..." or, forecast, "would renumber ...".</summary>
    public void Summary(string verb, string rest) => _summary.Add((verb, rest));

    public void Note(string text) => _notes.Add(text);

    public MigrationPlan Build() => _operations.Count == 0 && _notes.Count == 0
        ? MigrationPlan.Empty
        : new MigrationPlan(_operations.ToList(), _renames.ToList(), _rewritten.ToList(), _notes.ToList(),
            forecast => string.Join("; ", _summary.Select(s => (forecast ? "would " + s.Verb : s.Verb + (s.Verb.EndsWith('e') ? "d" : "ed")) + " " + s.Text)));
}
