using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Worktrees;

/// <summary>
/// The git-ignored files of a worktree about to be removed, sorted by what becomes of them: files nothing can
/// make again are saved (up to a size limit); dependency and build folders, and files the caller says it can
/// make again, are left out; what is too big is named, never silently lost.
/// </summary>
/// <param name="Save">Paths (relative, '/'-separated) to save.</param>
/// <param name="Regenerable">Folders and files left out because an install, a build or WorktreeTools' own setup makes them again.</param>
/// <param name="NotSaved">What is not saved although nothing makes it again (too big, a repository of its own), and why.</param>
public sealed record IgnoredFiles(IReadOnlyList<string> Save, IReadOnlyList<string> Regenerable, IReadOnlyList<string> NotSaved)
{
    /// <summary>A file larger than this is not saved.</summary>
    public const long MaxFileBytes = 10L << 20;
    /// <summary>Files past this total are not saved.</summary>
    public const long MaxTotalBytes = 50L << 20;

    /// <summary>Folders that package managers and builds fill: never saved.</summary>
    public static readonly IReadOnlySet<string> DependencyFolders = new HashSet<string>(StringComparer.Ordinal)
    {
        "node_modules", "bower_components", ".pnpm-store", ".yarn", ".npm", ".next", ".nuxt", ".svelte-kit", ".turbo",
        ".parcel-cache", ".vite", ".angular", ".cache", "dist", "build", "out", "coverage", "target", "bin", "obj",
        "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".venv", "venv", ".gradle", "vendor",
    };

    /// <summary>
    /// Sorts the ignored files of <paramref name="worktree"/>. <paramref name="regenerable"/> is asked about each
    /// remaining file (relative path, full path).
    /// </summary>
    public static IgnoredFiles Find(string worktree, Func<string, string, bool> regenerable)
    {
        var listed = GitCli.Read(worktree, ["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"]).Output
            .Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var save = new List<string>();
        var skipped = new List<string>();
        var notSaved = new List<string>();
        long total = 0;
        // git lists a folder holding only ignored files both as "dir/" and file by file: each file counts once.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in listed.Order(StringComparer.Ordinal))
        {
            if (entry.TrimEnd('/').Split('/').Any(DependencyFolders.Contains)) { skipped.Add(entry); continue; }
            var full = Path.Combine(worktree, entry);
            var files = entry.EndsWith('/') ? FilesUnder(full, worktree, skipped, notSaved) : [full];
            foreach (var file in files)
            {
                var relative = Path.GetRelativePath(worktree, file).Replace('\\', '/');
                if (!seen.Add(relative)) continue;
                if (regenerable(relative, file)) { skipped.Add(relative); continue; }
                var info = new FileInfo(file);
                var bytes = info.LinkTarget is null ? info.Length : 0;
                if (bytes > MaxFileBytes || total + bytes > MaxTotalBytes)
                {
                    notSaved.Add($"{relative} ({bytes / 1048576.0:0.0} MiB{(bytes > MaxFileBytes ? $", over {MaxFileBytes >> 20} MiB" : $", past {MaxTotalBytes >> 20} MiB in all")})");
                    continue;
                }
                total += bytes;
                save.Add(relative);
            }
        }
        return new IgnoredFiles(save, skipped, notSaved);
    }

    /// <summary>The files under an ignored folder, without dependency folders (added to <paramref name="skipped"/>) or nested repositories (to <paramref name="notSaved"/>).</summary>
    private static IEnumerable<string> FilesUnder(string folder, string worktree, List<string> skipped, List<string> notSaved)
    {
        var pending = new Stack<string>([folder]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            if (Directory.Exists(Path.Combine(dir, ".git")) || File.Exists(Path.Combine(dir, ".git")))
            {
                notSaved.Add(Path.GetRelativePath(worktree, dir).Replace('\\', '/') + "/ (a repository of its own)");
                continue;
            }
            foreach (var sub in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
            {
                if (new DirectoryInfo(sub).LinkTarget is not null) continue;
                if (DependencyFolders.Contains(Path.GetFileName(sub))) skipped.Add(Path.GetRelativePath(worktree, sub).Replace('\\', '/') + "/");
                else pending.Push(sub);
            }
            foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
                yield return file;
        }
    }

    /// <summary>True when both files exist and hold the same bytes.</summary>
    public static bool SameContent(string a, string b)
    {
        var fa = new FileInfo(a);
        var fb = new FileInfo(b);
        if (!fa.Exists || !fb.Exists || fa.Length != fb.Length) return false;
        using var sa = fa.OpenRead();
        using var sb = fb.OpenRead();
        var (ba, bb) = (new byte[81920], new byte[81920]);
        int n;
        while ((n = sa.Read(ba)) > 0)
        {
            sb.ReadExactly(bb, 0, n);
            if (!ba.AsSpan(0, n).SequenceEqual(bb.AsSpan(0, n))) return false;
        }
        return true;
    }
}
