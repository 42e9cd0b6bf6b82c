using System.Diagnostics;

namespace WorktreeTools.Core.Processes;

/// <summary>What stopping a process tree did.</summary>
/// <param name="Stopped">Every process that was signalled.</param>
/// <param name="Forced">True when some did not end within the grace period and were killed.</param>
/// <param name="Remaining">Processes still alive at the end (normally none).</param>
public sealed record StopResult(IReadOnlyList<ProcessIdentity> Stopped, bool Forced, IReadOnlyList<ProcessIdentity> Remaining)
{
    /// <summary>Tells the host what was stopped (verbose) and what could not be (warning).</summary>
    public void Report(IOperationHost host, string what)
    {
        if (Stopped.Count > 0)
            host.Verbose($"Stopped {what}: {Stopped.Count} process(es){(Forced ? ", some forcefully after the grace period" : "")}.");
        if (Remaining.Count > 0)
            host.Warning($"Could not stop every process of {what}: {string.Join(", ", Remaining)} still run.");
    }
}

/// <summary>
/// Stops whole process trees: gracefully first, then forcefully after a grace period.
/// Unix: SIGTERM to every descendant (found by walking parent pids) and every member of the root's process
/// group (a dev server's children stay in its group even after their parent died), then SIGKILL to whatever
/// is left and anything it started meanwhile. Windows: <c>taskkill /T</c> without /F, then
/// <see cref="Process.Kill(bool)"/> of the entire tree.
/// </summary>
public static class ProcessTree
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    public static StopResult Stop(IEnumerable<ProcessIdentity> roots, TimeSpan grace, CancellationToken cancel = default)
    {
        var list = roots.ToList();
        return OperatingSystem.IsWindows() ? StopWindows(list, grace, cancel) : StopUnix(list, grace, cancel);
    }

    public static StopResult Stop(ProcessIdentity root, TimeSpan grace, CancellationToken cancel = default) => Stop([root], grace, cancel);

    /// <summary>The live processes of the trees of <paramref name="roots"/> (Unix).</summary>
    internal static List<ProcessIdentity> Members(IReadOnlyList<ProcessIdentity> roots)
    {
        var live = roots.Where(r => r.IsAlive()).Select(r => r.Pid);
        // A dead leader's group may still hold its children. A pid now used by another program cannot also
        // name an old group (the system does not reuse a pid while a group of that id exists).
        var groups = roots.Where(r => r.IsAlive() || ProcessIdentity.Of(r.Pid) is null).Select(r => r.Pid);
        return ProcessTable.Tree(ProcessTable.Snapshot(), live, groups)
            .Select(ProcessIdentity.Of).OfType<ProcessIdentity>().ToList();
    }

    private static StopResult StopUnix(List<ProcessIdentity> roots, TimeSpan grace, CancellationToken cancel)
    {
        var members = Members(roots);
        Signal(members, UnixSignals.Terminate);
        var left = WaitGone(members, grace, cancel);
        var stopped = new List<ProcessIdentity>(members);
        var forced = false;
        // Look again: what ignored SIGTERM, and what was forked while the tree was being signalled. Repeat,
        // because a process may fork between a look and its SIGKILL.
        for (var round = 0; round < 3; round++)
        {
            var again = Members([.. roots, .. left]);
            if (again.Count == 0) break;
            forced = true;
            Signal(again, UnixSignals.Kill);
            stopped.AddRange(again);
            left = WaitGone(again, KillWait, CancellationToken.None);
        }
        return new StopResult(stopped.DistinctBy(m => m.Pid).ToList(), forced, left);
    }

    private static void Signal(IEnumerable<ProcessIdentity> members, int signal)
    {
        foreach (var m in members)
            if (m.IsAlive()) UnixSignals.Send(m.Pid, signal);
    }

    private static StopResult StopWindows(List<ProcessIdentity> roots, TimeSpan grace, CancellationToken cancel)
    {
        var live = roots.Where(r => r.IsAlive()).ToList();
        foreach (var r in live) Taskkill(r.Pid);
        var left = WaitGone(live, grace, cancel);
        if (left.Count == 0) return new StopResult(live, false, []);
        foreach (var r in left)
        {
            try
            {
                using var p = Process.GetProcessById(r.Pid);
                p.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }
        return new StopResult(live, true, WaitGone(left, KillWait, CancellationToken.None));
    }

    /// <summary>Asks the tree to close (WM_CLOSE); console programs may ignore it, hence the forced stop after.</summary>
    private static void Taskkill(int pid)
    {
        var psi = new ProcessStartInfo("taskkill") { UseShellExecute = false, CreateNoWindow = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "/T", "/PID", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception) { }
    }

    /// <summary>Waits until every process in <paramref name="members"/> has ended; returns those still alive.</summary>
    internal static List<ProcessIdentity> WaitGone(IReadOnlyList<ProcessIdentity> members, TimeSpan timeout, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var left = members.Where(m => m.IsAlive()).ToList();
        while (left.Count > 0 && clock.Elapsed < timeout && !cancel.IsCancellationRequested)
        {
            cancel.WaitHandle.WaitOne(50);
            left = left.Where(m => m.IsAlive()).ToList();
        }
        return left;
    }
}
