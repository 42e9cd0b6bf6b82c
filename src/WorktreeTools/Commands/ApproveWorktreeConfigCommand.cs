using System.Management.Automation;
using WorktreeTools.Configuration;

namespace WorktreeTools.Commands;

/// <summary>
/// Approves the commands of a repository so that they may run: those its .worktree-tools.yml asks for and those
/// WorktreeTools detects (its package manager's install, its package.json "dev" script, with the scripts they run).
/// </summary>
[Cmdlet(VerbsLifecycle.Approve, "WorktreeConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Pending")]
[OutputType(typeof(ConfiguredCommand))]
public sealed class ApproveWorktreeConfigCommand : WorktreeCmdlet
{
    /// <summary>A folder inside the repository (default: the current location); in an issue's worktree, its detected commands are shown too.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RepositoryRoot", "Path")]
    public string? Repository { get; set; }

    /// <summary>Trust the repository once: every command it asks for or WorktreeTools detects, now and after it changes, until -Revoke.</summary>
    [Parameter(ParameterSetName = "All", Mandatory = true)]
    public SwitchParameter All { get; set; }

    /// <summary>Withdraw the repository's trust and every approval given for it.</summary>
    [Parameter(ParameterSetName = "Revoke", Mandatory = true)]
    public SwitchParameter Revoke { get; set; }

    /// <summary>Emit each approved command (with -All: every command of the repository).</summary>
    [Parameter(ParameterSetName = "Pending")]
    [Parameter(ParameterSetName = "All")]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => TryOrStop(() =>
    {
        var folder = ResolvePath(Repository);
        var config = Engine.LoadConfig(folder);
        var trust = new Core.Config.TrustStore();
        if (Revoke)
        {
            if (ShouldProcess(config.RepositoryRoot, "Withdraw the trust and every approval of this repository's commands"))
                WriteVerbose($"{trust.Revoke(config)} approval(s) withdrawn for {config.RepositoryRoot}.");
            return;
        }
        var commands = Core.Config.RepositoryCommands.All(config, folder);
        if (All)
        {
            if (!ShouldProcess(config.RepositoryRoot, "Trust every command of this repository, now and after it changes (until Approve-WorktreeConfig -Revoke)")) return;
            trust.TrustRepository(config);
            if (PassThru) WriteObject(commands, enumerateCollection: true);
            return;
        }
        var pending = trust.Pending(config, commands);
        if (pending.Count == 0)
        {
            WriteVerbose("Every command of the repository is already approved.");
            return;
        }
        var approved = pending.Where(c => ShouldProcess(Describe(c), $"Approve running this command of {config.RepositoryRoot}")).ToList();
        trust.Approve(config, approved);
        if (PassThru) WriteObject(approved, enumerateCollection: true);
    }, Repository);

    /// <summary>The key, the text, where it comes from, the scripts it runs and what it replaces: all that is approved.</summary>
    private static string Describe(ConfiguredCommand c) =>
        $"{c.Key}: {c.Text}" +
        (c.Source == ConfigSource.Detected ? " (detected)" : "") +
        (c.Scripts.Count > 0 ? $" — runs {string.Join("; ", c.Scripts)}" : "") +
        (c.Previous is { } before ? $" — was: {before}" : "");
}
