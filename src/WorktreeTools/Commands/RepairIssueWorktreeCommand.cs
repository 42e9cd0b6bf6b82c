using System.Management.Automation;
using WorktreeTools.Completion;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>
/// Repairs the state of issue worktrees after a crash, a damaged state file or a hand-made change; with
/// <c>-NewPorts</c>, leases new ports in place of those another program took.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "IssueWorktree", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RepairAction))]
public sealed class RepairIssueWorktreeCommand : WorktreeCmdlet
{
    private readonly List<(string Repository, string[]? Issues)> _requests = [];

    /// <summary>A folder inside the repository (default: the current location).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RepositoryRoot")]
    public string? Repository { get; set; }

    /// <summary>Only the worktrees of these issues (wildcards allowed). Default: all of them.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Number")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string[]? Issue { get; set; }

    /// <summary>Also lease new ports in place of the issues' ports that another program listens on, and write them into their env files.</summary>
    [Parameter]
    public SwitchParameter NewPorts { get; set; }

    protected override void ProcessRecord() => _requests.Add((ResolvePath(Repository), Issue));

    protected override void EndProcessing()
    {
        foreach (var group in _requests.GroupBy(r => r.Repository))
        {
            var issues = group.Any(r => r.Issues is null) ? null : group.SelectMany(r => r.Issues!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            TryOrStop(() => WriteObject(Engine.Worktrees(group.Key, Operation).Repair(issues, NewPorts), enumerateCollection: true));
        }
    }
}
