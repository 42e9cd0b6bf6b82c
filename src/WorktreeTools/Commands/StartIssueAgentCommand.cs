using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>
/// Runs a coding agent (Amp, Claude Code, Codex or your own) on a prompt in an issue's worktree: detached and logged,
/// or with -Interactive attached to this terminal, where you answer its questions.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "IssueAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = "Prompt")]
[OutputType(typeof(AgentRun))]
public sealed class StartIssueAgentCommand : RepositoryCmdlet
{
    /// <summary>The issue whose worktree the agent works in.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number", "Id")]
    [AllowEmptyString]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string Issue { get; set; } = "";

    /// <summary>The prompt, passed to the agent as one argument, verbatim (optional with -Interactive).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = "Prompt")]
    [Parameter(Position = 1, ParameterSetName = "Interactive")]
    public string Prompt { get; set; } = "";

    /// <summary>A file whose whole text is the prompt.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "File")]
    public string PromptFile { get; set; } = "";

    /// <summary>A preset (amp, claude, codex) or a command template with {prompt}; default: agent.command, else agent.default.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AgentCompleter))]
    public string? Agent { get; set; }

    /// <summary>Run the agent's own terminal interface attached to this terminal, in the issue's worktree, and return when it ends.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Interactive")]
    public SwitchParameter Interactive { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var prompt = ParameterSetName == "File" ? Engine.ReadPromptFile(ResolvePath(PromptFile)) : Prompt;
        var run = Engine.Worktrees(RepositoryPath, Operation).StartAgent(Issue, prompt, Agent, Interactive);
        if (run is not null) WriteObject(run);
    }, Issue);
}
