using System.Text;
using System.Text.Json;

namespace WorktreeTools.Core.Processes;

/// <summary>An agent's display name and its argument template (one element per argument, <c>{prompt}</c> inside one).</summary>
public sealed record AgentCommandLine(string Agent, IReadOnlyList<string> Template)
{
    /// <summary>Arguments a preset adds so that the agent reports its state (see <see cref="AgentStates"/>); empty for a custom template.</summary>
    public IReadOnlyList<string> ReportArguments { get; init; } = [];

    /// <summary>Where <see cref="ReportArguments"/> go: after the program and its subcommand.</summary>
    public int ReportAt { get; init; } = 1;

    /// <summary>The same command with <paramref name="expand"/> applied to each argument (so a value with spaces stays one argument).</summary>
    public AgentCommandLine Map(Func<string, string> expand) => this with { Template = Template.Select(expand).ToList() };

    /// <summary>The arguments to run: the template with the prompt as one argument, and the reporting arguments.</summary>
    public IReadOnlyList<string> Arguments(string prompt)
    {
        var args = AgentCommand.Build(Template, prompt).ToList();
        args.InsertRange(Math.Min(ReportAt, args.Count), ReportArguments);
        return args;
    }
}

/// <summary>
/// Agent command lines: presets or a custom template such as <c>my-agent --prompt {prompt} --fast</c>. A template
/// is split into arguments (whitespace separates; '...' is literal; "..." allows \" and \\; a backslash elsewhere is
/// literal, for Windows paths); then <c>{prompt}</c> inside an argument is replaced by the prompt verbatim, so the
/// prompt is always exactly one argument and never meets a shell. Without <c>{prompt}</c> a detached run gets the
/// prompt appended; an interactive run without a prompt drops the argument that is only <c>{prompt}</c>.
/// </summary>
public static class AgentCommand
{
    public const string PromptToken = "{prompt}";

    /// <summary>A preset: the detached (one prompt, no questions) and the interactive command, and how it reports its state.</summary>
    private sealed record Preset(string Detached, string Interactive, Func<bool, (IReadOnlyList<string> Arguments, int At)> Report);

    private static readonly (IReadOnlyList<string>, int) NoReport = ([], 1);

    private static readonly Dictionary<string, Preset> PresetTable = new(StringComparer.OrdinalIgnoreCase)
    {
        // Amp has no lifecycle hooks to report through: its process and output tell.
        ["amp"] = new("amp -x {prompt}", "amp", _ => NoReport),
        ["claude"] = new("claude -p {prompt}", "claude {prompt}", _ => (["--settings", ClaudeCodeSettings()], 1)),
        ["codex"] = new("codex exec {prompt}", "codex {prompt}", interactive => (["-c", "notify=" + JsonSerializer.Serialize(Reporter("idle"))], interactive ? 1 : 2)),
    };

    /// <summary>The preset names and their detached command lines.</summary>
    public static readonly IReadOnlyDictionary<string, string> Presets = PresetTable.ToDictionary(p => p.Key, p => p.Value.Detached, StringComparer.OrdinalIgnoreCase);

    /// <summary>The agent's display name and argument template for a preset name or a custom template.</summary>
    /// <param name="interactive">The preset's interactive command (the agent's own terminal interface) instead of its one-prompt mode.</param>
    public static AgentCommandLine Resolve(string presetOrTemplate, bool interactive = false)
    {
        if (PresetTable.TryGetValue(presetOrTemplate.Trim(), out var preset))
        {
            var (arguments, at) = preset.Report(interactive);
            return new AgentCommandLine(presetOrTemplate.Trim().ToLowerInvariant(), Split(interactive ? preset.Interactive : preset.Detached))
            {
                ReportArguments = arguments,
                ReportAt = at,
            };
        }
        var template = Split(presetOrTemplate);
        return new AgentCommandLine(Path.GetFileNameWithoutExtension(template[0]), template);
    }

    /// <summary>The arguments to run: the template with the prompt as one argument (an empty prompt drops a bare <c>{prompt}</c>).</summary>
    public static IReadOnlyList<string> Build(IReadOnlyList<string> template, string prompt)
    {
        if (prompt.Length == 0) return template.Where(a => a != PromptToken).Select(a => a.Replace(PromptToken, "", StringComparison.Ordinal)).ToList();
        return template.Any(a => a.Contains(PromptToken, StringComparison.Ordinal))
            ? template.Select(a => a.Replace(PromptToken, prompt, StringComparison.Ordinal)).ToList()
            : [.. template, prompt];
    }

    /// <summary>
    /// Claude Code settings (for <c>--settings</c>, merged with the user's own) whose hooks report the session's
    /// state: a prompt or a tool at work → working; a permission prompt, a question, or 60 s idle at the prompt
    /// → waiting; the turn over → idle; a turn ended by an API error → failed. Claude Code runs hook commands with
    /// a POSIX shell.
    /// </summary>
    public static string ClaudeCodeSettings()
    {
        static object[] Hooks(string state, string? matcher = null) =>
            [matcher is null
                ? new { hooks = new[] { new { type = "command", command = ShellReport(state) } } }
                : new { matcher, hooks = new[] { new { type = "command", command = ShellReport(state) } } }];
        var hooks = new Dictionary<string, object[]>
        {
            ["SessionStart"] = Hooks("idle"),
            ["UserPromptSubmit"] = Hooks("working"),
            ["PreToolUse"] = Hooks("working"),
            ["PostToolUse"] = Hooks("working"),
            ["Notification"] = Hooks("waiting", "permission_prompt|idle_prompt|elicitation_dialog"),
            ["Stop"] = Hooks("idle"),
            ["StopFailure"] = Hooks("failed"),
        };
        return JsonSerializer.Serialize(new { hooks });
    }

    /// <summary>A one-line POSIX shell command that reports <paramref name="state"/> (and does nothing outside a run).</summary>
    public static string ShellReport(string state) =>
        $"[ -z \"${AgentStates.FileVariable}\" ] || echo {state} >> \"${AgentStates.FileVariable}\"";

    /// <summary>
    /// A program and its arguments that report <paramref name="state"/>, for agents that run a notify program with
    /// extra arguments of their own (Codex appends a JSON payload): <c>sh -c</c> takes it as <c>$0</c>; on Windows
    /// PowerShell's command ends in a comment that swallows it.
    /// </summary>
    public static IReadOnlyList<string> Reporter(string state) => OperatingSystem.IsWindows()
        ? ["pwsh", "-NoProfile", "-NonInteractive", "-Command", $"if ($env:{AgentStates.FileVariable}) {{ Add-Content -LiteralPath $env:{AgentStates.FileVariable} -Value {state} }} #"]
        : ["sh", "-c", ShellReport(state)];

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
