using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Migrations;

/// <summary>One change of a path a plan makes: its final content (a blob already in the object database), or its removal.</summary>
/// <param name="Blob">Null removes the path.</param>
internal sealed record PathOperation(string Path, string? Mode, string? Blob)
{
    public static PathOperation Put(string path, string mode, string blob) => new(path, mode, blob);
    public static PathOperation Remove(string path) => new(path, null, null);
}

/// <summary>
/// What the migration policy decided for one merge, as final states of paths computed from commits alone
/// (<see cref="MigrationPolicy.Plan"/>): a renamed migration is its new path holding the content and its old
/// path holding the base's content (or nothing); a rewritten Drizzle journal or snapshot is its new content. Applied
/// the same way wherever the merge happens — to the tip before merging it, to a merge stopped on conflicts in
/// those paths (which resolves them), to a finished result, or to a tree in a temporary index for a forecast — so a
/// forecast and the real run cannot disagree.
/// </summary>
internal sealed record MigrationPlan(IReadOnlyList<PathOperation> Operations, IReadOnlyList<FileRename> Renames,
    IReadOnlyList<string> Rewritten, IReadOnlyList<string> Notes, Func<bool, string> Summary)
{
    public static readonly MigrationPlan Empty = new([], [], [], [], _ => "");

    private readonly HashSet<string> _paths = Operations.Select(o => o.Path).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when applying the plan changes something.</summary>
    public bool HasChanges => Operations.Count > 0;

    /// <summary>True when the plan decides the final content of <paramref name="path"/> (so a conflict there is the plan's to resolve).</summary>
    public bool Covers(string path) => _paths.Contains(path);

    /// <summary>
    /// How a result reports the plan: one <c>Migrations</c> policy for what it did (<paramref name="forecast"/>: would do),
    /// and one for each migration it could not handle. Empty when there is nothing to say.
    /// </summary>
    public IEnumerable<MergePolicy> Policies(bool forecast = false)
    {
        if (HasChanges) yield return new MergePolicy("Migrations", Summary(forecast), Renames);
        foreach (var note in Notes) yield return new MergePolicy("Migrations", "not handled: " + note);
    }

    /// <summary>Applies the plan to an index: the worktree's own (<paramref name="indexFile"/> null) or a temporary one.</summary>
    public void ApplyToIndex(string dir, string? indexFile = null)
    {
        if (!HasChanges) return;
        var env = indexFile is null ? null : new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = indexFile };
        // Every stage of each path goes (a conflict's too), then the final entries come in at stage 0.
        GitCli.Run(dir, ["update-index", "-z", "--force-remove", "--stdin"], stdin: string.Concat(Operations.Select(o => o.Path + "\0")), env: env);
        var entries = string.Concat(Operations.Where(o => o.Blob is not null).Select(o => $"{o.Mode} {o.Blob} 0\t{o.Path}\0"));
        if (entries.Length > 0) GitCli.Run(dir, ["update-index", "-z", "--index-info"], stdin: entries, env: env);
    }

    /// <summary>The tree <paramref name="tree"/> with the plan applied, built in a temporary index (no worktree, no ref touched).</summary>
    public string ApplyToTree(string dir, string tree) => ForecastTree.Edit(dir, tree, Operations);

    /// <summary>
    /// Applies the plan in a worktree, index and files, without committing: also in the middle of a merge, rebase or
    /// cherry-pick, where it resolves the conflicts in the paths it covers.
    /// </summary>
    public void ApplyInWorktree(string worktree)
    {
        if (!HasChanges) return;
        ApplyToIndex(worktree);
        foreach (var o in Operations.Where(o => o.Blob is null))
        {
            var full = Path.Combine(worktree, o.Path);
            if (File.Exists(full)) File.Delete(full);
            RemoveEmptyFolders(worktree, Path.GetDirectoryName(full));
        }
        var written = Operations.Where(o => o.Blob is not null).Select(o => o.Path + "\0").ToList();
        if (written.Count > 0) GitCli.Run(worktree, ["checkout-index", "-f", "-z", "--stdin"], stdin: string.Concat(written));
    }

    /// <summary>Applies the plan in the clean <paramref name="worktree"/> as one commit; returns the new HEAD.</summary>
    public string Commit(string worktree, string message)
    {
        ApplyInWorktree(worktree);
        var body = string.Join("\n", Renames.Select(r => r.ToString()).Concat(Rewritten.Select(p => "rewrote " + p)));
        GitCli.Run(worktree, ["commit", "--quiet", "-m", message, "-m", body]);
        return GitQueries.Head(worktree);
    }

    /// <summary>A renamed folder-per-migration leaves no empty folder behind (a tool would take it for a migration).</summary>
    private static void RemoveEmptyFolders(string worktree, string? folder)
    {
        var root = Path.GetFullPath(worktree);
        while (folder is not null && Path.GetFullPath(folder).Length > root.Length && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
            folder = Path.GetDirectoryName(folder);
        }
    }
}
