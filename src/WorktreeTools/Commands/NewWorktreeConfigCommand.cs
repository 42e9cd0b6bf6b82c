using System.Management.Automation;

namespace WorktreeTools.Commands;

/// <summary>Writes a commented starter .worktree-tools.yml at the repository root.</summary>
[Cmdlet(VerbsCommon.New, "WorktreeConfig", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class NewWorktreeConfigCommand : WorktreeCmdlet
{
    /// <summary>A folder inside the repository (default: the current location).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RepositoryRoot", "Path")]
    public string? Repository { get; set; }

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => TryOrStop(() =>
    {
        var root = Core.Git.RepositoryInfo.Discover(ResolvePath(Repository)).MainRoot;
        var file = System.IO.Path.Combine(root, Core.Config.ConfigLoader.RepositoryFileName);
        if (!ShouldProcess(file, File.Exists(file) ? "Replace with the starter configuration" : "Write the starter configuration")) return;
        WriteObject(new FileInfo(Core.Config.ConfigService.WriteStarter(root, Force)));
    }, Repository);
}
