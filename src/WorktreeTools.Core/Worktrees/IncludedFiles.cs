using System.Text;
using System.Text.RegularExpressions;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Worktrees;

/// <summary>
/// The untracked files of the main checkout a new worktree gets: <c>setup.copy</c> (paths from the root, or
/// .gitignore-style globs) and the lines of <c>.worktreeinclude</c> (the file Claude Code, worktrunk and others
/// read: .gitignore syntax, and only files git ignores are copied). Tracked files come from the checkout and are
/// never copied. Patterns that find nothing are named, so that a missing file is never skipped silently.
/// </summary>
internal static partial class IncludedFiles
{
    public const string IncludeFile = ".worktreeinclude";

    /// <summary>Paths relative to the main checkout ('/'-separated; a folder ends with '/'), and what found nothing.</summary>
    public sealed record Selection(IReadOnlyList<string> Paths, IReadOnlyList<string> NotFound);

    /// <param name="copy">setup.copy without the env files (they are written, not copied).</param>
    /// <param name="reportCopy">False for the default setup.copy: a repository without those files is fine.</param>
    public static Selection Select(string main, IReadOnlyList<string> copy, bool reportCopy)
    {
        var paths = new List<string>();
        var notFound = new List<string>();
        foreach (var name in copy.Where(IsPlain).Select(n => n.Replace('\\', '/').TrimStart('/')))
        {
            var full = Path.Combine(main, name);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                if (reportCopy) notFound.Add($"setup.copy: {name}");
            }
            else if (!GitCli.Read(main, ["ls-files", "--error-unmatch", "--", name], check: false).Success)
                paths.Add(Directory.Exists(full) ? name.TrimEnd('/') + "/" : name);
        }
        var globs = copy.Where(p => !IsPlain(p)).ToList();
        if (globs.Count > 0)
        {
            var found = Matching(main, globs);
            paths.AddRange(found);
            notFound.AddRange(Unmatched(main, globs, found).Select(p => "setup.copy: " + p));
        }
        var include = Path.Combine(main, IncludeFile);
        if (File.Exists(include))
        {
            var lines = File.ReadAllLines(include);
            var found = Matching(main, lines);
            notFound.AddRange(Unmatched(main, lines, found).Select(p => $"{IncludeFile}: {p}"));
            // The .worktreeinclude convention: only what git ignores is copied (a file the repository could track is not).
            var ignored = found.Count == 0 ? [] : Split(GitCli.Read(main, ["check-ignore", "-z", "--stdin"], check: false, stdin: string.Join('\0', found) + "\0").Output).ToHashSet();
            paths.AddRange(found.Where(ignored.Contains));
            notFound.AddRange(found.Where(f => !ignored.Contains(f)).Select(f => $"{IncludeFile}: {f} (git does not ignore it)"));
        }
        return new Selection(paths.Distinct(StringComparer.Ordinal).ToList(), notFound);
    }

    /// <summary>A path rather than a pattern: no glob character, no negation.</summary>
    private static bool IsPlain(string pattern) => pattern.IndexOfAny(['*', '?', '[']) < 0 && !pattern.StartsWith('!');

    /// <summary>The untracked paths git matches with <paramref name="patterns"/> as exclude rules (a folder matched whole as <c>dir/</c>).</summary>
    private static IReadOnlyList<string> Matching(string main, IReadOnlyList<string> patterns)
    {
        var file = Path.Combine(Path.GetTempPath(), $"wtt-include-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllLines(file, patterns);
            return Split(GitCli.Read(main, ["ls-files", "-z", "--others", "--ignored", "--directory", "--exclude-from=" + file]).Output);
        }
        finally { File.Delete(file); }
    }

    private static List<string> Split(string output) => output.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>
    /// The patterns (not negations or comments) that match none of <paramref name="found"/>, a folder above one, or a
    /// file inside a folder found whole.
    /// </summary>
    private static IEnumerable<string> Unmatched(string main, IEnumerable<string> patterns, IReadOnlyList<string> found)
    {
        var inside = found.Where(f => f.EndsWith('/'))
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(main, d), "*", SearchOption.AllDirectories).Take(10_000))
            .Select(f => Path.GetRelativePath(main, f).Replace('\\', '/'));
        var candidates = found.Concat(inside).SelectMany(Prefixes).ToHashSet(StringComparer.Ordinal);
        foreach (var raw in patterns)
        {
            var pattern = raw.Trim();
            if (pattern.Length == 0 || pattern.StartsWith('#') || pattern.StartsWith('!')) continue;
            var regex = GlobRegex(pattern);
            if (!candidates.Any(c => regex.IsMatch(c))) yield return pattern;
        }
    }

    /// <summary>A path and every folder above it, without trailing '/'.</summary>
    private static IEnumerable<string> Prefixes(string path)
    {
        var parts = path.TrimEnd('/').Split('/');
        for (var i = 1; i <= parts.Length; i++) yield return string.Join('/', parts.Take(i));
    }

    /// <summary>
    /// A .gitignore pattern as a regular expression over a '/'-separated path (linear time): a pattern with a '/'
    /// before its end is anchored at the root, one without matches a name at any depth; <c>**</c>, <c>*</c>,
    /// <c>?</c> and <c>[...]</c> as in git.
    /// </summary>
    internal static Regex GlobRegex(string pattern)
    {
        var p = pattern.TrimEnd('/');
        var anchored = p.Contains('/');
        p = p.TrimStart('/');
        var sb = new StringBuilder(anchored ? "^" : "(^|/)");
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            if (c == '*' && i + 1 < p.Length && p[i + 1] == '*')
            {
                var slash = i + 2 < p.Length && p[i + 2] == '/';
                sb.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else if (c == '[' && p.IndexOf(']', i + 1) is var close and > 0)
            {
                var body = p[(i + 1)..close];
                sb.Append('[').Append(body.StartsWith('!') ? "^" + Regex.Escape(body[1..]) : Regex.Escape(body)).Append(']');
                i = close;
            }
            else if (c == '\\' && i + 1 < p.Length) sb.Append(Regex.Escape(p[++i].ToString()));
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }
}
