using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Stops issues' dev servers and every process they started, gracefully and then forcefully, from any session.</summary>
[Cmdlet(VerbsLifecycle.Stop, "DevServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DevServer))]
public sealed class StopDevServerCommand : RepositoryCmdlet
{
    /// <summary>Issue ids whose dev servers to stop.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Number")]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[] Issue { get; set; } = [];

    /// <summary>Emit the stopped dev server.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var issue in Issue)
            Try(() =>
            {
                var server = Engine.Worktrees(RepositoryPath, Operation).StopDevServer(issue);
                if (PassThru) WriteObject(server);
            }, issue);
    }
}
