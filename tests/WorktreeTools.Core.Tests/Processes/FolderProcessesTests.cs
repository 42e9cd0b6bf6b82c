using WorktreeTools.Core.Processes;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class FolderProcessesTests : IDisposable
{
    private readonly ProcessSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [LinuxFact]
    public void Finds_processes_working_inside_the_folder_and_only_those()
    {
        var worktree = _box.Folder("worktree");
        var inside = Start(_box.Folder("worktree/src/deep"));
        var outside = Start(_box.Folder("worktree-other"));   // a sibling whose name starts the same

        var found = FolderProcesses.Find(worktree);
        Assert.Contains(found, p => p.Identity.Pid == inside.Pid);
        Assert.DoesNotContain(found, p => p.Identity.Pid == outside.Pid);
        Assert.All(found, p => Assert.StartsWith(worktree, p.WorkingDirectory));
    }

    [LinuxFact]
    public void Finds_them_through_a_symbolic_link_and_after_their_folder_was_deleted()
    {
        var real = _box.Folder("real");
        var link = Path.Combine(_box.Dir, "link");
        Directory.CreateSymbolicLink(link, real);
        var sub = _box.Folder("real/gone");
        var process = Start(sub);
        Directory.Delete(sub);

        Assert.Contains(FolderProcesses.Find(link), p => p.Identity.Pid == process.Pid);
    }

    [LinuxFact]
    public void Never_lists_the_current_process_or_its_ancestors()
    {
        var found = FolderProcesses.Find("/");
        Assert.NotEmpty(found);
        Assert.DoesNotContain(found, p => p.Identity.Pid == Environment.ProcessId);
        Assert.DoesNotContain(found, p => p.Identity.Pid == LinuxProc.ReadStat(Environment.ProcessId)!.Value.ParentPid);
    }

    private ProcessIdentity Start(string dir)
    {
        var name = Guid.NewGuid().ToString("N")[..6];
        var started = DetachedProcess.Start(new LaunchRequest
        {
            Arguments = ["sleep", "30"],
            WorkingDirectory = dir,
            LogPath = Path.Combine(_box.Dir, "logs", name + ".log"),
            ExitFile = Path.Combine(_box.Dir, "logs", name + ".exit"),
        });
        _box.Track(started.Process);
        // The wrapper runs sleep as its child, in the same folder; wait until that child exists.
        Assert.True(ProcessSandbox.Eventually(() => ProcessTree.Members([started.Process]).Count >= 2));
        return started.Process;
    }
}
