using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Starts each issue's dev server, detached, with the issue's environment and ports, and waits until it is ready.</summary>
[Cmdlet(VerbsLifecycle.Start, "DevServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DevServer))]
public sealed class StartDevServerCommand : RepositoryCmdlet
{
    private readonly List<string> _started = [];

    /// <summary>Issue ids whose dev servers to start.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Number")]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[] Issue { get; set; } = [];

    /// <summary>The command to run instead of devServer.command or the detected package.json "dev" script.</summary>
    [Parameter]
    public string? Command { get; set; }

    /// <summary>Return at once (State Starting) instead of waiting until each server is ready.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    // Every server is started first, so that they start side by side; then each is waited for.
    protected override void ProcessRecord()
    {
        foreach (var issue in Issue)
            Try(() =>
            {
                var server = Engine.Worktrees(RepositoryPath, Operation).StartDevServer(issue, Command, wait: false);
                if (server is null) return;
                if (NoWait || server.State == ProcessState.Running) WriteObject(server);
                else _started.Add(server.Issue);
            }, issue);
    }

    protected override void EndProcessing()
    {
        foreach (var issue in _started)
            Try(() => WriteObject(Engine.Worktrees(RepositoryPath, Operation).WaitForDevServer(issue)), issue);
    }
}
