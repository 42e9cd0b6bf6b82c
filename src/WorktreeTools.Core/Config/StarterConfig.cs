using System.Text;

namespace WorktreeTools.Core.Config;

/// <summary>The commented file New-WorktreeConfig writes, made from <see cref="ConfigKeys"/>: every key, its default, what it means.</summary>
public static class StarterConfig
{
    private const int CommentColumn = 37;

    public static readonly string Text = Make();

    private static string Make()
    {
        var sb = new StringBuilder($$"""
            # yaml-language-server: $schema={{ConfigLoader.SchemaUrl}}
            # WorktreeTools configuration (see Get-Help about_WorktreeTools).
            # Every key is optional; the values shown are the defaults. Commands written here (and the install and dev
            # server WorktreeTools detects) run only after each user approved them with Approve-WorktreeConfig.
            # Paths stay inside the repository and its worktrees. Tokens: {repo} {issue} {name} {branch} {base}
            # {worktree} {database} {port.<name>} ({prompt} for agents); in commands they reach the command as data.

            """);
        var open = Array.Empty<string>();
        foreach (var key in ConfigKeys.All)
        {
            var parts = key.Name.Split('.');
            var common = 0;
            while (common < open.Length && common < parts.Length - 1 && open[common] == parts[common]) common++;
            if (common == 0) sb.Append('\n');
            for (var i = common; i < parts.Length - 1; i++)
            {
                var section = $"{new string(' ', 2 * i)}{parts[i]}:";
                sb.Append(ConfigKeys.Sections.TryGetValue(string.Join('.', parts[..(i + 1)]), out var about)
                    ? section.PadRight(CommentColumn - 1) + " # " + about : section).Append('\n');
            }
            open = parts[..^1];
            var line = $"{new string(' ', 2 * (parts.Length - 1))}{parts[^1]}: {key.Default}";
            sb.Append(line.PadRight(CommentColumn - 1)).Append(" # ").Append(key.Help).Append('\n');
        }
        return sb.ToString();
    }
}
