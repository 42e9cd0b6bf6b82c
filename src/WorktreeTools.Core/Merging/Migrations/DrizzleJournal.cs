using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WorktreeTools.Core.Merging.Migrations;

/// <summary>
/// Drizzle (drizzle-kit's output folder): <c>meta/_journal.json</c> lists the migrations (<c>idx</c>, <c>when</c>,
/// <c>tag</c>), <c>&lt;tag&gt;.sql</c> holds each, <c>meta/&lt;idx&gt;_snapshot.json</c> the schema after it, chained by
/// <c>id</c>/<c>prevId</c>. Drizzle's migrator applies a journal entry only when its <c>when</c> is after the newest
/// applied one, and drizzle-kit refuses two snapshots with one parent. So the issue's new entries follow the base's:
/// next <c>idx</c> (and the tag's number, files renamed with it), a <c>when</c> after the base's newest, the journal
/// listing the base's entries then the issue's, and each new snapshot chained to the base's last one and holding the
/// base's schema changes too (a three-way merge against the snapshot the issue started from).
/// </summary>
internal static partial class DrizzleJournal
{
    public static void Plan(MigrationPolicy.PlanContext c, string folder, List<TreeFile> onBase, List<TreeFile> added)
    {
        var journalPath = $"{folder}/meta/_journal.json";
        var incomingText = TreeFiles.Read(c.Dir, c.To, journalPath);
        var baseJournal = JsonMerge.ParseObject(TreeFiles.Read(c.Dir, c.BaseTip, journalPath));
        var incomingJournal = JsonMerge.ParseObject(incomingText);
        var forkJournal = JsonMerge.ParseObject(TreeFiles.Read(c.Dir, c.From, journalPath));
        if (baseJournal is null || incomingJournal is null)
        {
            if (added.Any(f => f.Path.EndsWith(".sql", StringComparison.Ordinal)))
                c.Builder.Note($"{journalPath} is missing or not valid JSON on {(baseJournal is null ? c.BaseName : "the issue's side")}: the Drizzle migrations in {folder} were left as they are");
            return;
        }

        var baseEntries = Entries(baseJournal);
        var forkTags = Entries(forkJournal).Select(Tag).ToHashSet(StringComparer.Ordinal);
        var baseTags = baseEntries.Select(Tag).ToHashSet(StringComparer.Ordinal);
        var incoming = Entries(incomingJournal).Where(e => !forkTags.Contains(Tag(e)) && !baseTags.Contains(Tag(e))).ToList();
        if (incoming.Count == 0) return;

        // The journal as it must be: the base's entries, then the issue's with the next idx and a later when.
        var journal = (JsonObject)baseJournal.DeepClone();
        if (journal["entries"] is not JsonArray entries) journal["entries"] = entries = [];
        var lastIdx = baseEntries.Count == 0 ? -1 : baseEntries.Max(Idx);
        var lastWhen = baseEntries.Count == 0 ? long.MinValue : baseEntries.Max(When);
        var moves = new List<(int OldIdx, int NewIdx, string OldTag, string NewTag)>();
        foreach (var e in incoming)
        {
            var newIdx = ++lastIdx;
            var newTag = Retag(Tag(e), Idx(e), newIdx);
            lastWhen = When(e) > lastWhen ? When(e) : lastWhen + 1;
            var entry = (JsonObject)e.DeepClone();
            entry["idx"] = newIdx;
            entry["when"] = lastWhen;
            entry["tag"] = newTag;
            entries.Add(entry);
            moves.Add((Idx(e), newIdx, Tag(e), newTag));
        }

        var before = c.Builder.Count;
        Snapshots(c, folder, onBase, added, baseEntries, Entries(forkJournal), moves);
        foreach (var (_, _, oldTag, newTag) in moves.Where(m => m.OldTag != m.NewTag))
            if (added.FirstOrDefault(f => f.Path == $"{folder}/{oldTag}.sql") is { } sql)
            {
                c.Builder.Move(sql, $"{folder}/{newTag}.sql");
                c.Builder.Renamed(sql.Path, $"{folder}/{newTag}.sql");
            }
        // Both sides changed the journal since the issue started: a text merge of it would conflict, so the plan says
        // what it holds even when the issue's side already has it.
        var bothChanged = !JsonNode.DeepEquals(baseJournal, forkJournal) && !JsonNode.DeepEquals(incomingJournal, forkJournal);
        if (!JsonNode.DeepEquals(journal, incomingJournal) || bothChanged)
        {
            var mode = added.FirstOrDefault(f => f.Path == journalPath)?.Mode ?? onBase.FirstOrDefault(f => f.Path == journalPath)?.Mode ?? "100644";
            c.Builder.Rewrite(journalPath, mode, TreeFiles.Write(c.Dir, JsonMerge.Write(journal, incomingText)));
        }
        if (c.Builder.Count == before) return;
        var renamed = moves.Where(m => m.OldIdx != m.NewIdx || m.OldTag != m.NewTag).ToList();
        if (renamed.Count == 0) c.Builder.Summary("merge", $"{journalPath} ({c.BaseName}'s entries, then the issue's)");
        else c.Builder.Summary("renumber", $"{renamed.Count} Drizzle migration(s) in {folder} to follow {c.BaseName} " +
                                           $"({string.Join(", ", renamed.Select(m => $"{m.OldTag} -> {m.NewTag}"))}) and their journal entries and snapshots");
    }

    /// <summary>Each new snapshot at its new idx, chained after the base's last one and merged with the base's schema changes.</summary>
    private static void Snapshots(MigrationPolicy.PlanContext c, string folder, List<TreeFile> onBase, List<TreeFile> added,
        List<JsonObject> baseEntries, List<JsonObject> forkEntries, List<(int OldIdx, int NewIdx, string OldTag, string NewTag)> moves)
    {
        string SnapshotPath(int idx) => $"{folder}/meta/{idx.ToString("D4", CultureInfo.InvariantCulture)}_snapshot.json";
        var baseLast = baseEntries.Count == 0 ? null : JsonMerge.ParseObject(TreeFiles.Read(c.Dir, c.BaseTip, SnapshotPath(Idx(baseEntries[^1]))));
        var forkLast = forkEntries.Count == 0 ? null : JsonMerge.ParseObject(TreeFiles.Read(c.Dir, c.From, SnapshotPath(Idx(forkEntries[^1]))));
        var prevId = baseLast?["id"]?.DeepClone();
        var baseMoved = baseLast is not null && forkLast is not null && !JsonNode.DeepEquals(baseLast, forkLast);
        foreach (var (oldIdx, newIdx, _, _) in moves)
        {
            var file = added.FirstOrDefault(f => f.Path == SnapshotPath(oldIdx));
            var text = file is null ? null : TreeFiles.ReadBlob(c.Dir, file.Blob);
            if (JsonMerge.ParseObject(text) is not { } snapshot) continue;
            var merged = snapshot;
            if (baseMoved)
            {
                var conflicts = new List<string>();
                merged = JsonMerge.Merge(WithoutChain(forkLast!), WithoutChain(baseLast!), WithoutChain(snapshot), conflicts) as JsonObject ?? snapshot;
                if (conflicts.Count > 0)
                {
                    c.Builder.Note($"{SnapshotPath(newIdx)}: {c.BaseName} and the issue both changed {string.Join(", ", conflicts.Take(3))} of the schema; " +
                                   "the issue's snapshot was kept: run drizzle-kit generate and check what it proposes");
                    merged = WithoutChain(snapshot);
                }
            }
            var result = Chained(snapshot, merged, prevId);
            prevId = snapshot["id"]?.DeepClone();
            if (newIdx == oldIdx && JsonNode.DeepEquals(result, snapshot)) continue;
            var blob = TreeFiles.Write(c.Dir, JsonMerge.Write(result, text));
            if (newIdx == oldIdx) c.Builder.Rewrite(file!.Path, file.Mode, blob);
            else
            {
                c.Builder.Move(file!, SnapshotPath(newIdx), blob);
                c.Builder.Renamed(file!.Path, SnapshotPath(newIdx));
            }
        }
    }

    private static JsonObject WithoutChain(JsonObject snapshot)
    {
        var copy = (JsonObject)snapshot.DeepClone();
        copy.Remove("id");
        copy.Remove("prevId");
        return copy;
    }

    /// <summary>The snapshot's keys in its own order: its id, the new parent, the merged rest.</summary>
    private static JsonObject Chained(JsonObject snapshot, JsonObject merged, JsonNode? prevId)
    {
        var result = new JsonObject();
        foreach (var (key, value) in snapshot)
            if (key == "id") result[key] = value?.DeepClone();
            else if (key == "prevId") result[key] = prevId?.DeepClone() ?? value?.DeepClone();
            else if (merged.TryGetPropertyValue(key, out var m)) result[key] = m?.DeepClone();
        foreach (var (key, value) in merged)
            if (!result.ContainsKey(key)) result[key] = value?.DeepClone();
        return result;
    }

    private static List<JsonObject> Entries(JsonObject? journal) =>
        journal?["entries"] is JsonArray a ? a.OfType<JsonObject>().Where(e => e["tag"] is not null && e["idx"] is not null).ToList() : [];

    private static string Tag(JsonObject e) => e["tag"]!.ToString();
    private static int Idx(JsonObject e) => int.TryParse(e["idx"]!.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;
    private static long When(JsonObject e) => long.TryParse(e["when"]?.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) ? w : 0;

    /// <summary>drizzle-kit's default tags start with the idx (<c>0002_cool_name</c>): the number moves with it. Other prefixes (timestamps) stay.</summary>
    private static string Retag(string tag, int oldIdx, int newIdx)
    {
        var m = IndexPrefix().Match(tag);
        return m.Success && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) == oldIdx
            ? newIdx.ToString(CultureInfo.InvariantCulture).PadLeft(m.Groups[1].Length, '0') + tag[m.Groups[1].Length..]
            : tag;
    }

    [GeneratedRegex(@"^(\d{1,9})_")]
    private static partial Regex IndexPrefix();
}
