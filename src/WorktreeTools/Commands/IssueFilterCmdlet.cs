using System.Management.Automation;
using WorktreeTools.Completion;

namespace WorktreeTools.Commands;

/// <summary>
/// The base of cmdlets that act on all of a repository's issues or on those that match an optional <c>-Issue</c>
/// list (wildcards allowed), bound the way <see cref="IssuesCmdlet"/> describes; the ids of every pipeline item
/// are gathered with its repository (<see cref="RepositoryCmdlet.Gathered"/>) for <c>EndProcessing</c>.
/// </summary>
public abstract class IssueFilterCmdlet : RepositoryCmdlet
{
    /// <summary>Issue ids; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number", "Id")]
    [SupportsWildcards]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    protected override void ProcessRecord() => Gather(Issue);
}
