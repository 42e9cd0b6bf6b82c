using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// The hooks a repository has (<c>core.hooksPath</c>, or the common git directory's <c>hooks/</c>): a merge must run the
/// hooks git would run for the same operation, so it is built with the git command line whenever one of them exists.
/// </summary>
internal sealed class GitHooks
{
    private readonly HashSet<string> _present;

    private GitHooks(HashSet<string> present) => _present = present;

    /// <summary>The hooks <c>git merge --no-ff</c> (Merge) or <c>git merge --squash</c> + <c>git commit</c> (Squash) would run.</summary>
    private static readonly string[] MergeHooks = ["pre-merge-commit", "prepare-commit-msg", "commit-msg", "post-merge", "reference-transaction"];
    private static readonly string[] SquashHooks = ["pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-merge", "reference-transaction"];

    /// <summary>Hooks that can refuse an operation of a strategy (for telling a refusal from another failure).</summary>
    private static readonly Dictionary<MergeStrategy, string[]> Refusing = new()
    {
        [MergeStrategy.Merge] = ["pre-merge-commit", "commit-msg", "pre-commit", "prepare-commit-msg"],
        [MergeStrategy.Squash] = ["pre-commit", "commit-msg", "prepare-commit-msg"],
        [MergeStrategy.Rebase] = ["pre-rebase", "prepare-commit-msg", "commit-msg"],
        [MergeStrategy.CherryPick] = ["prepare-commit-msg", "commit-msg", "pre-commit"],
    };

    public static GitHooks Read(string root)
    {
        var dir = GitCli.Read(root, ["rev-parse", "--git-path", "hooks"]).Output.Trim();
        var full = Path.GetFullPath(Path.Combine(root, dir));
        var present = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(full))
            foreach (var file in Directory.EnumerateFiles(full))
                if (IsRunnable(file)) present.Add(Path.GetFileName(file));
        return new GitHooks(present);
    }

    /// <summary>True when building <paramref name="strategy"/>'s merge without git's own merge and commit would skip a hook.</summary>
    public bool AnyFor(MergeStrategy strategy) =>
        (strategy switch { MergeStrategy.Merge => MergeHooks, MergeStrategy.Squash => SquashHooks, _ => [] }).Any(_present.Contains);

    /// <summary>The hooks present that could have refused an operation of <paramref name="strategy"/>.</summary>
    public IReadOnlyList<string> Refusers(MergeStrategy strategy) => Refusing[strategy].Where(_present.Contains).ToList();

    private static bool IsRunnable(string file)
    {
        if (file.EndsWith(".sample", StringComparison.Ordinal)) return false;
        // git for Windows runs a hook whatever its mode; elsewhere it must be executable.
        return OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
