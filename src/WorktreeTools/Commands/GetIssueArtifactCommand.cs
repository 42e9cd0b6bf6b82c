using System.Management.Automation;

namespace WorktreeTools.Commands;

/// <summary>
/// Lists the issues' artifacts, the files their runs wrote as artifacts/issue-&lt;id&gt;-&lt;name&gt; in their worktrees,
/// as file objects (with an Issue property) that Copy-Item, Get-Content and Remove-Item take from the pipeline.
/// </summary>
[Cmdlet(VerbsCommon.Get, "IssueArtifact")]
[OutputType(typeof(FileInfo))]
public sealed class GetIssueArtifactCommand : IssueFilterCmdlet
{
    /// <summary>The artifact's name without the issue prefix (build-output.json); wildcards allowed.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void EndProcessing()
    {
        foreach (var (repository, patterns) in Gathered)
            TryOrStop(() =>
            {
                var service = Engine.Worktrees(repository, Operation);
                var worktrees = service.List(patterns, fileStatus: false);
                ReportMissing(patterns, worktrees.Select(w => w.Issue));
                foreach (var (issue, path) in Core.Worktrees.WorktreeService.ArtifactFiles(worktrees, Name))
                    foreach (var item in InvokeProvider.Item.Get([path], force: false, literalPath: true))
                    {
                        item.Properties.Add(new PSNoteProperty("Issue", issue));
                        WriteObject(item);
                    }
            });
    }
}
