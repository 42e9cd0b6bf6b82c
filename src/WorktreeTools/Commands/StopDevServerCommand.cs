using System.Management.Automation;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Stops issues' dev servers and every process they started, gracefully and then forcefully, from any session.</summary>
[Cmdlet(VerbsLifecycle.Stop, "DevServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DevServer))]
public sealed class StopDevServerCommand : IssuesCmdlet
{
    /// <summary>Emit the stopped dev server.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var issue in Issue)
            Try(() =>
            {
                var server = WithProgress($"Stopping the dev server of issue {issue}", issue, "its whole process tree, gracefully first",
                    () => Engine.Worktrees(RepositoryPath, Operation).StopDevServer(issue));
                if (PassThru) WriteObject(server);
            }, issue);
    }
}
