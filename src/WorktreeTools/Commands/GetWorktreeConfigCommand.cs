using System.Management.Automation;
using WorktreeTools.Configuration;

namespace WorktreeTools.Commands;

/// <summary>Gets the effective configuration of the repository, and where each value came from.</summary>
[Cmdlet(VerbsCommon.Get, "WorktreeConfig")]
[OutputType(typeof(WorktreeConfig))]
public sealed class GetWorktreeConfigCommand : WorktreeCmdlet
{
    /// <summary>A folder inside the repository (default: the current location).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RepositoryRoot", "Path")]
    public string? Repository { get; set; }

    protected override void ProcessRecord() => TryOrStop(() =>
        WriteObject(Engine.LoadConfig(ResolvePath(Repository))), Repository);
}
