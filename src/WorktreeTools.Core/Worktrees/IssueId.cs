using System.Text.RegularExpressions;

namespace WorktreeTools.Core.Worktrees;

/// <summary>Issue ids become folder and branch names, so they are held to a safe alphabet.</summary>
public static partial class IssueId
{
    public const int MaxLength = 64;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex Allowed();

    /// <summary>Returns the trimmed id, or throws <c>InvalidIssueId</c>.</summary>
    public static string Validate(string? id)
    {
        var text = id?.Trim() ?? "";
        string? problem =
            text.Length == 0 ? "it is empty" :
            text.Length > MaxLength ? $"it is longer than {MaxLength} characters" :
            text.Contains("..") ? "it contains '..'" :
            !Allowed().IsMatch(text) ? "only letters, digits, '-', '_' and '.' are allowed, starting with a letter or digit" :
            text.EndsWith('.') || text.EndsWith(".lock", StringComparison.OrdinalIgnoreCase) ? "it cannot end with '.' or '.lock'" :
            null;
        if (problem is not null)
            throw new WorktreeToolsException("InvalidIssueId", ErrorKind.InvalidArgument,
                $"'{Shorten(id ?? "")}' is not a valid issue id: {problem}. Examples: 101, PROJ-42, bug_7.", id);
        return text;
    }

    /// <summary>The order issues are listed in: runs of digits compare as numbers (2, 10, 101; PROJ-9 before PROJ-10), the rest ignoring case.</summary>
    public static readonly IComparer<string> Order = Comparer<string>.Create(Compare);

    private static int Compare(string? a, string? b)
    {
        a ??= "";
        b ??= "";
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var x = a[si..i].TrimStart('0');
                var y = b[sj..j].TrimStart('0');
                var byValue = x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
                if (byValue != 0) return byValue;
                continue;
            }
            var c = char.ToUpperInvariant(a[i]).CompareTo(char.ToUpperInvariant(b[j]));
            if (c != 0) return c;
            i++;
            j++;
        }
        var rest = (a.Length - i).CompareTo(b.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(a, b);
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
