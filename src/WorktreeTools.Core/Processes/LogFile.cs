using System.Text;

namespace WorktreeTools.Core.Processes;

/// <summary>Reads run logs: the last lines (from the end, without reading the whole file) or new lines as they arrive.</summary>
public static class LogFile
{
    private const int Chunk = 8192;

    /// <summary>The last <paramref name="count"/> lines of the log between <paramref name="fromOffset"/> and <paramref name="upTo"/> (default: the end).</summary>
    public static IReadOnlyList<string> Tail(string path, int count, long fromOffset = 0, long? upTo = null)
    {
        if (count <= 0 || !File.Exists(path)) return [];
        using var fs = Open(path);
        var end = Math.Min(upTo ?? fs.Length, fs.Length);
        var start = Math.Min(fromOffset, end);
        var buffer = new byte[Chunk];
        var newlines = 0;
        for (var pos = end; pos > start && newlines < count;)
        {
            var n = (int)Math.Min(Chunk, pos - start);
            pos -= n;
            fs.Position = pos;
            fs.ReadExactly(buffer, 0, n);
            for (var i = n - 1; i >= 0; i--)
            {
                // The newline that ends the last line does not start a line.
                if (buffer[i] != '\n' || pos + i == end - 1) continue;
                if (++newlines == count)
                {
                    start = pos + i + 1;
                    break;
                }
            }
        }
        fs.Position = start;
        var bytes = new byte[end - start];
        fs.ReadExactly(bytes);
        return SplitLines(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>The last <paramref name="count"/> complete lines, then the lines that follow as they arrive (see <see cref="Follow"/>).</summary>
    public static IEnumerable<string> TailThenFollow(string path, int count, Func<bool> isRunning, CancellationToken cancel, TimeSpan? timeout = null)
    {
        // A line still being written is left to Follow, so that it comes out whole.
        var end = EndOfLastLine(path);
        foreach (var line in Tail(path, count, 0, end)) yield return line;
        foreach (var line in Follow(path, end, isRunning, cancel, timeout: timeout)) yield return line;
    }

    /// <summary>
    /// The lines appended after <paramref name="fromOffset"/>, as they arrive, until <paramref name="isRunning"/>
    /// says the writer has ended (the rest is read first), <paramref name="timeout"/> has passed, or
    /// <paramref name="cancel"/> is signalled. A log truncated or replaced (rotated) meanwhile is read again from its start.
    /// </summary>
    public static IEnumerable<string> Follow(string path, long fromOffset, Func<bool> isRunning, CancellationToken cancel,
        TimeSpan? poll = null, TimeSpan? timeout = null)
    {
        var cursor = new LogCursor(path, fromOffset);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // Ask before reading, so that everything written before the end is read.
            var running = isRunning() && !(clock.Elapsed >= timeout);
            foreach (var line in cursor.ReadLines()) yield return line;
            if (!running)
            {
                if (cursor.Pending.Length > 0) yield return cursor.Pending;
                yield break;
            }
            if (cancel.WaitHandle.WaitOne(poll ?? TimeSpan.FromMilliseconds(200))) yield break;
        }
    }

    /// <summary>The offset just after the log's last newline (0 when it has none).</summary>
    private static long EndOfLastLine(string path)
    {
        if (!File.Exists(path)) return 0;
        using var fs = Open(path);
        var buffer = new byte[Chunk];
        for (var pos = fs.Length; pos > 0;)
        {
            var n = (int)Math.Min(Chunk, pos);
            pos -= n;
            fs.Position = pos;
            fs.ReadExactly(buffer, 0, n);
            var i = Array.LastIndexOf(buffer, (byte)'\n', n - 1);
            if (i >= 0) return pos + i + 1;
        }
        return 0;
    }

    internal static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    internal static List<string> SplitLines(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }
}

/// <summary>
/// Reads a growing log in complete lines from an offset; a line still being written waits in <see cref="Pending"/>.
/// A log that got shorter (truncated) or whose first bytes changed (replaced by a new file: rotated, or started
/// again) is read again from its start.
/// </summary>
internal sealed class LogCursor(string path, long offset)
{
    private const int PrefixLength = 256;
    private readonly List<byte> _partial = [];
    private byte[]? _prefix;

    public long Offset { get; private set; } = offset;

    /// <summary>The text of the line not yet ended by a newline.</summary>
    public string Pending => Encoding.UTF8.GetString(_partial.ToArray()).TrimEnd('\r');

    public List<string> ReadLines()
    {
        var lines = new List<string>();
        if (!File.Exists(path)) return lines;
        using var fs = LogFile.Open(path);
        var prefix = new byte[(int)Math.Min(PrefixLength, fs.Length)];
        prefix = prefix[..fs.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false)]; // it may shrink meanwhile
        var common = Math.Min(prefix.Length, _prefix?.Length ?? 0);
        if (fs.Length < Offset || (_prefix is not null && !prefix.AsSpan(0, common).SequenceEqual(_prefix.AsSpan(0, common))))
        {
            // Truncated, or another file now: start again from the beginning.
            Offset = 0;
            _partial.Clear();
            _prefix = null;
        }
        if (prefix.Length >= (_prefix?.Length ?? 0)) _prefix = prefix;
        fs.Position = Offset;
        var buffer = new byte[8192];
        int n;
        while ((n = fs.Read(buffer)) > 0)
        {
            Offset += n;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != '\n')
                {
                    _partial.Add(buffer[i]);
                    continue;
                }
                lines.Add(Pending);
                _partial.Clear();
            }
        }
        return lines;
    }
}
