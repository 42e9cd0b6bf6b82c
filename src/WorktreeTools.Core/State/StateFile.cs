using System.Text.Json;
using System.Text.Json.Serialization;

namespace WorktreeTools.Core.State;

/// <summary>
/// A JSON document shared by every PowerShell session of the user: read-modify-write happens under an
/// exclusive lock file, and writes are atomic (temporary file, then rename), so a crash leaves either the
/// old or the new document, never half of one.
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

    public StateFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Reads without locking (a reader sees the last complete write).</summary>
    public T Read()
    {
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(Path), Json) ?? new T() : new T();
        }
        catch (JsonException ex)
        {
            // A damaged file is kept aside for inspection, never silently thrown away.
            var aside = Path + ".damaged-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
            try { File.Copy(Path, aside, overwrite: true); } catch (IOException) { }
            throw new WorktreeToolsException("StateFileDamaged", ErrorKind.InvalidData,
                $"The state file {Path} is not valid JSON ({ex.Message}). A copy was kept at {aside}; fix or delete the file.", Path, ex);
        }
    }

    /// <summary>Runs <paramref name="change"/> on the current document under the lock and saves what it returns.</summary>
    public TResult Update<TResult>(Func<T, TResult> change, TimeSpan? timeout = null)
    {
        using var _ = FileLock.Acquire(Path + ".lock", timeout ?? TimeSpan.FromSeconds(30));
        var doc = Read();
        var result = change(doc);
        Write(doc);
        return result;
    }

    private void Write(T doc)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(doc, Json));
        File.Move(temp, Path, overwrite: true);
    }
}

/// <summary>An exclusive, cross-process lock held as an open file (released by the OS if the process dies).</summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;
    private FileLock(FileStream stream) => _stream = stream;

    public static FileLock Acquire(string path, TimeSpan timeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
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

    public void Dispose() => _stream.Dispose();
}
