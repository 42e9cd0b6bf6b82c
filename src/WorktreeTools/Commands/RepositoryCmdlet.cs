using System.Management.Automation;

namespace WorktreeTools.Commands;

/// <summary>The base of cmdlets that work on one repository: the -Repository parameter and the engine's worktree service.</summary>
public abstract class RepositoryCmdlet : WorktreeCmdlet
{
    /// <summary>A folder inside the repository (default: the current location).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("RepositoryRoot")]
    public string? Repository { get; set; }

    /// <summary>The repository folder to hand to the engine.</summary>
    protected string RepositoryPath => ResolvePath(Repository);
}
