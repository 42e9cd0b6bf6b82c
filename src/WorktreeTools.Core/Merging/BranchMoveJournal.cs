using System.Security.Cryptography;
using System.Text;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.State;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// Moving a checked-out branch (the base's fast-forward when a merge lands, an undo's <c>reset --keep</c>) makes git
/// rewrite the changed files one by one, then the index, then the ref: a process killed in between leaves files of
/// the new version under the old ref, and a stale <c>index.lock</c>. Every such move is written down first (under the
/// merge lock) and crossed out when done; the next merge or sync (<see cref="MergeSession"/>) and
/// Repair-IssueWorktree find an entry left behind and finish the move — but only when every file it touches still
/// holds the old or the new version, so that nothing written since is overwritten.
/// </summary>
public static class BranchMoveJournal
{
    /// <summary>The moves under way: one at most (a list, so that an empty journal is a document like any other).</summary>
    public sealed class Document
    {
        public List<Entry> Moves { get; set; } = [];
    }

    public sealed class Entry
    {
        public string Branch { get; set; } = "";
        public string Worktree { get; set; } = "";
        public string From { get; set; } = "";
        public string To { get; set; } = "";
        public int Pid { get; set; }
        public DateTime StartTime { get; set; }
        public string? StartKey { get; set; }
        public DateTime Written { get; set; }
    }

    private static StateFile<Document> File(string root) =>
        new(Path.Combine(ToolPaths.RepositoryStateDirectory(root), "branch-move.json"));

    /// <summary>Writes the move down; disposing the handle crosses it out (call it only once the move is over, done or refused).</summary>
    internal static IDisposable Begin(string root, string branch, string worktree, string from, string to)
    {
        var self = ProcessIdentity.Of(Environment.ProcessId);
        var entry = new Entry
        {
            Branch = branch, Worktree = worktree, From = from, To = to, Pid = Environment.ProcessId,
            StartTime = self?.StartTime ?? DateTime.UtcNow, StartKey = self?.StartKey, Written = DateTime.UtcNow,
        };
        File(root).Update(d => d.Moves = [entry]);
        return new Clear(root);
    }

    private sealed class Clear(string root) : IDisposable
    {
        public void Dispose() => File(root).Update(d => d.Moves = []);
    }

    /// <summary>Repair-IssueWorktree: a damaged journal is put aside (its last good copy back); returns what was done, or null.</summary>
    internal static string? RecoverFile(string root) => File(root).Recover();

    /// <summary>
    /// Finishes a move a killed process left (call under the merge lock). Returns what was done, or null when there was
    /// nothing to do; throws <c>BaseMoveInterrupted</c> when files were changed since and the move cannot be finished safely.
    /// </summary>
    public static string? Recover(string root, IOperationHost host)
    {
        var journal = File(root);
        if (journal.Read().Moves.FirstOrDefault() is not { } m) return null;
        var writer = new ProcessIdentity(m.Pid, m.StartTime, m.StartKey);
        if (m.Pid != Environment.ProcessId && writer.IsAlive()) return null; // still at work (it holds the merge lock)
        var done = Finish(root, m);
        journal.Update(d => d.Moves = []);
        host.Verbose(done);
        return done;
    }

    private static string Finish(string root, Entry m)
    {
        var what = $"'{m.Branch}' in {m.Worktree} (from {m.From[..10]} to {m.To[..10]})";
        if (!Directory.Exists(m.Worktree)) return $"An interrupted move of {what} was found; the checkout no longer exists.";
        RemoveStaleIndexLock(m);
        var tip = GitQueries.ResolveCommit(root, "refs/heads/" + m.Branch);
        // git writes the files and the index before the ref: a moved ref means a finished move.
        if (tip == m.To) return $"The move of {what} had finished.";
        var head = GitCli.Read(m.Worktree, ["symbolic-ref", "-q", "HEAD"], check: false).Output.Trim();
        if (tip != m.From || head != "refs/heads/" + m.Branch)
            return $"An interrupted move of {what} was found, but '{m.Branch}' or that checkout has moved since; it was left as it is.";

        var changes = Changes(root, m.From, m.To);
        var onDisk = HashOnDisk(m.Worktree, changes.Select(c => c.Path).ToList());
        var touched = changes.Where(c => !Same(onDisk[c.Path], c.Old)).ToList();
        var foreign = touched.Where(c => !Same(onDisk[c.Path], c.New)).Select(c => c.Path).ToList();
        if (foreign.Count > 0)
            throw new WorktreeToolsException("BaseMoveInterrupted", ErrorKind.InvalidOperation,
                $"A merge was killed while moving {what}, and {foreign.Count} file(s) it was changing were edited since: " +
                $"{MergeChecklist.Sample(foreign)}. Nothing was changed; keep what you need of those files, then finish the move with " +
                $"'git -C \"{m.Worktree}\" reset --keep {m.To}' (or go back with 'git -C \"{m.Worktree}\" checkout {m.From} -- .').",
                m.Worktree, recommendedAction: $"git -C \"{m.Worktree}\" status");

        // Every changed file holds the old or the new version: write the new one where it is not yet, then move the ref.
        var present = changes.Where(c => !IsZero(c.New)).Select(c => c.Path).ToList();
        var gone = changes.Where(c => IsZero(c.New)).Select(c => c.Path).ToList();
        if (present.Count > 0)
            GitCli.Run(m.Worktree, ["--literal-pathspecs", "checkout", m.To, "--pathspec-from-file=-", "--pathspec-file-nul"], stdin: string.Join('\0', present));
        if (gone.Count > 0)
        {
            GitCli.Run(m.Worktree, ["--literal-pathspecs", "rm", "--cached", "--quiet", "--ignore-unmatch", "--pathspec-from-file=-", "--pathspec-file-nul"], stdin: string.Join('\0', gone));
            foreach (var path in gone)
                if (System.IO.File.Exists(Path.Combine(m.Worktree, path))) System.IO.File.Delete(Path.Combine(m.Worktree, path));
        }
        GitCli.Run(root, ["update-ref", "-m", "worktree-tools: finish an interrupted move", "refs/heads/" + m.Branch, m.To, m.From]);
        return $"Finished the move of {what} that a killed process had left halfway ({touched.Count} of its {changes.Count} changed file(s) were already written).";
    }

    /// <summary>No file (git's all-zero id; <see cref="HashOnDisk"/> uses null).</summary>
    private static bool IsZero(string? id) => id is null || id.All(c => c == '0');

    private static bool Same(string? onDisk, string id) => IsZero(onDisk) ? IsZero(id) : onDisk == id;

    /// <summary>An <c>index.lock</c> made after the move began, by the git process that was killed with it.</summary>
    private static void RemoveStaleIndexLock(Entry m)
    {
        var gitDir = WorktreeStatus.GitDirOf(m.Worktree);
        if (gitDir is null) return;
        var indexLock = Path.Combine(gitDir, "index.lock");
        if (!System.IO.File.Exists(indexLock) || System.IO.File.GetLastWriteTimeUtc(indexLock) < m.Written.AddSeconds(-1)) return;
        // A git command the user runs right now holds it for a moment only.
        Thread.Sleep(500);
        if (System.IO.File.Exists(indexLock)) System.IO.File.Delete(indexLock);
    }

    private static List<(string Path, string Old, string New)> Changes(string root, string from, string to)
    {
        // --raw -z: ":<old mode> <new mode> <old sha> <new sha> <status>\0<path>\0"
        var fields = GitQueries.SplitZ(GitCli.Read(root, ["diff", "--raw", "-z", "--no-renames", "--no-abbrev", from, to, "--"]).Output);
        var list = new List<(string, string, string)>();
        for (var i = 0; i + 1 < fields.Count; i += 2)
        {
            var meta = fields[i].Split(' ');
            list.Add((fields[i + 1], meta[2], meta[3]));
        }
        return list;
    }

    /// <summary>The blob id each path would have if added now (null when absent): clean filters apply, as <c>git add</c> would.</summary>
    private static Dictionary<string, string?> HashOnDisk(string worktree, List<string> paths)
    {
        var result = paths.ToDictionary(p => p, _ => (string?)null);
        var files = new List<string>();
        foreach (var path in paths)
        {
            var full = Path.Combine(worktree, path);
            var info = new FileInfo(full);
            if (info.LinkTarget is { } target) result[path] = BlobId(Encoding.UTF8.GetBytes(target));
            else if (info.Exists) files.Add(path);
        }
        if (files.Count == 0) return result;
        var ids = GitCli.Read(worktree, ["hash-object", "--stdin-paths"], stdin: string.Join('\n', files) + "\n").Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < files.Count && i < ids.Length; i++) result[files[i]] = ids[i].Trim();
        return result;
    }

    private static string BlobId(byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
#pragma warning disable CA5350 // git's object ids are SHA-1
        return Convert.ToHexString(SHA1.HashData([.. header, .. content])).ToLowerInvariant();
#pragma warning restore CA5350
    }
}
