namespace WorktreeTools.Core.Processes;

/// <summary>
/// Where an issue's runs put generated files: <c>&lt;worktree&gt;/artifacts/issue-&lt;id&gt;-&lt;name&gt;</c>, the
/// convention of the workflow document, so that merging several issues never makes artifact files collide.
/// Agent runs and dev servers get it as <c>WORKTREE_ARTIFACTS</c> (the folder, created before an agent
/// starts) and <c>WORKTREE_ARTIFACT_PREFIX</c> (<c>issue-&lt;id&gt;-</c>), beside <c>ISSUE_ID</c>.
/// </summary>
public static class Artifacts
{
    public const string FolderName = "artifacts";

    public static string Folder(string workDir) => Path.Combine(workDir, FolderName);

    public static string Prefix(string issue) => $"issue-{issue}-";

    /// <summary>The full path of the artifact <paramref name="name"/> of <paramref name="issue"/>, e.g. artifacts/issue-101-build-output.json.</summary>
    public static string PathFor(string workDir, string issue, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw new WorktreeToolsException("ArtifactNameInvalid", ErrorKind.InvalidArgument,
                $"'{name}' is not an artifact name: give a file name without folders, such as build-output.json.", name);
        return Path.Combine(Folder(workDir), Prefix(issue) + name);
    }

    /// <summary>The artifact files of <paramref name="issue"/> in the worktree.</summary>
    public static IReadOnlyList<string> List(string workDir, string issue) =>
        Directory.Exists(Folder(workDir))
            ? Directory.GetFiles(Folder(workDir), Prefix(issue) + "*").Order(StringComparer.Ordinal).ToList()
            : [];
}
