using System.Management.Automation;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Gets the dev servers of the repository's issues with their live state.</summary>
[Cmdlet(VerbsCommon.Get, "DevServer")]
[OutputType(typeof(DevServer))]
public sealed class GetDevServerCommand : IssueFilterCmdlet
{
    protected override void EndProcessing()
    {
        foreach (var (repository, patterns) in Gathered)
            TryOrStop(() => WriteObject(Engine.Worktrees(repository, Operation).DevServersOf(patterns), enumerateCollection: true));
    }
}
