namespace WorktreeTools.Core.Processes;

/// <summary>
/// Where an issue's runs put generated files: <c>&lt;worktree&gt;/artifacts/issue-&lt;id&gt;-&lt;name&gt;</c>, the
/// convention of the workflow document, so that merging several issues never makes artifact files collide.
/// Agent runs and dev servers get it as <c>WORKTREE_ARTIFACTS</c> (the folder, created before an agent
/// starts) and <c>WORKTREE_ARTIFACT_PREFIX</c> (<c>issue-&lt;id&gt;-</c>), beside <c>ISSUE_ID</c>; Get-IssueArtifact
/// lists them.
/// </summary>
public static class Artifacts
{
    public const string FolderName = "artifacts";

    public static string Folder(string workDir) => Path.Combine(workDir, FolderName);

    public static string Prefix(string issue) => $"issue-{issue}-";

    /// <summary>The artifact's own name: its file name without the issue prefix (<c>build-output.json</c>).</summary>
    public static string NameOf(string path, string issue) => Path.GetFileName(path)[Prefix(issue).Length..];

    /// <summary>The artifact files of <paramref name="issue"/> in the worktree.</summary>
    public static IReadOnlyList<string> List(string workDir, string issue) =>
        Directory.Exists(Folder(workDir))
            ? Directory.GetFiles(Folder(workDir), Prefix(issue) + "*").Order(StringComparer.Ordinal).ToList()
            : [];
}
