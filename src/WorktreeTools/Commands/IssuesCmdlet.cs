using System.Management.Automation;
using WorktreeTools.Completion;

namespace WorktreeTools.Commands;

/// <summary>
/// The base of cmdlets that act on one or more issues: a mandatory <c>-Issue</c> list that binds from the
/// pipeline by value (ids) and by property name (IssueWorktree, DevServer, ... objects), with tab completion.
/// Empty strings reach the engine, so that they get the same <c>InvalidIssueId</c> error as any bad id.
/// </summary>
public abstract class IssuesCmdlet : RepositoryCmdlet
{
    /// <summary>Issue ids (letters, digits, '-', '_' and '.').</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Number")]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[] Issue { get; set; } = [];
}
