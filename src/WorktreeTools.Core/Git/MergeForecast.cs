namespace WorktreeTools.Core.Git;

/// <summary>What merging one commit into another would give, computed without touching any worktree.</summary>
public sealed record MergeForecast(string Ours, string Theirs, bool Clean, string Tree, IReadOnlyList<string> ConflictFiles)
{
    /// <summary>
    /// Forecasts many merges with one <c>git merge-tree --write-tree --stdin</c> process (about 0.5 ms a
    /// merge instead of a process or a LibGit2Sharp merge each).
    /// </summary>
    public static IReadOnlyList<MergeForecast> Run(string repo, IReadOnlyList<(string Ours, string Theirs)> pairs)
    {
        if (pairs.Count == 0) return [];
        var input = string.Concat(pairs.Select(p => $"{p.Ours} {p.Theirs}\n"));
        var output = GitCli.Read(repo, ["merge-tree", "--write-tree", "--stdin", "-z", "--name-only", "--no-messages"], check: false, stdin: input);
        if (output.ExitCode > 1)
            throw new WorktreeToolsException("MergeForecastFailed", ErrorKind.InvalidOperation, $"git merge-tree failed: {output.Error.Trim()}", repo);
        var fields = output.Output.Split('\0');
        var result = new List<MergeForecast>(pairs.Count);
        var i = 0;
        foreach (var (ours, theirs) in pairs)
        {
            if (i + 1 >= fields.Length) break;
            var clean = fields[i++] == "1";
            var tree = fields[i++];
            var files = new List<string>();
            while (i < fields.Length && fields[i].Length > 0) files.Add(fields[i++]);
            i++; // the empty field that ends this merge
            result.Add(new MergeForecast(ours, theirs, clean, tree, files.Distinct().ToList()));
        }
        return result;
    }
}
