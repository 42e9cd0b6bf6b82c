using System.Text;
using System.Text.RegularExpressions;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;

namespace WorktreeTools.Core.Worktrees;

/// <summary>
/// Rewrites a dotenv file key by key and by pattern. Comments, blank lines, ordering, quoting and keys that
/// are not named survive untouched; a key that is set but absent is appended at the end. A quoted value may
/// span lines (as dotenv allows); a value with a line break is written double-quoted with <c>\n</c>, so it
/// reads back whole.
/// </summary>
public static partial class EnvFile
{
    [GeneratedRegex(@"^(?<lead>\s*(?:export\s+)?)(?<key>[A-Za-z_][A-Za-z0-9_]*)(?<eq>\s*=\s*)(?<value>.*?)(?<trail>\s*)$")]
    private static partial Regex Assignment();

    /// <summary>One assignment: its lines [<see cref="First"/>, <see cref="Last"/>] and its raw value text (quotes and line breaks kept).</summary>
    private sealed record Entry(int First, int Last, string Lead, string Key, string Eq, string Raw);

    /// <summary>The assignments of <paramref name="lines"/>; a quoted value that does not close on its line runs on to the line that closes it.</summary>
    private static List<Entry> Entries(IReadOnlyList<string> lines)
    {
        var entries = new List<Entry>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].TrimStart().StartsWith('#')) continue;
            var m = Assignment().Match(lines[i]);
            if (!m.Success) continue;
            var raw = m.Groups["value"].Value;
            var first = i;
            if (raw.Length > 0 && raw[0] is '"' or '\'' or '`' && ClosingQuote(raw, raw[0]) < 0)
            {
                var quote = raw[0];
                var sb = new StringBuilder(lines[i][(m.Groups["value"].Index)..]);
                var j = i + 1;
                for (; j < lines.Count; j++)
                {
                    sb.Append('\n').Append(lines[j]);
                    if (ClosingQuote(sb.ToString(), quote) >= 0) break;
                }
                if (j < lines.Count)
                {
                    var text = sb.ToString();
                    raw = text[..(ClosingQuote(text, quote) + 1)];
                    i = j;
                }
            }
            entries.Add(new Entry(first, i, m.Groups["lead"].Value, m.Groups["key"].Value, m.Groups["eq"].Value, raw));
        }
        return entries;
    }

    /// <summary>Where the quote that opens <paramref name="raw"/> closes, or -1 (a backslash escapes inside "...").</summary>
    private static int ClosingQuote(string raw, char quote)
    {
        for (var i = 1; i < raw.Length; i++)
        {
            if (quote == '"' && raw[i] == '\\') { i++; continue; }
            if (raw[i] == quote) return i;
        }
        return -1;
    }

    public static string Rewrite(string text, IReadOnlyDictionary<string, string> set, IEnumerable<(Regex Pattern, string With)> replace)
    {
        var newline = text.Contains("\r\n") ? "\r\n" : "\n";
        var lines = text.Length == 0 ? new List<string>() : text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var endsWithNewline = text.EndsWith('\n');
        if (endsWithNewline) lines.RemoveAt(lines.Count - 1);
        var replacements = replace.ToList();
        var entries = Entries(lines).ToDictionary(e => e.First);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var output = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (entries.TryGetValue(i, out var e) && set.TryGetValue(e.Key, out var value))
            {
                done.Add(e.Key);
                output.Add(e.Lead + e.Key + e.Eq + Requote(e.Raw, value));
                i = e.Last;
                continue;
            }
            var line = lines[i];
            if (!line.TrimStart().StartsWith('#'))
                foreach (var (pattern, with) in replacements)
                    line = pattern.Replace(line, with);
            output.Add(line);
        }
        foreach (var (key, value) in set)
            if (!done.Contains(key)) output.Add($"{key}={Requote("", value)}");
        var sb = new StringBuilder(string.Join(newline, output));
        if (endsWithNewline || output.Count > 0) sb.Append(newline);
        return sb.ToString();
    }

    /// <summary>Keeps the quoting of the old value; quotes a new value only when it needs it (always "..." across lines).</summary>
    private static string Requote(string old, string value)
    {
        var breaks = value.Contains('\n') || value.Contains('\r');
        if (!breaks && old.Length >= 2 && old[0] == '\'' && old.EndsWith('\'') && !value.Contains('\'')) return "'" + value + "'";
        if (breaks || (old.Length >= 2 && old[0] == '"' && old.EndsWith('"')) || value.Any(c => char.IsWhiteSpace(c) || c is '#' or '"' or '\'' or '\\'))
            return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r", "\\r").Replace("\n", "\\n") + "\"";
        return value;
    }

    /// <summary>Reads KEY=VALUE pairs (quotes removed, escapes in "..." read, comments ignored), e.g. to give a process the issue's environment.</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in Entries(lines))
        {
            var v = e.Raw;
            if (v.Length >= 2 && v[0] == '"' && v[^1] == '"') v = Unescape(v[1..^1]);
            else if (v.Length >= 2 && v[0] is '\'' or '`' && v[^1] == v[0]) v = v[1..^1];
            else { var hash = v.IndexOf(" #", StringComparison.Ordinal); if (hash >= 0) v = v[..hash].TrimEnd(); }
            result[e.Key] = v;
        }
        return result;
    }

    private static string Unescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { sb.Append(s[i]); continue; }
            var c = s[++i];
            sb.Append(c switch { 'n' => "\n", 'r' => "\r", 't' => "\t", '"' => "\"", '\\' => "\\", _ => "\\" + c });
        }
        return sb.ToString();
    }

    /// <summary>Writes an env file whole (temporary file, then rename): a crash leaves the old file or the new one, never half of one.</summary>
    public static void Write(string path, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The replacement rules of a configuration, with their tokens expanded (patterns run in linear time).</summary>
    public static IEnumerable<(Regex, string)> Replacements(EnvSettings env, IReadOnlyDictionary<string, string> tokens) =>
        env.Replace.Select(r => (ConfigRegex.Create(r.Pattern), Template.Expand(r.With, tokens)));
}
