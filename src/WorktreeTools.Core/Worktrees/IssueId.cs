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

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
