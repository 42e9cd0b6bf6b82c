using System.Text;

namespace WorktreeTools.Core.Processes;

/// <summary>An agent's display name and its argument template (one element per argument, <c>{prompt}</c> inside one).</summary>
public sealed record AgentCommandLine(string Agent, IReadOnlyList<string> Template)
{
    /// <summary>The same command with <paramref name="expand"/> applied to each argument (so a value with spaces stays one argument).</summary>
    public AgentCommandLine Map(Func<string, string> expand) => this with { Template = Template.Select(expand).ToList() };
}

/// <summary>
/// Agent command lines: presets (<c>amp -x {prompt}</c>, <c>claude -p {prompt}</c>, <c>codex exec {prompt}</c>)
/// or a custom template such as <c>my-agent --prompt {prompt} --fast</c>. A template is split into arguments
/// (whitespace separates; '...' is literal; "..." allows \" and \\; a backslash elsewhere is literal, for
/// Windows paths); then <c>{prompt}</c> inside an argument is replaced by the prompt verbatim, so the prompt
/// is always exactly one argument and never meets a shell. Without <c>{prompt}</c> the prompt is appended.
/// </summary>
public static class AgentCommand
{
    public const string PromptToken = "{prompt}";

    public static readonly IReadOnlyDictionary<string, string> Presets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["amp"] = "amp -x {prompt}",
        ["claude"] = "claude -p {prompt}",
        ["codex"] = "codex exec {prompt}",
    };

    /// <summary>The agent's display name and argument template for a preset name or a custom template.</summary>
    public static AgentCommandLine Resolve(string presetOrTemplate)
    {
        if (Presets.TryGetValue(presetOrTemplate.Trim(), out var preset))
            return new AgentCommandLine(presetOrTemplate.Trim().ToLowerInvariant(), Split(preset));
        var template = Split(presetOrTemplate);
        return new AgentCommandLine(Path.GetFileNameWithoutExtension(template[0]), template);
    }

    /// <summary>The arguments to run: the template with the prompt as one argument.</summary>
    public static IReadOnlyList<string> Build(IReadOnlyList<string> template, string prompt) =>
        template.Any(a => a.Contains(PromptToken, StringComparison.Ordinal))
            ? template.Select(a => a.Replace(PromptToken, prompt, StringComparison.Ordinal)).ToList()
            : [.. template, prompt];

    public static IReadOnlyList<string> Split(string template)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        var inArg = false;
        var quote = '\0';
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (quote == '\0' && char.IsWhiteSpace(c))
            {
                if (inArg) args.Add(current.ToString());
                current.Clear();
                inArg = false;
            }
            else if (quote == '\0' && c is '\'' or '"')
            {
                quote = c;
                inArg = true;
            }
            else if (quote != '\0' && c == quote)
            {
                quote = '\0';
            }
            else if (quote == '"' && c == '\\' && i + 1 < template.Length && template[i + 1] is '"' or '\\')
            {
                current.Append(template[++i]);
            }
            else
            {
                current.Append(c);
                inArg = true;
            }
        }
        if (quote != '\0') throw Invalid(template, $"a {quote} is not closed");
        if (inArg) args.Add(current.ToString());
        if (args.Count == 0) throw Invalid(template, "it is empty");
        return args;
    }

    private static WorktreeToolsException Invalid(string template, string problem) =>
        new("AgentCommandInvalid", ErrorKind.InvalidArgument,
            $"The agent command '{template}' cannot be used: {problem}. Example: my-agent --prompt {PromptToken} --fast", template);
}
