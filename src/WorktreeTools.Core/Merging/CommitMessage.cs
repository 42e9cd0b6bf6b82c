namespace WorktreeTools.Core.Merging;

/// <summary>Commit messages as <c>git commit -m</c> leaves them (its default "whitespace" cleanup), for commits written with <c>git commit-tree</c>.</summary>
internal static class CommitMessage
{
    /// <summary>Trailing spaces and surrounding blank lines removed, runs of blank lines made one, one final newline.</summary>
    public static string Clean(string message)
    {
        var lines = message.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        var kept = new List<string>();
        foreach (var line in lines)
            if (line.Length > 0 || (kept.Count > 0 && kept[^1].Length > 0)) kept.Add(line);
        while (kept.Count > 0 && kept[^1].Length == 0) kept.RemoveAt(kept.Count - 1);
        return string.Join("\n", kept) + "\n";
    }

    public static string Subject(string message) => message.Split('\n', 2)[0];
}
