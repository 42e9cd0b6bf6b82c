using WorktreeTools.Core.Processes;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class ProcessTreeTests : IDisposable
{
    private readonly ProcessSandbox _box = new();

    public ProcessTreeTests()
    {
        // shell → node → node child → node grandchild; the grandchild leaves the group (its own session),
        // so only the parent-pid walk finds it. Each writes its pid into pids/.
        _box.Write("tree.js", """
            const { spawn } = require('child_process');
            const fs = require('fs');
            const depth = +(process.argv[2] || 0);
            fs.writeFileSync('pids/' + process.pid, '');
            if (depth < 2) spawn(process.execPath, [__filename, depth + 1], { stdio: 'inherit', detached: depth === 1 });
            if (process.env.IGNORE_TERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
            setInterval(() => {}, 1000);
            """);
        _box.Folder("pids");
    }

    public void Dispose() => _box.Dispose();

    [LinuxFact]
    public void Stop_ends_every_process_of_the_tree_gracefully()
    {
        var (root, tree) = StartTree([]);
        var result = ProcessTree.Stop(root, TimeSpan.FromSeconds(10));
        Assert.False(result.Forced);
        Assert.Empty(result.Remaining);
        Assert.True(ProcessSandbox.AllGone(tree));
        Assert.Superset(tree.Select(t => t.Pid).ToHashSet(), result.Stopped.Select(s => s.Pid).ToHashSet());
    }

    [LinuxFact]
    public void Stop_kills_what_ignores_the_graceful_signal_after_the_grace_period()
    {
        var (root, tree) = StartTree(new() { ["IGNORE_TERM"] = "1" });
        var result = ProcessTree.Stop(root, TimeSpan.FromMilliseconds(300));
        Assert.True(result.Forced);
        Assert.Empty(result.Remaining);
        Assert.True(ProcessSandbox.AllGone(tree));
    }

    [LinuxFact]
    public void Stop_catches_children_forked_while_the_tree_was_being_stopped()
    {
        // On SIGTERM this server keeps starting children for a moment before it exits: those children were
        // not there when the tree was first listed.
        _box.Write("forker.js", """
            const { spawn } = require('child_process');
            setInterval(() => spawn('sleep', ['30'], { stdio: 'ignore' }), 10);
            process.on('SIGTERM', () => setTimeout(() => process.exit(0), 300));
            console.log('forking');
            """);
        var started = DetachedProcess.Start(new LaunchRequest
        {
            ShellCommand = "node forker.js",
            WorkingDirectory = _box.Dir,
            LogPath = Path.Combine(_box.Dir, "forker.log"),
            ExitFile = Path.Combine(_box.Dir, "forker.exit"),
        });
        var root = _box.Track(started.Process);
        Assert.True(ProcessSandbox.Eventually(() => ProcessTree.Members([root]).Count >= 4));

        ProcessTree.Stop(root, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(ProcessTable.Snapshot(), e => e.GroupId == root.Pid);
        Assert.Empty(FolderProcesses.Find(_box.Dir));
    }

    [LinuxFact]
    public void Stop_finds_the_children_of_a_wrapper_that_was_killed_alone()
    {
        var (root, tree) = StartTree([]);
        UnixSignals.Send(root.Pid, UnixSignals.Kill);
        Assert.True(ProcessSandbox.Eventually(() => !root.IsAlive()));
        Assert.Contains(tree, p => p.IsAlive());       // its node processes were left behind ...

        ProcessTree.Stop(root, TimeSpan.FromSeconds(10));
        Assert.True(ProcessSandbox.AllGone(tree));     // ... and are found through the group and stopped
    }

    [LinuxFact]
    public void Stop_never_touches_the_current_process_or_its_ancestors()
    {
        var table = ProcessTable.Snapshot();
        var self = ProcessTable.SelfAndAncestors(table);
        Assert.Contains(Environment.ProcessId, self);
        var mine = LinuxProc.ReadStat(Environment.ProcessId)!.Value;
        Assert.DoesNotContain(Environment.ProcessId, ProcessTable.Tree(table, [mine.ParentPid], [mine.GroupId]));
    }

    /// <summary>Starts the tree detached and waits until its three node processes are up.</summary>
    private (ProcessIdentity Root, List<ProcessIdentity> Tree) StartTree(Dictionary<string, string?> env)
    {
        var started = DetachedProcess.Start(new LaunchRequest
        {
            ShellCommand = "node tree.js; echo after",
            WorkingDirectory = _box.Dir,
            Environment = env,
            LogPath = Path.Combine(_box.Dir, "tree.log"),
            ExitFile = Path.Combine(_box.Dir, "tree.exit"),
        });
        var root = _box.Track(started.Process);
        var pidsDir = Path.Combine(_box.Dir, "pids");
        Assert.True(ProcessSandbox.Eventually(() => ProcessSandbox.PidsIn(pidsDir).Count == 3), File.ReadAllText(Path.Combine(_box.Dir, "tree.log")));
        var tree = ProcessTree.Members([root]);
        foreach (var pid in ProcessSandbox.PidsIn(pidsDir)) Assert.Contains(tree, t => t.Pid == pid);
        Assert.True(tree.Count >= 5, string.Join(", ", tree));    // wrapper, shell, three node processes
        return (root, tree);
    }
}
