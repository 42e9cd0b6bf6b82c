using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WorktreeTools.Core.Processes;

/// <summary>When a dev server counts as ready: a port accepting connections on loopback, a pattern in its log, or a URL answering below 500. None set: ready once started.</summary>
public sealed record ReadyCheck(int? Port, string? Pattern, string? Url, TimeSpan Timeout)
{
    public bool IsEmpty => Port is null && Pattern is null && Url is null;

    public override string ToString() =>
        string.Join(" and ", new[] { Port is { } p ? $"port {p}" : null, Pattern is { } r ? $"/{r}/ in the log" : null, Url }.OfType<string>());
}

/// <summary>How waiting for readiness ended.</summary>
internal enum ReadyOutcome { Ready, Exited, TimedOut }

/// <summary>Waits for a started process to become ready, and notices at once when it ends instead.</summary>
internal static class Readiness
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    /// <param name="progress">Called on every poll with a status line and a percentage of the timeout used.</param>
    public static ReadyOutcome Wait(ReadyCheck check, Func<bool> isAlive, string logPath, long logStart,
        Action<string, int> progress, CancellationToken cancel)
    {
        var pattern = check.Pattern is null ? null : Config.ConfigRegex.Create(check.Pattern);
        var log = new LogCursor(logPath, logStart);
        var patternSeen = false;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            if (!isAlive()) return ReadyOutcome.Exited;
            if (pattern is not null && !patternSeen)
                patternSeen = log.ReadLines().Append(log.Pending).Any(pattern.IsMatch);
            if ((pattern is null || patternSeen)
                && (check.Port is not { } port || Accepts(port))
                && (check.Url is not { } url || Answers(url, cancel)))
                return ReadyOutcome.Ready;
            if (clock.Elapsed >= check.Timeout) return ReadyOutcome.TimedOut;
            var percent = (int)Math.Min(99, 100 * clock.Elapsed.TotalSeconds / check.Timeout.TotalSeconds);
            progress($"Waiting for {check} ({clock.Elapsed.TotalSeconds:0}s of {check.Timeout.TotalSeconds:0}s)", percent);
            cancel.WaitHandle.WaitOne(Poll);
        }
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1 or ::1 at <paramref name="port"/>.</summary>
    public static bool Accepts(int port) => Connects(IPAddress.Loopback, port) || Connects(IPAddress.IPv6Loopback, port);

    /// <summary>
    /// A non-blocking connect waited on with Poll: synchronous, so a busy thread pool cannot make a listening
    /// port look closed (the "port in use" check must not miss), and bounded, should the backlog be full.
    /// </summary>
    private static bool Connects(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try
            {
                socket.Connect(new IPEndPoint(address, port));
                return true;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress) { }
            return socket.Poll(TimeSpan.FromSeconds(2), SelectMode.SelectWrite)
                && socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error) is 0;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool Answers(string url, CancellationToken cancel)
    {
        try
        {
            using var response = Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel).GetAwaiter().GetResult();
            return (int)response.StatusCode < 500;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            return false;
        }
    }
}
