using System.Text;
using System.Text.RegularExpressions;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;

namespace WorktreeTools.Core.Worktrees;

/// <summary>
/// Rewrites a dotenv file key by key and by pattern. Comments, blank lines, ordering, quoting and keys that
/// are not named survive untouched; a key that is set but absent is appended at the end.
/// </summary>
public static partial class EnvFile
{
    [GeneratedRegex(@"^(?<lead>\s*(?:export\s+)?)(?<key>[A-Za-z_][A-Za-z0-9_]*)(?<eq>\s*=\s*)(?<value>.*?)(?<trail>\s*)$")]
    private static partial Regex Assignment();

    public static string Rewrite(string text, IReadOnlyDictionary<string, string> set, IEnumerable<(Regex Pattern, string With)> replace)
    {
        var newline = text.Contains("\r\n") ? "\r\n" : "\n";
        var lines = text.Length == 0 ? new List<string>() : text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var endsWithNewline = text.EndsWith('\n');
        if (endsWithNewline) lines.RemoveAt(lines.Count - 1);
        var replacements = replace.ToList();
        var done = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith('#')) continue;
            var m = Assignment().Match(line);
            if (m.Success && set.TryGetValue(m.Groups["key"].Value, out var value))
            {
                done.Add(m.Groups["key"].Value);
                lines[i] = m.Groups["lead"].Value + m.Groups["key"].Value + m.Groups["eq"].Value + Requote(m.Groups["value"].Value, value);
                continue;
            }
            foreach (var (pattern, with) in replacements)
                line = pattern.Replace(line, with);
            lines[i] = line;
        }
        foreach (var (key, value) in set)
            if (!done.Contains(key)) lines.Add($"{key}={Requote("", value)}");
        var sb = new StringBuilder(string.Join(newline, lines));
        if (endsWithNewline || lines.Count > 0) sb.Append(newline);
        return sb.ToString();
    }

    /// <summary>Keeps the quoting of the old value; quotes a new value only when it needs it.</summary>
    private static string Requote(string old, string value)
    {
        if (old.Length >= 2 && old[0] == '"' && old.EndsWith('"')) return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        if (old.Length >= 2 && old[0] == '\'' && old.EndsWith('\'')) return "'" + value + "'";
        return value.Any(c => char.IsWhiteSpace(c) || c is '#' or '"' or '\'') ? "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : value;
    }

    /// <summary>Reads KEY=VALUE pairs (quotes removed, comments ignored), e.g. to give a process the issue's environment.</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#')) continue;
            var m = Assignment().Match(line);
            if (!m.Success) continue;
            var v = m.Groups["value"].Value;
            if (v.Length >= 2 && v[0] == '"' && v[^1] == '"') v = v[1..^1].Replace("\\\"", "\"").Replace("\\n", "\n").Replace("\\\\", "\\");
            else if (v.Length >= 2 && v[0] == '\'' && v[^1] == '\'') v = v[1..^1];
            else { var hash = v.IndexOf(" #", StringComparison.Ordinal); if (hash >= 0) v = v[..hash].TrimEnd(); }
            result[m.Groups["key"].Value] = v;
        }
        return result;
    }

    /// <summary>The replacement rules of a configuration, with their tokens expanded.</summary>
    public static IEnumerable<(Regex, string)> Replacements(EnvSettings env, IReadOnlyDictionary<string, string> tokens) =>
        env.Replace.Select(r => (new Regex(r.Pattern, RegexOptions.None, TimeSpan.FromSeconds(1)), Template.Expand(r.With, tokens)));
}
