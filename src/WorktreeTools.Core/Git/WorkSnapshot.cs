using System.Text.RegularExpressions;

namespace WorktreeTools.Core.Git;

/// <summary>A merge, rebase, cherry-pick or revert stopped in a worktree, saved as a commit (see <see cref="WorkSnapshot"/>).</summary>
/// <param name="Kind">Merge, Rebase, CherryPick or Revert.</param>
/// <param name="Commit">Its tree holds git's own files of the operation under <c>gitdir/</c> (for a rebase
/// <c>gitdir/rebase-merge/onto</c>, <c>orig-head</c>, <c>head-name</c>, the todo list) and each conflicted path's stages
/// under <c>stages/1/</c> (common ancestor), <c>stages/2/</c> (ours) and <c>stages/3/</c> (theirs); its parents are the
/// commits those files name (onto, original head, merge heads), so they stay reachable.</param>
/// <param name="Summary">One line for people, e.g. <c>Rebase of feature/x onto 1a2b3c4 from 5d6e7f8, 1 conflicted path</c>.</param>
public sealed record SavedOperation(string Kind, string Commit, string Summary);

/// <summary>
/// A worktree's uncommitted work saved as git objects, the way <c>git stash</c> saves it, without touching the
/// worktree's files, its index, its lock or any ref: the index (the staged version of every file), the working
/// tree (every file as it is on disk, tracked and untracked, not ignored) and an operation in progress. Only
/// blobs, trees and commits are written; the caller decides which ref keeps them.
/// </summary>
/// <param name="Head">The commit checked out (null on an unborn branch).</param>
/// <param name="IndexTree">The tree of the index. Paths with a conflict are left out (their stages are in <paramref name="Operation"/>).</param>
/// <param name="WorkTree">The tree of the files on disk: tracked and untracked, not ignored.</param>
/// <param name="IndexCommit">The index as a commit on <paramref name="Head"/>.</param>
/// <param name="Commit">The working tree as a commit, with <paramref name="Parents"/>.</param>
/// <param name="Parents">The parents of <paramref name="Commit"/> in order: <paramref name="Head"/>, <paramref name="IndexCommit"/>,
/// the commits the caller asked to keep, then the operation's commit (<c>Commit^N</c> is <c>Parents[N-1]</c>).</param>
/// <param name="Operation">The merge, rebase, cherry-pick or revert in progress, or null.</param>
public sealed partial record WorkSnapshot(string? Head, string IndexTree, string WorkTree, string IndexCommit, string Commit,
    IReadOnlyList<string> Parents, SavedOperation? Operation)
{
    /// <summary>
    /// The tree of the files on disk in <paramref name="worktree"/> (tracked and untracked, not ignored), as
    /// <c>git add -A &amp;&amp; git write-tree</c> would give it, from a copy of the index: fast (only changed files
    /// are read) and invisible to the worktree.
    /// </summary>
    public static string WorkingTree(string worktree) => Trees(worktree, withIndex: false).Work;

    /// <summary>
    /// Saves the index, the working tree and any operation in progress of <paramref name="worktree"/> (see the
    /// type). <paramref name="keep"/> are more commits to keep reachable from the result (a branch tip that is not
    /// HEAD, files saved with <see cref="SaveFiles"/>); those equal to HEAD or repeated are skipped.
    /// </summary>
    public static WorkSnapshot Take(string worktree, string message, IEnumerable<string>? keep = null)
    {
        var head = GitCli.Read(worktree, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], check: false) is { Success: true } h
            ? h.Output.Trim() : null;
        var (index, work) = Trees(worktree, withIndex: true);
        var operation = SaveOperation(worktree);
        var indexCommit = GitCli.Run(worktree, ["commit-tree", index!, .. head is null ? Array.Empty<string>() : ["-p", head],
            "-m", "index of " + message]).Output.Trim();
        var parents = new List<string>();
        foreach (var c in new[] { head }.Concat([indexCommit]).Concat(keep ?? []).Append(operation?.Commit))
            if (c is not null && !parents.Contains(c)) parents.Add(c);
        var commit = GitCli.Run(worktree, ["commit-tree", work, .. parents.SelectMany(p => new[] { "-p", p }),
            "-m", operation is null ? message : $"{message}\n\n{operation.Summary} (saved in parent {parents.Count})"]).Output.Trim();
        return new WorkSnapshot(head, index!, work, indexCommit, commit, parents, operation);
    }

    /// <summary>
    /// Saves the given files of <paramref name="worktree"/> (paths relative to it, ignored ones too) as a commit
    /// with no parent, whose tree holds just them. Null when <paramref name="paths"/> is empty.
    /// </summary>
    public static string? SaveFiles(string worktree, IReadOnlyCollection<string> paths, string message)
    {
        if (paths.Count == 0) return null;
        var temp = TempIndex();
        try
        {
            var env = new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = temp, ["GIT_LITERAL_PATHSPECS"] = "1" };
            GitCli.Run(worktree, ["add", "--force", "--pathspec-from-file=-", "--pathspec-file-nul"], stdin: string.Join('\0', paths) + '\0', env: env);
            var tree = GitCli.Run(worktree, ["write-tree"], env: env).Output.Trim();
            return GitCli.Run(worktree, ["commit-tree", tree, "-m", message]).Output.Trim();
        }
        finally { DeleteIndex(temp); }
    }

    /// <summary>The index tree (when <paramref name="withIndex"/>) and the working tree, from one temporary copy of the index.</summary>
    private static (string? Index, string Work) Trees(string worktree, bool withIndex)
    {
        var temp = TempIndex();
        try
        {
            if (WorktreeStatus.GitDirOf(worktree) is { } gitDir && File.Exists(Path.Combine(gitDir, "index")))
                File.Copy(Path.Combine(gitDir, "index"), temp);
            var env = new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = temp };
            var index = withIndex ? GitCli.Run(worktree, ["write-tree"], check: false, env: env) : null;
            if (index is { Success: false })
            {
                // Unmerged entries (a conflict in progress) have no tree: leave those paths out of the index tree.
                var conflicted = Unmerged(worktree, env).Select(u => u.Path).Distinct();
                GitCli.Run(worktree, ["update-index", "--force-remove", "-z", "--stdin"], stdin: string.Join('\0', conflicted) + '\0', env: env);
                index = GitCli.Run(worktree, ["write-tree"], env: env);
            }
            GitCli.Run(worktree, ["add", "-A"], env: env);
            var work = GitCli.Run(worktree, ["write-tree"], env: env).Output.Trim();
            return (index?.Output.Trim(), work);
        }
        finally { DeleteIndex(temp); }
    }

    // git's own files of an operation in progress, in a worktree's private git directory.
    private static readonly string[] OperationFiles = ["MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "AUTO_MERGE", "CHERRY_PICK_HEAD", "REVERT_HEAD", "REBASE_HEAD", "ORIG_HEAD"];
    private static readonly string[] OperationFolders = ["rebase-merge", "rebase-apply", "sequencer"];
    // Those of its files that name commits.
    private static readonly string[] CommitFiles = ["MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "REBASE_HEAD", "ORIG_HEAD",
        "onto", "orig-head", "stopped-sha", "amend", "head", "abort-safety"];

    private static SavedOperation? SaveOperation(string worktree)
    {
        var kind = WorktreeStatus.InProgress(worktree);
        if (kind is null || WorktreeStatus.GitDirOf(worktree) is not { } gitDir) return null;
        var files = OperationFiles.Select(n => Path.Combine(gitDir, n)).Where(File.Exists)
            .Concat(OperationFolders.Select(d => Path.Combine(gitDir, d)).Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)))
            .ToList();
        var blobs = GitCli.Run(worktree, ["hash-object", "-w", "--stdin-paths"], stdin: string.Join('\n', files) + '\n').Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string Relative(string f) => Path.GetRelativePath(gitDir, f).Replace('\\', '/');
        var entries = files.Select((f, i) => $"100644 {blobs[i]}\tgitdir/{Relative(f)}").ToList();
        var unmerged = Unmerged(worktree, env: null);
        entries.AddRange(unmerged.Select(u => $"{u.Mode} {u.Blob}\tstages/{u.Stage}/{u.Path}"));

        var temp = TempIndex();
        string tree;
        try
        {
            var env = new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = temp };
            GitCli.Run(worktree, ["update-index", "--add", "-z", "--index-info"], stdin: string.Join('\0', entries) + '\0', env: env);
            tree = GitCli.Run(worktree, ["write-tree"], env: env).Output.Trim();
        }
        finally { DeleteIndex(temp); }

        // The commits the operation names: keep them reachable (an onto or merge head may be on no branch).
        var named = files.Where(f => CommitFiles.Contains(Path.GetFileName(f)))
            .ToDictionary(Relative, f => ObjectId().Matches(File.ReadAllText(f)).Select(m => m.Value).ToList());
        var ids = named.Values.SelectMany(v => v).Distinct().ToList();
        var commits = ids.Count == 0 ? [] : GitCli.Run(worktree, ["cat-file", "--batch-check=%(objectname) %(objecttype)"], stdin: string.Join('\n', ids) + '\n').Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(p => p is [_, "commit"]).Select(p => p[0]).ToList();

        string? First(params string[] names) => names.Select(n => named.GetValueOrDefault(n)?.FirstOrDefault()).FirstOrDefault(v => v is not null)?[..7];
        var conflicts = unmerged.Select(u => u.Path).Distinct().Count();
        var what = kind switch
        {
            "Rebase" => $"Rebase of {HeadName(gitDir)} onto {First("rebase-merge/onto", "rebase-apply/onto")} from {First("rebase-merge/orig-head", "rebase-apply/orig-head")}",
            "Merge" => $"Merge of {First("MERGE_HEAD")}",
            "CherryPick" => $"Cherry-pick of {First("CHERRY_PICK_HEAD")}",
            _ => $"Revert of {First("REVERT_HEAD")}",
        };
        var summary = $"{what}, {conflicts} conflicted path{(conflicts == 1 ? "" : "s")}";
        var commit = GitCli.Run(worktree, ["commit-tree", tree, .. commits.SelectMany(c => new[] { "-p", c }),
            "-m", $"{summary}\n\ngit's files of the operation are under gitdir/, the stages of each conflicted path under stages/1 (base), stages/2 (ours) and stages/3 (theirs)."]).Output.Trim();
        return new SavedOperation(kind, commit, summary);
    }

    private static string HeadName(string gitDir)
    {
        var file = new[] { "rebase-merge/head-name", "rebase-apply/head-name" }.Select(n => Path.Combine(gitDir, n)).FirstOrDefault(File.Exists);
        var name = file is null ? "" : File.ReadAllText(file).Trim();
        return name.StartsWith("refs/heads/", StringComparison.Ordinal) ? name[11..] : name.Length > 0 ? name : "a detached HEAD";
    }

    private sealed record UnmergedEntry(string Mode, string Blob, string Stage, string Path);

    /// <summary>The unmerged entries (<c>git ls-files -u</c>) of the worktree's index, or of <c>GIT_INDEX_FILE</c> in <paramref name="env"/>.</summary>
    private static List<UnmergedEntry> Unmerged(string worktree, IReadOnlyDictionary<string, string?>? env)
    {
        var output = GitCli.Run(worktree, ["--no-optional-locks", "ls-files", "-u", "-z"], env: env).Output;
        var list = new List<UnmergedEntry>();
        foreach (var line in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // <mode> SP <object> SP <stage> TAB <path>
            var tab = line.IndexOf('\t');
            var meta = line[..tab].Split(' ');
            list.Add(new UnmergedEntry(meta[0], meta[1], meta[2], line[(tab + 1)..]));
        }
        return list;
    }

    private static string TempIndex() => Path.Combine(Path.GetTempPath(), $"wtt-index-{Guid.NewGuid():N}");

    private static void DeleteIndex(string temp)
    {
        File.Delete(temp);
        File.Delete(temp + ".lock");
    }

    [GeneratedRegex(@"\b[0-9a-f]{40}(?:[0-9a-f]{24})?\b")]
    private static partial Regex ObjectId();
}
