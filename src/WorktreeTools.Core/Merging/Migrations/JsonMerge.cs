using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WorktreeTools.Core.Merging.Migrations;

/// <summary>
/// A three-way merge of JSON documents, key by key (Drizzle snapshots: the base's schema changes and the issue's,
/// each against the snapshot both started from), and writing JSON the way JavaScript's <c>JSON.stringify(x, null, 2)</c> does.
/// </summary>
internal static class JsonMerge
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// <paramref name="ours"/> and <paramref name="theirs"/> merged against <paramref name="original"/>; a key both changed
    /// differently is named in <paramref name="conflicts"/> (as a JSON path) and takes <paramref name="theirs"/>' value.
    /// </summary>
    public static JsonNode? Merge(JsonNode? original, JsonNode? ours, JsonNode? theirs, List<string> conflicts) =>
        Merge((original is not null, original), (ours is not null, ours), (theirs is not null, theirs), "$", conflicts).Value;

    private static (bool Present, JsonNode? Value) Merge((bool Present, JsonNode? Value) o, (bool Present, JsonNode? Value) a,
        (bool Present, JsonNode? Value) b, string at, List<string> conflicts)
    {
        if (Same(a, b) || Same(o, b)) return Copy(a);
        if (Same(o, a)) return Copy(b);
        if (a.Value is JsonObject ao && b.Value is JsonObject bo)
        {
            var oo = o.Value as JsonObject;
            var merged = new JsonObject();
            foreach (var key in ao.Select(p => p.Key).Concat(bo.Select(p => p.Key)).Distinct(StringComparer.Ordinal).ToList())
            {
                var value = Merge(Get(oo, key), Get(ao, key), Get(bo, key), $"{at}.{key}", conflicts);
                if (value.Present) merged[key] = value.Value;
            }
            return (true, merged);
        }
        conflicts.Add(at);
        return Copy(b);
    }

    private static (bool, JsonNode?) Get(JsonObject? o, string key) =>
        o is not null && o.TryGetPropertyValue(key, out var v) ? (true, v) : (false, null);

    private static bool Same((bool Present, JsonNode? Value) x, (bool Present, JsonNode? Value) y) =>
        x.Present == y.Present && (!x.Present || JsonNode.DeepEquals(x.Value, y.Value));

    private static (bool, JsonNode?) Copy((bool Present, JsonNode? Value) x) => (x.Present, x.Value?.DeepClone());

    /// <summary>Parses a JSON object, or null when <paramref name="text"/> is missing or not one.</summary>
    public static JsonObject? ParseObject(string? text)
    {
        if (text is null) return null;
        try { return JsonNode.Parse(text) as JsonObject; }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// <paramref name="node"/> indented by two spaces, in the line endings of <paramref name="like"/> and ending with a
    /// newline only when it does.
    /// </summary>
    public static string Write(JsonNode node, string? like)
    {
        var text = node.ToJsonString(Indented).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (like?.EndsWith('\n') == true) text += "\n";
        return like?.Contains("\r\n", StringComparison.Ordinal) == true ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text;
    }
}
