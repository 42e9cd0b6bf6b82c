using System.Management.Automation;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Stops and starts issues' dev servers again, and waits until they are ready.</summary>
[Cmdlet(VerbsLifecycle.Restart, "DevServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DevServer))]
public sealed class RestartDevServerCommand : IssuesCmdlet
{
    /// <summary>The command to run instead of devServer.command or the detected package.json "dev" script.</summary>
    [Parameter]
    public string? Command { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var issue in Issue)
            Try(() =>
            {
                if (!ShouldProcess($"issue {issue}", "Restart the dev server")) return;
                var engine = Engine.Worktrees(RepositoryPath, Operation);
                if (engine.DevServersOf([issue]).Any(d => d.IsRunning)) engine.StopDevServer(issue);
                var server = engine.StartDevServer(issue, Command, wait: true);
                if (server is not null) WriteObject(server);
            }, issue);
    }
}
