using System.Management.Automation;
using WorktreeTools.Completion;

namespace WorktreeTools.Commands;

/// <summary>
/// The base of cmdlets that act on one or more issues: a mandatory <c>-Issue</c> list that binds from the
/// pipeline by value (ids) and by property name (IssueWorktree, DevServer, ... objects), with tab completion.
/// Empty strings reach the engine, so that they get the same <c>InvalidIssueId</c> error as any bad id.
/// </summary>
/// <remarks>
/// How every cmdlet that takes an issue binds (tests/Pester/PipelinePairs.ps1 checks each pair):
/// <list type="bullet">
/// <item>The parameter is <c>Issue</c> (string, or string[] when the cmdlet acts on many), Position 0,
///   <c>ValueFromPipeline</c> and <c>ValueFromPipelineByPropertyName</c>, <c>[IssueId]</c> (numbers and
///   hashtables become ids), <c>[Alias("Number", "Id")]</c> in that order (a tracker's <c>number</c> before
///   its <c>id</c>) — only <c>"Number"</c> where the cmdlet's own <c>-Id</c>/<c>-RunId</c> means an agent run —
///   and <c>[ArgumentCompleter(typeof(IssueCompleter))]</c>.</item>
/// <item>The repository comes from <c>-Repository</c> (<see cref="RepositoryCmdlet"/>), which binds by property
///   name from <c>RepositoryRoot</c>: every output object that names an issue carries its <c>RepositoryRoot</c>,
///   so that objects piped from another folder, or from several repositories, reach theirs. A cmdlet that gathers
///   its input for <c>EndProcessing</c> keeps each item's repository with it (<see cref="RepositoryCmdlet.RepositoryPath"/>
///   is the current item's).</item>
/// <item>A positional script block must not land on <c>-Issue</c> (PowerShell would run it per piped object):
///   give the script block its own default parameter set where it is Position 0 (see Invoke-IssueCommand).</item>
/// </list>
/// </remarks>
public abstract class IssuesCmdlet : RepositoryCmdlet
{
    /// <summary>Issue ids (letters, digits, '-', '_' and '.').</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number", "Id")]
    [AllowEmptyString]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[] Issue { get; set; } = [];
}
