using System.Text;
using WorktreeTools.Core.Processes;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class LogFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(TestEnvironment.Root, "logs-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Tail_reads_the_last_lines_of_a_large_log()
    {
        var path = Write("big.log", string.Concat(Enumerable.Range(1, 20_000).Select(i => $"line {i} with some text ✓\n")));
        Assert.Equal(["line 19998 with some text ✓", "line 19999 with some text ✓", "line 20000 with some text ✓"], LogFile.Tail(path, 3));
        Assert.Equal(500, LogFile.Tail(path, 500).Count);
        Assert.Equal("line 19501 with some text ✓", LogFile.Tail(path, 500)[0]);
    }

    [Theory]
    [InlineData("a\nb\nc", 2, new[] { "b", "c" })]          // no newline at the end
    [InlineData("a\r\nb\r\nc\r\n", 2, new[] { "b", "c" })] // Windows line ends
    [InlineData("a\nb\n", 10, new[] { "a", "b" })]         // fewer lines than asked
    [InlineData("a\n\n\nb\n", 3, new[] { "", "", "b" })]   // empty lines count
    [InlineData("", 5, new string[0])]
    public void Tail_handles_line_ends_and_short_logs(string content, int count, string[] expected)
    {
        var path = Write("t.log", content);
        Assert.Equal(expected, LogFile.Tail(path, count));
    }

    [Fact]
    public void Tail_does_not_look_before_the_given_offset_and_a_missing_log_is_empty()
    {
        var path = Write("runs.log", "old run\nold crash\n");
        var start = new FileInfo(path).Length;
        File.AppendAllText(path, "new run\n");
        Assert.Equal(["new run"], LogFile.Tail(path, 20, start));
        Assert.Empty(LogFile.Tail(Path.Combine(_dir, "none.log"), 5));
    }

    [Fact]
    public async Task Follow_yields_lines_as_they_arrive_until_the_writer_ends()
    {
        var path = Write("live.log", "before\n");
        var start = new FileInfo(path).Length;
        var done = false;
        var writer = Task.Run(() =>
        {
            using var log = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            for (var i = 1; i <= 5; i++)
            {
                var bytes = Encoding.UTF8.GetBytes($"line {i} é\n");
                // Split inside the two-byte é, as a real writer may.
                log.Write(bytes, 0, bytes.Length - 2);
                log.Flush();
                Thread.Sleep(15);
                log.Write(bytes, bytes.Length - 2, 2);
                log.Flush();
            }
            log.Write("no newline at the end"u8);
            log.Flush();
            Volatile.Write(ref done, true);
        });
        var lines = LogFile.Follow(path, start, () => !Volatile.Read(ref done), CancellationToken.None, TimeSpan.FromMilliseconds(10)).ToList();
        await writer;
        Assert.Equal(["line 1 é", "line 2 é", "line 3 é", "line 4 é", "line 5 é", "no newline at the end"], lines);
    }

    [Fact]
    public void Tail_then_follow_leaves_a_line_being_written_to_follow_so_it_comes_out_whole()
    {
        var path = Write("partial.log", "one\ntwo\nthr");
        var running = true;
        var lines = new List<string>();
        foreach (var line in LogFile.TailThenFollow(path, 5, () => Volatile.Read(ref running), CancellationToken.None))
        {
            lines.Add(line);
            if (line != "two") continue;
            File.AppendAllText(path, "ee\n");
            Volatile.Write(ref running, false);
        }
        Assert.Equal(["one", "two", "three"], lines);
    }

    [Fact]
    public void Follow_stops_when_cancelled()
    {
        var path = Write("quiet.log", "x\n");
        using var cancel = new CancellationTokenSource();
        var lines = new List<string>();
        foreach (var line in LogFile.Follow(path, 0, () => true, cancel.Token, TimeSpan.FromMilliseconds(10)))
        {
            lines.Add(line);
            cancel.Cancel();
        }
        Assert.Equal(["x"], lines);
    }

    [Fact]
    public void Follow_goes_on_in_a_log_that_was_truncated_or_replaced_by_a_new_file()
    {
        var path = Write("rotated.log", "# 2026-01-01 10:00:00 first start\nold 1\n");
        var running = true;
        var lines = new List<string>();
        foreach (var line in LogFile.Follow(path, 0, () => Volatile.Read(ref running), CancellationToken.None, TimeSpan.FromMilliseconds(10)))
        {
            lines.Add(line);
            switch (line)
            {
                case "old 1":
                    // Rotated: moved away, and a new, longer file in its place (its start differs).
                    File.Move(path, path + ".1");
                    File.WriteAllText(path, "# 2026-01-01 10:05:00 second start\nnew 1\nnew 2\nnew 3\n");
                    break;
                case "new 3":
                    // Truncated in place (copytruncate), then written again.
                    File.WriteAllText(path, "");
                    File.WriteAllText(path, "after truncation\n");
                    break;
                case "after truncation":
                    Volatile.Write(ref running, false);
                    break;
            }
        }
        Assert.Equal(["# 2026-01-01 10:00:00 first start", "old 1", "# 2026-01-01 10:05:00 second start", "new 1", "new 2", "new 3", "after truncation"], lines);
    }

    [Fact]
    public void Follow_stops_after_its_timeout_with_what_was_written_by_then()
    {
        var path = Write("timed.log", "x\n");
        var lines = LogFile.Follow(path, 0, () => true, CancellationToken.None, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(300)).ToList();
        Assert.Equal(["x"], lines);
    }
}
