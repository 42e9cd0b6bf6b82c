using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Config;

/// <summary>
/// The files of one checkout, read either from a folder (what is on disk) or from a commit (what a worktree
/// about to be created will hold): enough to tell which package manager it uses and which scripts it runs.
/// </summary>
public abstract class CheckoutFiles
{
    /// <summary>True when <paramref name="relative"/> (with '/') exists.</summary>
    public abstract bool Exists(string relative);

    /// <summary>The text of <paramref name="relative"/>, or null when there is none.</summary>
    public abstract string? Read(string relative);

    /// <summary>Every tracked file called <paramref name="fileName"/>, at any depth ('/'-separated, ordinal order).</summary>
    public abstract IReadOnlyList<string> Tracked(string fileName);

    public static CheckoutFiles Folder(string path) => new FolderFiles(path);

    public static CheckoutFiles Commit(string repository, string commit) => new CommitFiles(repository, commit);

    private static IReadOnlyList<string> Named(IEnumerable<string> paths, string fileName) =>
        paths.Where(p => p == fileName || p.EndsWith("/" + fileName, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    private sealed class FolderFiles(string root) : CheckoutFiles
    {
        public override bool Exists(string relative) => File.Exists(Path.Combine(root, relative));

        public override string? Read(string relative)
        {
            var file = Path.Combine(root, relative);
            try { return File.Exists(file) ? File.ReadAllText(file) : null; }
            catch (IOException) { return null; }
        }

        public override IReadOnlyList<string> Tracked(string fileName)
        {
            var r = GitCli.Read(root, ["ls-files", "-z", "--", ":(glob)**/" + fileName], check: false);
            return r.Success ? Named(r.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries), fileName) : Exists(fileName) ? [fileName] : [];
        }
    }

    private sealed class CommitFiles(string repository, string commit) : CheckoutFiles
    {
        private string[]? _all;
        // A commit never changes: each file is read from git once (the install, the dev server and the lockfile
        // regeneration all read the same package.json).
        private readonly Dictionary<string, string?> _texts = new(StringComparer.Ordinal);

        private string[] All => _all ??= GitCli.Read(repository, ["ls-tree", "-r", "-z", "--name-only", commit]).Output
            .Split('\0', StringSplitOptions.RemoveEmptyEntries);

        public override bool Exists(string relative) => All.Contains(relative, StringComparer.Ordinal);

        public override string? Read(string relative)
        {
            if (_texts.TryGetValue(relative, out var known)) return known;
            var r = GitCli.Read(repository, ["cat-file", "blob", commit + ":" + relative], check: false);
            return _texts[relative] = r.Success ? r.Output : null;
        }

        public override IReadOnlyList<string> Tracked(string fileName) => Named(All, fileName);
    }
}
