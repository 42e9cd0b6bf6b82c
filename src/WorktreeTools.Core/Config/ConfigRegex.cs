using System.Text.RegularExpressions;

namespace WorktreeTools.Core.Config;

/// <summary>
/// Regular expressions written by users (env.replace, devServer.ready.pattern, merge.migrations.pattern): always
/// compiled with <see cref="RegexOptions.NonBacktracking"/>, so matching takes time linear in the input and no
/// pattern can hang a command (<c>^(a+)+$</c> included). Constructs that need backtracking are refused up front.
/// </summary>
public static class ConfigRegex
{
    public static Regex Create(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>Why <paramref name="pattern"/> cannot be used, or null when it can.</summary>
    public static string? Problem(string pattern)
    {
        try
        {
            Create(pattern);
            return null;
        }
        catch (NotSupportedException ex)
        {
            return "it uses a construct that needs backtracking (a lookaround, backreference, atomic group or conditional), " +
                   $"which WorktreeTools does not run, so that no pattern can hang: {ex.Message}";
        }
        catch (ArgumentException ex)
        {
            return "not a valid regular expression: " + ex.Message;
        }
    }
}
