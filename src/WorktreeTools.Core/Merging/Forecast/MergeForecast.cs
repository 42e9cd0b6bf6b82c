using System.Security.Cryptography;
using System.Text;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Forecast;

/// <summary>One conflicted index entry of a forecast merge: stage 1 is the merge base's version, 2 ours, 3 theirs.</summary>
internal sealed record StageEntry(string Mode, string Blob, int Stage, string Path);

/// <summary>
/// What merging <see cref="Theirs"/> into <see cref="Ours"/> would give, computed by git's own merge (merge-ort) without
/// touching any worktree: clean or not, the merged tree (with conflict markers where it is not clean) and each
/// conflicted path with its kind.
/// </summary>
public sealed record MergeForecast(string Ours, string Theirs, bool Clean, string Tree, IReadOnlyList<ConflictFile> Conflicts)
{
    /// <summary>The conflicted index entries, as a real merge would leave them.</summary>
    internal IReadOnlyList<StageEntry> Stages { get; init; } = [];

    /// <summary>The conflicted paths.</summary>
    public IReadOnlyList<string> ConflictFiles => Conflicts.Select(c => c.Path).ToList();

    /// <summary>
    /// Forecasts many merges with one <c>git merge-tree --write-tree --stdin</c> process (about 0.5 ms a merge instead of
    /// a process or a LibGit2Sharp merge each). A real merge reads <c>.gitattributes</c> (merge drivers such as
    /// <c>merge=union</c>, <c>binary</c>) from the checkout of the receiving side; merge-tree reads them from the folder it
    /// runs in. So it runs in a scratch folder that holds exactly the <c>.gitattributes</c> files of the "ours" side:
    /// one process per distinct set of attributes among the "ours" commits (nearly always one).
    /// </summary>
    public static IReadOnlyList<MergeForecast> Run(string repo, IReadOnlyList<(string Ours, string Theirs)> pairs)
    {
        if (pairs.Count == 0) return [];
        using var graph = new GitGraph(repo);
        return Run(graph, pairs);
    }

    /// <inheritdoc cref="Run(string, IReadOnlyList{ValueTuple{string, string}})"/>
    internal static IReadOnlyList<MergeForecast> Run(GitGraph graph, IReadOnlyList<(string Ours, string Theirs)> pairs)
    {
        var results = new MergeForecast[pairs.Count];
        var groups = pairs.Select((p, i) => (p, i, files: graph.AttributeFiles(p.Ours))).GroupBy(x => Key(x.files));
        foreach (var group in groups)
        {
            var items = group.ToList();
            var scratch = Path.Combine(Path.GetTempPath(), "wtt-merge-tree-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(scratch);
            try
            {
                foreach (var (path, blob) in items[0].files)
                {
                    var full = Path.Combine(scratch, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                    File.WriteAllBytes(full, graph.Blob(blob));
                }
                var batch = RunIn(scratch, graph.GitDirectory, items.Select(x => x.p).ToList());
                for (var k = 0; k < items.Count; k++) results[items[k].i] = batch[k];
            }
            finally { Directory.Delete(scratch, recursive: true); }
        }
        return results;
    }

    private static string Key(IReadOnlyList<(string Path, string Blob)> files) =>
        files.Count == 0 ? "" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", files.Select(f => f.Path + " " + f.Blob).Order(StringComparer.Ordinal)))));

    private static List<MergeForecast> RunIn(string scratch, string gitDir, IReadOnlyList<(string Ours, string Theirs)> pairs)
    {
        var input = string.Concat(pairs.Select(p => $"{p.Ours} {p.Theirs}\n"));
        var output = GitCli.Read(scratch, ["--git-dir", gitDir, "--work-tree", scratch, "merge-tree", "--write-tree", "--stdin", "-z"], check: false, stdin: input);
        if (output.ExitCode > 1)
            throw new WorktreeToolsException("MergeForecastFailed", ErrorKind.InvalidOperation, $"git merge-tree failed: {output.Error.Trim()}", gitDir);
        var reader = new FieldReader(output.Output.Split('\0'));
        var result = new List<MergeForecast>(pairs.Count);
        foreach (var (ours, theirs) in pairs)
        {
            // <status> NUL <tree> NUL, then for a conflicted merge: <mode> <blob> <stage> TAB <path> NUL ... NUL and the
            // messages (<count> NUL <path>... NUL <type> NUL <message> NUL) ... ; every merge ends with one more NUL.
            var clean = reader.Next() == "1";
            var tree = reader.Next();
            var stages = new List<StageEntry>();
            var messages = new List<(string[] Paths, string Type, string Text)>();
            if (clean) reader.Next();
            else
            {
                for (var f = reader.Next(); f.Length > 0; f = reader.Next())
                {
                    var tab = f.IndexOf('\t');
                    var head = f[..tab].Split(' ');
                    stages.Add(new StageEntry(head[0], head[1], head[2][0] - '0', f[(tab + 1)..]));
                }
                for (var count = reader.Next(); count.Length > 0; count = reader.Next())
                {
                    var paths = Enumerable.Range(0, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)).Select(_ => reader.Next()).ToArray();
                    messages.Add((paths, reader.Next(), reader.Next()));
                }
            }
            result.Add(new MergeForecast(ours, theirs, clean, tree, Classify(stages, messages)) { Stages = stages });
        }
        return result;
    }

    /// <summary>Each conflicted path with the most telling kind among git's messages about it (the stages when git says nothing).</summary>
    private static List<ConflictFile> Classify(List<StageEntry> stages, List<(string[] Paths, string Type, string Text)> messages)
    {
        var files = new List<ConflictFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in stages.Select(s => s.Path).Distinct(StringComparer.Ordinal))
        {
            var kinds = messages.Where(m => m.Paths.Contains(path, StringComparer.Ordinal)).Select(m => KindOf(m.Type, m.Text)).OfType<ConflictKind>().ToList();
            var mine = stages.Where(s => s.Path == path).Select(s => s.Stage).ToHashSet();
            var kind = kinds.Count > 0 ? kinds.MinBy(k => Array.IndexOf(Specific, k)) : !mine.Contains(1) && mine.Contains(2) && mine.Contains(3) ? ConflictKind.AddAdd
                : mine.Contains(2) != mine.Contains(3) ? ConflictKind.ModifyDelete : ConflictKind.Content;
            // A file/directory conflict moves the file aside to "<path>~<side>"; report the contested name itself.
            var shown = kind == ConflictKind.FileDirectory
                ? messages.Where(m => m.Paths.Contains(path, StringComparer.Ordinal) && m.Type.Contains("file/directory", StringComparison.Ordinal))
                    .SelectMany(m => m.Paths).Where(p => p != path && path.StartsWith(p + "~", StringComparison.Ordinal)).DefaultIfEmpty(path).First()
                : path;
            if (seen.Add(shown)) files.Add(new ConflictFile(shown, kind));
        }
        return files;
    }

    /// <summary>When git reports several kinds for one path, the first of these names it best.</summary>
    private static readonly ConflictKind[] Specific =
    [
        ConflictKind.FileDirectory, ConflictKind.RenameRename, ConflictKind.RenameDelete, ConflictKind.RenameCollision, ConflictKind.DirectoryRename,
        ConflictKind.ModifyDelete, ConflictKind.Mode, ConflictKind.Binary, ConflictKind.Submodule, ConflictKind.AddAdd, ConflictKind.Content, ConflictKind.Other,
    ];

    /// <summary>git's conflict type (merge-ort's short descriptions) as a kind, the most specific first; null for information.</summary>
    private static ConflictKind? KindOf(string type, string text)
    {
        if (!type.StartsWith("CONFLICT", StringComparison.Ordinal)) return null;
        if (type.Contains("file/directory", StringComparison.Ordinal)) return ConflictKind.FileDirectory;
        if (type.Contains("rename/rename", StringComparison.Ordinal)) return ConflictKind.RenameRename;
        if (type.Contains("rename/delete", StringComparison.Ordinal)) return ConflictKind.RenameDelete;
        if (type.Contains("rename involved in collision", StringComparison.Ordinal)) return ConflictKind.RenameCollision;
        if (type.Contains("directory rename", StringComparison.Ordinal)) return ConflictKind.DirectoryRename;
        if (type.Contains("modify/delete", StringComparison.Ordinal)) return ConflictKind.ModifyDelete;
        if (type.Contains("distinct modes", StringComparison.Ordinal)) return ConflictKind.Mode;
        if (type.Contains("binary", StringComparison.Ordinal)) return ConflictKind.Binary;
        if (type.Contains("submodule", StringComparison.Ordinal)) return ConflictKind.Submodule;
        if (type.Contains("contents", StringComparison.Ordinal))
            return text.Contains("(add/add)", StringComparison.Ordinal) ? ConflictKind.AddAdd : ConflictKind.Content;
        return ConflictKind.Other;
    }

    private sealed class FieldReader(string[] fields)
    {
        private int _next;
        public string Next() => _next < fields.Length ? fields[_next++] : "";
    }
}
