using WorktreeTools.Testing;

namespace WorktreeTools.Tests;

/// <summary>
/// A cmdlet help page in docs/ (platyPS markdown), read independently of the build's converter so that the
/// tests check the page itself: its synopsis, each parameter's description and yaml block, and its examples.
/// </summary>
public sealed class HelpPage
{
    public sealed record Parameter(string Name, string Description, IReadOnlyDictionary<string, string> Meta)
    {
        public string Get(string key) => Meta.TryGetValue(key, out var v) ? v : "";
    }

    public sealed record Example(string Title, string Code, string Remarks);

    public static string DocsDirectory => Path.Combine(TestEnvironment.RepoRoot, "docs");

    public static string PathOf(string cmdlet) => Path.Combine(DocsDirectory, cmdlet + ".md");

    /// <summary>Names of the cmdlet pages (docs/Verb-Noun.md).</summary>
    public static IEnumerable<string> AllNames() =>
        Directory.EnumerateFiles(DocsDirectory, "*-*.md").Select(f => Path.GetFileNameWithoutExtension(f)!).Order();

    public required string Title { get; init; }
    public required IReadOnlyDictionary<string, string> FrontMatter { get; init; }
    public required string Synopsis { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<Parameter> Parameters { get; init; }
    public required IReadOnlyList<Example> Examples { get; init; }
    public required IReadOnlyList<string> Outputs { get; init; }

    public static HelpPage Read(string cmdlet)
    {
        var lines = File.ReadAllLines(PathOf(cmdlet));
        var front = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
            for (i = 1; i < lines.Length && lines[i].Trim() != "---"; i++)
                if (lines[i].IndexOf(':') is > 0 and var colon)
                    front[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();

        // section -> (item title or "" for text before the first item) -> lines
        var sections = new Dictionary<string, List<(string Item, List<string> Lines)>>(StringComparer.OrdinalIgnoreCase);
        string title = "";
        List<(string Item, List<string> Lines)>? section = null;
        var inCode = false;
        for (i++; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
            else if (!inCode && line.StartsWith("# ", StringComparison.Ordinal)) { title = line[2..].Trim(); continue; }
            else if (!inCode && line.StartsWith("## ", StringComparison.Ordinal)) { sections[line[3..].Trim()] = section = [("", [])]; continue; }
            else if (!inCode && line.StartsWith("### ", StringComparison.Ordinal) && section is not null) { section.Add((line[4..].Trim(), [])); continue; }
            section?[^1].Lines.Add(line);
        }

        List<(string Item, List<string> Lines)> Get(string name) => sections.TryGetValue(name, out var s) ? s : [("", [])];

        return new HelpPage
        {
            Title = title,
            FrontMatter = front,
            Synopsis = Prose(Get("SYNOPSIS")[0].Lines),
            Description = Prose(Get("DESCRIPTION")[0].Lines),
            Parameters = Get("PARAMETERS").Where(p => p.Item.StartsWith('-')).Select(p =>
            {
                var (code, _, text) = Split(p.Lines);
                var meta = code.Where(c => c.Yaml).SelectMany(c => c.Text.Split('\n'))
                    .Where(l => l.IndexOf(':') > 0)
                    .ToDictionary(l => l[..l.IndexOf(':')].Trim(), l => l[(l.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
                return new Parameter(p.Item[1..].Trim(), text, meta);
            }).ToList(),
            Examples = Get("EXAMPLES").Skip(1).Select(e =>
            {
                var (code, prose, _) = Split(e.Lines);
                return new Example(e.Item, string.Join("\n\n", code.Select(c => c.Text)).Trim(), prose);
            }).ToList(),
            Outputs = Get("OUTPUTS").Skip(1).Select(o => o.Item).ToList(),
        };
    }

    /// <summary>The text of the lines: prose and code, without fences and without yaml blocks.</summary>
    private static string Prose(IEnumerable<string> lines) => Split(lines).Text;

    /// <summary>Code = the code blocks; Prose = the lines outside them; Text = both in order, yaml blocks left out.</summary>
    private static (List<(bool Yaml, string Text)> Code, string Prose, string Text) Split(IEnumerable<string> lines)
    {
        var code = new List<(bool Yaml, string Text)>();
        var prose = new List<string>();
        var text = new List<string>();
        List<string>? block = null;
        var yaml = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (block is null) { block = []; yaml = line.Trim() == "```yaml"; }
                else { code.Add((yaml, string.Join("\n", block))); block = null; }
            }
            else if (block is not null) { block.Add(line); if (!yaml) text.Add(line); }
            else { prose.Add(line); text.Add(line); }
        }
        return (code, string.Join("\n", prose).Trim(), string.Join("\n", text).Trim());
    }
}
