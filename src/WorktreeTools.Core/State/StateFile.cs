using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace WorktreeTools.Core.State;

/// <summary>
/// A JSON document shared by every PowerShell session of the user: read-modify-write happens under an
/// exclusive lock file; writes are atomic and durable (temporary file flushed to disk, renamed, folder flushed),
/// so a crash or a power cut leaves either the old or the new document, never half of one. Every write also
/// refreshes a last good copy beside it (<c>&lt;file&gt;.last-good</c>). A damaged document (not JSON, <c>null</c>,
/// <c>{}</c>, a list that is null, a folder in its place) is never read as empty: it is <c>StateFileDamaged</c>,
/// and <see cref="Recover"/> (run by Repair-IssueWorktree) puts it aside and brings back the last good copy.
/// </summary>
public sealed class StateFile<T> where T : class, new()
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Func<T, string?>? _validate;

    /// <param name="validate">Checks the document's content beyond its shape; returns what is wrong, or null.</param>
    public StateFile(string path, Func<T, string?>? validate = null)
    {
        Path = path;
        _validate = validate;
    }

    public string Path { get; }
    public string LastGoodPath => Path + ".last-good";
    private string LockPath => Path + ".lock";

    /// <summary>Reads without locking (a reader sees the last complete write). <c>StateFileDamaged</c> when the document is damaged.</summary>
    public T Read()
    {
        var (doc, problem) = TryRead(Path);
        if (problem is null) return doc!;
        throw new WorktreeToolsException("StateFileDamaged", ErrorKind.InvalidData,
            $"The state file {Path} is damaged: {problem}. Nothing was changed. Run Repair-IssueWorktree: it keeps the damaged file aside " +
            (TryRead(LastGoodPath).Problem is null && File.Exists(LastGoodPath)
                ? $"and puts back its last good copy (of {File.GetLastWriteTime(LastGoodPath):yyyy-MM-dd HH:mm:ss})."
                : "and starts it afresh (there is no good copy); the worktrees are found again from git."),
            Path, recommendedAction: "Repair-IssueWorktree");
    }

    /// <summary>The document at <paramref name="path"/> (a new one when there is no file), or what is wrong with it.</summary>
    private (T? Doc, string? Problem) TryRead(string path)
    {
        if (Directory.Exists(path)) return (null, "it is a folder, not a file");
        if (!File.Exists(path)) return (new T(), null);
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path));
            if (node is not JsonObject root) return (null, $"it holds {(node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant())}, not a document");
            var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (Property: p, Name: Json.PropertyNamingPolicy!.ConvertName(p.Name))).ToList();
            if (!properties.Any(p => root.ContainsKey(p.Name)))
                return (null, $"it has none of {string.Join(", ", properties.Select(p => p.Name))}");
            var doc = root.Deserialize<T>(Json)!;
            foreach (var (property, name) in properties.Where(p => typeof(IEnumerable).IsAssignableFrom(p.Property.PropertyType) && p.Property.PropertyType != typeof(string)))
            {
                if (property.GetValue(doc) is not IEnumerable items) return (null, $"its {name} is null");
                if (items.Cast<object?>().Any(i => i is null)) return (null, $"its {name} holds null");
            }
            return _validate?.Invoke(doc) is { } problem ? (null, problem) : (doc, null);
        }
        catch (JsonException ex)
        {
            return (null, $"it is not valid JSON ({ex.Message})");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"it cannot be read ({ex.Message})");
        }
    }

    /// <summary>Runs <paramref name="change"/> on the current document under the lock and saves what it returns.</summary>
    public TResult Update<TResult>(Func<T, TResult> change, TimeSpan? timeout = null)
    {
        using var _ = FileLock.Acquire(LockPath, timeout ?? TimeSpan.FromSeconds(30));
        var doc = Read();
        var result = change(doc);
        Write(doc);
        return result;
    }

    /// <summary>
    /// Brings a damaged state file back (Repair-IssueWorktree): a folder in place of the lock file, or a damaged
    /// document, is moved aside to <c>&lt;name&gt;.damaged-&lt;time&gt;</c>, and the last good copy takes its place
    /// (or, without one, an empty document). Returns what it did, or null when all was in order.
    /// </summary>
    public string? Recover()
    {
        var done = new List<string>();
        if (FileLock.MoveAsideIfFolder(LockPath) is { } lockAside) done.Add($"the folder in place of its lock file was moved to {lockAside}");
        using var _ = FileLock.Acquire(LockPath, TimeSpan.FromSeconds(30));
        if (TryRead(Path).Problem is { } problem)
        {
            var aside = Durable.MoveAside(Path);
            var (good, goodProblem) = TryRead(LastGoodPath);
            var restored = goodProblem is null && File.Exists(LastGoodPath);
            Write(restored ? good! : new T());
            done.Add($"{System.IO.Path.GetFileName(Path)} was damaged ({problem}); it was kept at {aside} and " +
                     (restored ? $"its last good copy of {File.GetLastWriteTime(LastGoodPath):yyyy-MM-dd HH:mm:ss} was put back" : "there is no good copy: it starts empty"));
        }
        return done.Count == 0 ? null : string.Join("; ", done);
    }

    private void Write(T doc)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(folder);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(doc, Json);
        foreach (var target in new[] { Path, LastGoodPath })
        {
            var temp = target + "." + Environment.ProcessId + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        Durable.FlushFolder(folder);
    }
}

internal static class Durable
{
    /// <summary>Moves a damaged file or folder to <c>&lt;path&gt;.damaged-&lt;time&gt;</c> and returns that path.</summary>
    public static string MoveAside(string path)
    {
        var aside = $"{path}.damaged-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff'Z'}";
        if (Directory.Exists(path)) Directory.Move(path, aside);
        else File.Move(path, aside);
        return aside;
    }

    /// <summary>Makes a rename durable: the folder's entry is flushed to disk (POSIX; Windows' NTFS journals its metadata).</summary>
    public static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try { fsync(fd); }
        finally { close(fd); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}

/// <summary>An exclusive, cross-process lock held as an open file (released by the OS if the process dies).</summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;
    private FileLock(FileStream stream) => _stream = stream;

    public static FileLock Acquire(string path, TimeSpan timeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (Directory.Exists(path))
            throw new WorktreeToolsException("StateFileDamaged", ErrorKind.InvalidData,
                $"{path} is a folder where WorktreeTools keeps a lock file. Nothing was changed. Run Repair-IssueWorktree to move it aside (or remove it yourself).",
                path, recommendedAction: "Repair-IssueWorktree");
        var deadline = DateTime.UtcNow + timeout;
        var delay = 5;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 100);
            }
            catch (IOException ex)
            {
                throw new WorktreeToolsException("StateLockTimeout", ErrorKind.ResourceBusy,
                    $"Another WorktreeTools command holds {path} for more than {timeout.TotalSeconds:0} s. Try again when it has finished.", path, ex);
            }
        }
    }

    /// <summary>Moves a folder found in place of the lock file <paramref name="path"/> aside (Repair); returns where, or null.</summary>
    public static string? MoveAsideIfFolder(string path) => Directory.Exists(path) ? Durable.MoveAside(path) : null;

    public void Dispose() => _stream.Dispose();
}
