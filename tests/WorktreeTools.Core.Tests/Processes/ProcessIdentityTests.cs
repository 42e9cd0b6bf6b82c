using System.Diagnostics;
using WorktreeTools.Core.Processes;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class ProcessIdentityTests : IDisposable
{
    private readonly ProcessSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [LinuxFact]
    public void A_live_process_is_alive_under_its_own_identity()
    {
        var self = ProcessIdentity.Of(Environment.ProcessId)!;
        Assert.True(self.IsAlive());
        Assert.NotNull(self.StartKey);
        // /proc's start (boot time + ticks) and .NET's agree: compared with each other, never with the clock.
        Assert.True((self.StartTime - Process.GetCurrentProcess().StartTime.ToUniversalTime()).Duration() < TimeSpan.FromSeconds(2));
    }

    [LinuxFact]
    public void A_pid_now_used_by_another_program_is_not_alive()
    {
        var sleeper = _box.Track(DetachedProcess.Start(Sleep()).Process);
        Assert.True(sleeper.IsAlive());

        // The record of an earlier process that had the same pid: same pid, other start.
        var earlierKey = sleeper with { StartKey = sleeper.StartKey!.Split(':')[0] + ":1", StartTime = sleeper.StartTime.AddHours(-1) };
        Assert.False(earlierKey.IsAlive());
        // Where no exact key exists (macOS, Windows), the start time decides.
        var earlierTime = sleeper with { StartKey = null, StartTime = sleeper.StartTime.AddMinutes(-5) };
        Assert.False(earlierTime.IsAlive());
        Assert.True((sleeper with { StartKey = null }).IsAlive());
    }

    [LinuxFact]
    public void A_finished_or_vanished_process_is_not_alive()
    {
        var request = Sleep() with { ShellCommand = "exit 0" };
        var started = DetachedProcess.Start(request);
        Assert.True(ProcessSandbox.Eventually(() => File.Exists(request.ExitFile)));
        Assert.True(ProcessSandbox.Eventually(() => !started.Process.IsAlive()));
        Assert.False(ProcessIdentity.Vanished(Environment.ProcessId).IsAlive());
        Assert.Null(ProcessIdentity.Of(0));
    }

    private LaunchRequest Sleep()
    {
        var name = Guid.NewGuid().ToString("N")[..6];
        return new LaunchRequest
        {
            ShellCommand = "sleep 30",
            WorkingDirectory = _box.Dir,
            LogPath = Path.Combine(_box.Dir, name + ".log"),
            ExitFile = Path.Combine(_box.Dir, name + ".exit"),
        };
    }
}
