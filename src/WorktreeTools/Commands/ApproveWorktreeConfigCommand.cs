using System.Management.Automation;
using WorktreeTools.Configuration;

namespace WorktreeTools.Commands;

/// <summary>Approves the commands in the repository's .worktree-tools.yml so that they may run.</summary>
[Cmdlet(VerbsLifecycle.Approve, "WorktreeConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ConfiguredCommand))]
public sealed class ApproveWorktreeConfigCommand : WorktreeCmdlet
{
    /// <summary>A folder inside the repository (default: the current location).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RepositoryRoot", "Path")]
    public string? Repository { get; set; }

    /// <summary>Emit each approved command.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => TryOrStop(() =>
    {
        var config = Engine.LoadConfig(ResolvePath(Repository));
        var trust = new Core.Config.TrustStore();
        var pending = trust.Pending(config);
        if (pending.Count == 0)
        {
            WriteVerbose("Every command in the repository's configuration is already approved.");
            return;
        }
        var approved = pending.Where(c => ShouldProcess($"{c.Key}: {c.Text}", "Approve running this command from " + config.RepositoryFile)).ToList();
        trust.Approve(config, approved);
        if (PassThru) WriteObject(approved, enumerateCollection: true);
    }, Repository);
}
