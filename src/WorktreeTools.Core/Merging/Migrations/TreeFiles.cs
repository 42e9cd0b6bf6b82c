using System.Text;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging.Migrations;

/// <summary>A file of a commit's tree: path, mode and blob.</summary>
internal sealed record TreeFile(string Path, string Mode, string Blob)
{
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
}

/// <summary>The few reads (and the one blob write) the migration policy needs, from commits alone: no worktree involved.</summary>
internal static class TreeFiles
{
    /// <summary>The files of <paramref name="commit"/> that <paramref name="pathspecs"/> name (a folder as <c>folder/</c>).</summary>
    public static List<TreeFile> List(string dir, string commit, IReadOnlyCollection<string> pathspecs)
    {
        if (pathspecs.Count == 0) return [];
        var output = GitCli.Read(dir, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", .. pathspecs]).Output;
        return GitQueries.SplitZ(output).Select(line =>
        {
            var tab = line.IndexOf('\t');
            var meta = line[..tab].Split(' ');
            return new TreeFile(line[(tab + 1)..], meta[0], meta[2]);
        }).Where(f => f.Mode != "160000").ToList();
    }

    /// <summary>The files added between two commits (a rename counts as delete + add).</summary>
    public static List<TreeFile> Added(string dir, string from, string to)
    {
        var fields = GitQueries.SplitZ(GitCli.Read(dir, ["diff", "--raw", "-z", "--no-abbrev", "--no-renames", "--diff-filter=A", from, to, "--"]).Output);
        var added = new List<TreeFile>(fields.Count / 2);
        for (var i = 0; i + 1 < fields.Count; i += 2)
        {
            var meta = fields[i].TrimStart(':').Split(' ');
            if (meta[1] != "160000") added.Add(new TreeFile(fields[i + 1], meta[1], meta[3]));
        }
        return added;
    }

    /// <summary>The text of <paramref name="path"/> in <paramref name="commit"/>, or null when it has no such file.</summary>
    public static string? Read(string dir, string commit, string path)
    {
        var r = GitCli.Read(dir, ["cat-file", "blob", commit + ":" + path], check: false);
        return r.Success ? r.Output : null;
    }

    public static string ReadBlob(string dir, string blob) => GitCli.Read(dir, ["cat-file", "blob", blob]).Output;

    /// <summary>Stores <paramref name="text"/> (UTF-8, no BOM) as a blob and returns its id. Invisible until a tree uses it.</summary>
    public static string Write(string dir, string text)
    {
        var file = Path.Combine(Path.GetTempPath(), "wtt-blob-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(file, text, new UTF8Encoding(false));
            return GitCli.Run(dir, ["hash-object", "-w", "--no-filters", "--", file]).Output.Trim();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
