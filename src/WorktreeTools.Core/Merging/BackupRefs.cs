using System.Globalization;
using System.Text;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// Keeps every pre-merge tip where git can find it: <c>refs/worktree-tools/backup/&lt;issue&gt;/&lt;timestamp&gt;/&lt;name&gt;</c>
/// (<c>base</c>, <c>branch</c>, <c>result</c>). Written in one atomic <c>update-ref --stdin</c> transaction.
/// </summary>
public static class BackupRefs
{
    public const string Root = "refs/worktree-tools/backup";

    /// <summary>A fresh prefix for one operation on <paramref name="issue"/>.</summary>
    public static string NewPrefix(string issue) =>
        $"{Root}/{Sanitize(issue)}/{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfffffff'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>Creates <c>&lt;prefix&gt;/&lt;name&gt;</c> for every entry (none may exist yet).</summary>
    internal static void Save(string root, string prefix, IReadOnlyDictionary<string, string> commits, string reason) =>
        Save(root, commits.Select(c => ($"{prefix}/{c.Key}", c.Value)).ToList(), reason);

    /// <summary>Creates every ref (none may exist yet), all or none.</summary>
    internal static void Save(string root, IReadOnlyList<(string Ref, string Commit)> refs, string reason)
    {
        var script = new StringBuilder();
        foreach (var (name, commit) in refs) script.Append($"create {name} {commit}\n");
        GitCli.Run(root, ["update-ref", "-m", reason, "--stdin"], stdin: script.ToString());
    }

    /// <summary>An issue id as one safe ref and file name component.</summary>
    internal static string Sanitize(string issue)
    {
        var s = new string(issue.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return s.Length == 0 ? "issue" : s;
    }
}
