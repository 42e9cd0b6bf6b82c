using System.Text.RegularExpressions;

namespace WorktreeTools.Core.Config;

/// <summary>
/// Templates such as <c>../{repo}-worktrees</c> or <c>PORT={port.web}</c>. A token is a lower-case word in
/// braces, optionally with one dotted part (<c>{port.web}</c>); <c>${VAR}</c> is left to the shell, and
/// <c>{{</c> / <c>}}</c> stand for literal braces (<c>awk '{{print $1}}'</c>).
/// </summary>
public static partial class Template
{
    [GeneratedRegex(@"\{\{|\}\}|(?<!\$)\{(?<t>[a-z][a-zA-Z0-9]*(?:\.[A-Za-z0-9_-]+)?)\}")]
    private static partial Regex TokenRegex();

    public static IEnumerable<(string Token, int Index)> Tokens(string template) =>
        TokenRegex().Matches(template).Where(m => m.Groups["t"].Success).Select(m => (m.Groups["t"].Value, m.Index));

    /// <summary>Replaces every token; a token without a value is an error (validation should have caught it).</summary>
    public static string Expand(string template, IReadOnlyDictionary<string, string> values) =>
        Replace(template, values, token => throw Unknown(template, token));

    /// <summary>Replaces the tokens that have a value and leaves any other brace text as it is (for commands the user typed).</summary>
    public static string ExpandKnown(string template, IReadOnlyDictionary<string, string> values) =>
        Replace(template, values, token => "{" + token + "}");

    /// <summary>
    /// Replaces each token by what <paramref name="write"/> makes of it (token, value, offset of the token in
    /// <paramref name="template"/>): for command lines, where a value must become a reference, never text.
    /// With <paramref name="lenient"/> a token without a value stays as it is (commands the user typed).
    /// </summary>
    public static string Expand(string template, IReadOnlyDictionary<string, string> values, bool lenient, Func<string, string, int, string> write) =>
        Replace(template, values, token => lenient ? "{" + token + "}" : throw Unknown(template, token), write);

    private static WorktreeToolsException Unknown(string template, string token) =>
        new("TemplateTokenUnknown", ErrorKind.InvalidData,
            $"The template '{template}' uses {{{token}}}, which has no value here. Write {{{{ and }}}} for literal braces.", template);

    private static string Replace(string template, IReadOnlyDictionary<string, string> values, Func<string, string> unknown,
        Func<string, string, int, string>? write = null) =>
        TokenRegex().Replace(template, m => m.Value switch
        {
            "{{" => "{",
            "}}" => "}",
            _ => values.TryGetValue(m.Groups["t"].Value, out var v)
                ? write is null ? v : write(m.Groups["t"].Value, v, m.Index)
                : unknown(m.Groups["t"].Value),
        });
}

/// <summary>The token sets each kind of template may use.</summary>
public static class Tokens
{
    public static readonly string[] Repo = ["repo"];
    public static readonly string[] Issue = [.. Repo, "issue"];
    public static readonly string[] Name = [.. Issue, "name"];
    public static readonly string[] Branch = [.. Name, "branch", "base"];
    /// <summary>Everything known about a created worktree, plus {port.NAME} for every configured port.</summary>
    public static readonly string[] Worktree = [.. Branch, "worktree", "database", "port.*"];
    public static readonly string[] Agent = [.. Worktree, "prompt"];
    public static readonly string[] Squash = [.. Branch, "subject"];

    public static bool Allows(IReadOnlyList<string> set, string token, ICollection<string> portNames) =>
        set.Contains(token) ||
        (token.StartsWith("port.", StringComparison.Ordinal) && set.Contains("port.*") && portNames.Contains(token[5..]));
}
