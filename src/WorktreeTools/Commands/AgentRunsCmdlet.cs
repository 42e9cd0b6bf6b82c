using System.Management.Automation;
using WorktreeTools.Completion;

namespace WorktreeTools.Commands;

/// <summary>
/// The base of cmdlets that act on agent runs, named by issue (its latest run) or by run id. One parameter set: a
/// piped AgentRun binds both Issue and Id, and Id wins, so that the very run piped in is meant; any other object
/// binds Issue by name. (With a set of its own for Id, PowerShell would coerce a piped IssueWorktree to a string
/// for -Issue before it tried its Issue property.)
/// </summary>
public abstract class AgentRunsCmdlet : RepositoryCmdlet
{
    /// <summary>Issues whose latest run to act on (a run id is taken too).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number")]
    [AllowEmptyString]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[] Issue { get; set; } = [];

    /// <summary>Run ids to act on.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>The run ids, else the issues, of the current pipeline item; neither stops the command.</summary>
    protected string[] Runs(string action)
    {
        if (Id.Length == 0 && Issue.Length == 0)
            ThrowTerminatingError(ToErrorRecord(new WorktreeToolsException("IssueOrRunIdMissing", ErrorKind.InvalidArgument,
                $"Name the issues (-Issue) or the agent runs (-Id) to {action}.", null), null));
        return Id.Length > 0 ? Id : Issue;
    }
}
