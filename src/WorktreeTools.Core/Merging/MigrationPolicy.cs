using System.Globalization;
using System.Text.RegularExpressions;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// The numbered-migrations policy: when the migrations an issue adds have numbers that collide with, or are not
/// above, the newest number on the base, they are renumbered to follow the base (same names, same zero-padded
/// width, same order) in one separate commit. The workflow document's example: issues 101 and 102 both add
/// <c>0002_*.sql</c>; after both merges the base has <c>0002_issue-101-changes.sql</c> and <c>0003_issue-102-changes.sql</c>.
/// </summary>
internal sealed class MigrationPolicy
{
    private readonly string? _directory;
    private readonly Regex _pattern;

    public MigrationPolicy(MigrationSettings settings)
    {
        _directory = settings.Directory?.Replace('\\', '/').Trim('/') is { Length: > 0 } d ? d : null;
        _pattern = new Regex(settings.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public bool Enabled => _directory is not null;

    /// <summary>
    /// The renames needed for the migrations added between <paramref name="incomingFrom"/> and <paramref name="incomingTo"/>
    /// to follow the newest migration of <paramref name="baseTip"/>; empty when nothing collides.
    /// </summary>
    public List<FileRename> Plan(string dir, string baseTip, string incomingFrom, string incomingTo)
    {
        if (_directory is null) return [];
        var baseNumbers = GitQueries.SplitZ(GitCli.Read(dir, ["ls-tree", "--full-tree", "--name-only", "-z", baseTip, "--", _directory + "/"]).Output)
            .Select(Parse).OfType<Migration>().Select(m => m.Number).ToList();
        if (baseNumbers.Count == 0) return [];
        var newest = baseNumbers.Max();
        var incoming = GitQueries.ChangedPaths(dir, incomingFrom, incomingTo, "A")
            .Where(p => p.StartsWith(_directory + "/", StringComparison.Ordinal) && p.IndexOf('/', _directory.Length + 1) < 0)
            .Select(Parse).OfType<Migration>()
            .OrderBy(m => m.Number).ThenBy(m => m.Path, StringComparer.Ordinal).ToList();
        if (incoming.Count == 0 || incoming[0].Number > newest) return [];

        var renames = new List<FileRename>();
        var next = newest;
        foreach (var m in incoming)
        {
            next++;
            var renamed = m.WithNumber(next);
            if (renamed != m.Path) renames.Add(new FileRename(m.Path, renamed));
        }
        return renames;
    }

    /// <summary>Applies <paramref name="renames"/> in the clean <paramref name="worktree"/> as one commit; returns the new HEAD.</summary>
    public static string Commit(string worktree, IReadOnlyList<FileRename> renames, string message)
    {
        // Two steps through temporary names, so a rename never lands on a file that is itself about to move.
        var temporary = renames.Select((r, i) => (r, temp: r.Old + ".renumber-" + i)).ToList();
        foreach (var (r, temp) in temporary) File.Move(Path.Combine(worktree, r.Old), Path.Combine(worktree, temp));
        foreach (var (r, temp) in temporary) File.Move(Path.Combine(worktree, temp), Path.Combine(worktree, r.New));
        GitCli.Run(worktree, ["add", "-A", "--", .. renames.SelectMany(r => new[] { r.Old, r.New })]);
        var body = string.Join("\n", renames.Select(r => $"{r.Old} -> {r.New}"));
        GitCli.Run(worktree, ["commit", "--quiet", "-m", message, "-m", body]);
        return GitQueries.Head(worktree);
    }

    private Migration? Parse(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        var m = _pattern.Match(name);
        var n = m.Groups["n"];
        return m.Success && n.Success && long.TryParse(n.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? new Migration(path, name, number, path.Length - name.Length + n.Index, n.Length)
            : null;
    }

    private sealed record Migration(string Path, string Name, long Number, int NumberIndex, int Width)
    {
        public string WithNumber(long number) =>
            Path[..NumberIndex] + number.ToString(CultureInfo.InvariantCulture).PadLeft(Width, '0') + Path[(NumberIndex + Width)..];
    }
}
