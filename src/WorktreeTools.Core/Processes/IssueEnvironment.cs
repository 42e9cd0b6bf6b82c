namespace WorktreeTools.Core.Processes;

/// <summary>
/// The environment a dev server, agent run or command gets in an issue's worktree: the caller's variables
/// (the issue's env file), then <c>ISSUE_ID</c>, <c>WORKTREE_ARTIFACTS</c>, <c>WORKTREE_ARTIFACT_PREFIX</c>,
/// one <c>PORT_&lt;NAME&gt;</c> per leased port and <c>PORT</c> (the primary port). The leased ports win over the
/// env file, because the lease is what keeps issues from colliding.
/// </summary>
public static class IssueEnvironment
{
    public static Dictionary<string, string?> For(string issue, string workDir, IReadOnlyDictionary<string, string?>? env,
        IReadOnlyDictionary<string, int>? ports = null, string? primaryPort = null)
    {
        var result = new Dictionary<string, string?>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) result[k] = v;
        result["ISSUE_ID"] = issue;
        result["WORKTREE_ARTIFACTS"] = Artifacts.Folder(workDir);
        result["WORKTREE_ARTIFACT_PREFIX"] = Artifacts.Prefix(issue);
        foreach (var (name, port) in ports ?? new Dictionary<string, int>())
            result["PORT_" + VariableName(name)] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (PrimaryPort(ports, primaryPort) is { } primary)
            result["PORT"] = primary.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>The port that is "the" port: <paramref name="preferred"/> if named, else <c>web</c>, else the first.</summary>
    public static KeyValuePair<string, int>? PrimaryPort(IReadOnlyDictionary<string, int>? ports, string? preferred = null)
    {
        if (ports is null || ports.Count == 0) return null;
        foreach (var name in new[] { preferred, "web" })
            if (name is not null && ports.TryGetValue(name, out var p)) return new(name, p);
        return ports.First();
    }

    private static string VariableName(string name) =>
        new(name.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}
