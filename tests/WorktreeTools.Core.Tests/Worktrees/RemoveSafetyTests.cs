using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Tests.Processes;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>Removal never loses work: rebases in progress, ignored files, what a stopped process writes last, a user's shell.</summary>
public sealed class RemoveSafetyTests : IDisposable
{
    private readonly ProcessSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private static string CommitIn(IssueWorktree w, string file, string content)
    {
        File.WriteAllText(Path.Combine(w.Path, file), content);
        TestRepo.Run(w.Path, "add", "-A");
        TestRepo.Run(w.Path, "commit", "-q", "-m", $"issue {w.Issue}: {file}");
        return TestRepo.Run(w.Path, "rev-parse", "HEAD");
    }

    /// <summary>The parent of <paramref name="commit"/> whose subject starts with <paramref name="subject"/>.</summary>
    internal static string ParentNamed(TestRepo repo, string commit, string subject) =>
        repo.Git("rev-list", "--parents", "-n", "1", commit).Split(' ').Skip(1)
            .Single(p => repo.Git("log", "-1", "--format=%s", p).StartsWith(subject, StringComparison.Ordinal));

    /// <summary>The files of a commit's tree, as 'git archive | tar -x' would bring them back.</summary>
    internal static string[] Files(TestRepo repo, string commit) =>
        repo.Git("ls-tree", "-r", "--name-only", commit).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static bool Unreachable(TestRepo repo, string commit) =>
        repo.Git("fsck", "--unreachable", "--no-reflogs", "--no-progress").Contains(commit);

    [Fact]
    public void A_forced_removal_in_the_middle_of_a_conflicted_rebase_keeps_the_commits_and_the_rebase()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        var first = CommitIn(w, "README.md", "issue 1, first\n");
        var tip = CommitIn(w, "feature.txt", "issue 1, second\n");
        f.Repo.Write("README.md", "main moved\n");
        var onto = f.Repo.Commit("main moves");
        Assert.Throws<InvalidOperationException>(() => TestRepo.Run(w.Path, "rebase", "main"));
        Assert.Equal("Rebase", f.Service.Get("1").InProgress);

        var outcome = f.Service.Remove("1", force: true, deleteBranch: true)!;

        // Both commits of the issue are in the backup, none is left dangling, and the branch could go.
        var backup = f.Repo.Git("rev-parse", outcome.BackupRef!);
        TestRepo.Run(f.Repo.Root, "merge-base", "--is-ancestor", tip, backup);
        Assert.False(Unreachable(f.Repo, tip));
        Assert.False(Unreachable(f.Repo, first));
        Assert.True(outcome.BranchDeleted);
        // The rebase itself: onto, the original head, the branch, and the conflicted path's stages.
        var rebase = ParentNamed(f.Repo, backup, "Rebase of feature/issue-1");
        Assert.Equal(onto, f.Repo.Git("show", rebase + ":gitdir/rebase-merge/onto"));
        Assert.Equal(tip, f.Repo.Git("show", rebase + ":gitdir/rebase-merge/orig-head"));
        Assert.Equal("refs/heads/feature/issue-1", f.Repo.Git("show", rebase + ":gitdir/rebase-merge/head-name"));
        Assert.Equal("main moved", f.Repo.Git("show", rebase + ":stages/2/README.md"));
        Assert.Equal("issue 1, first", f.Repo.Git("show", rebase + ":stages/3/README.md"));
        Assert.Contains("<<<<<<<", f.Repo.Git("show", backup + ":README.md"));
        Assert.Contains(f.Host.Warnings, m => m.Contains("Rebase of feature/issue-1 onto " + onto[..7]) && m.Contains(outcome.BackupRef!));
    }

    [Fact]
    public void Ignored_files_git_lists_both_in_their_folder_and_alone_are_saved_once_and_counted_once()
    {
        // Found: with 'data/*.db' ignored and only databases in data/, git lists "data/" and each file, so each was saved,
        // named and counted twice: "saved ...: data/agent-issue-9.db, data/agent-issue-9.db", and 27 MiB of databases
        // passed the 50 MiB limit, so one was deleted without a copy.
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        Directory.CreateDirectory(Path.Combine(w.Path, "data"));
        foreach (var name in new[] { "a", "b", "c" })
            File.WriteAllBytes(Path.Combine(w.Path, "data", name + ".db"), new byte[9 << 20]);

        var outcome = f.Service.Remove("1", force: false, deleteBranch: false)!;

        var saved = ParentNamed(f.Repo, outcome.BackupRef!, "WorktreeTools backup of issue 1: ignored files");
        Assert.Equal(["data/a.db", "data/b.db", "data/c.db"], Files(f.Repo, saved));
        Assert.DoesNotContain(f.Host.Warnings, m => m.Contains("without a copy"));
        Assert.Contains(f.Host.Warnings, m => m.Contains("data/a.db, data/b.db, data/c.db."));
    }

    [Fact]
    public void Removing_a_clean_worktree_saves_the_ignored_files_nothing_makes_again_and_names_what_it_drops()
    {
        using var f = new WorktreeFixture("env: { set: { PORT: '{port.web}' } }\nports: { web: 28501-28999 }\nsetup: { copy: [.env, config.local.json] }\n");
        f.Repo.Write(".gitignore", ".env\ndata/*.db\nnode_modules/\n*.local.json\nscratch/\n*.bin\n");
        f.Repo.Write(".env", "PORT=3000\n");
        f.Repo.Write("config.local.json", "{ \"local\": true }\n");
        f.Repo.Commit("ignore local files");

        // An untouched worktree: its env file and copied files are what setup makes, nothing to save, nothing said.
        f.Service.Create("2", noInstall: true);
        var untouched = f.Service.Remove("2", force: false, deleteBranch: false)!;
        Assert.Null(untouched.BackupRef);
        Assert.Empty(f.Host.Warnings);

        var w = f.Service.Create("1", noInstall: true)!;
        CommitIn(w, "feature.txt", "done\n");
        f.Repo.Git("merge", "-q", "--no-ff", "-m", "Merge issue-1", "feature/issue-1");
        File.AppendAllText(Path.Combine(w.Path, ".env"), "API_KEY=mine\n");
        Directory.CreateDirectory(Path.Combine(w.Path, "scratch", "deep"));
        File.WriteAllText(Path.Combine(w.Path, "scratch", "deep", "notes.md"), "my notes\n");
        Directory.CreateDirectory(Path.Combine(w.Path, "scratch", "node_modules", "x"));
        File.WriteAllText(Path.Combine(w.Path, "scratch", "node_modules", "x", "index.js"), "module\n");
        Directory.CreateDirectory(Path.Combine(w.Path, "node_modules", "pkg"));
        File.WriteAllText(Path.Combine(w.Path, "node_modules", "pkg", "index.js"), "module\n");
        File.WriteAllBytes(Path.Combine(w.Path, "huge.bin"), new byte[11 << 20]);
        var before = f.Service.Get("1");
        Assert.True(before is { Dirty: false, Merged: true });

        var outcome = f.Service.Remove("1", force: false, deleteBranch: false)!;

        Assert.False(Directory.Exists(w.Path));
        Assert.True(outcome.BranchDeleted);
        var saved = ParentNamed(f.Repo, outcome.BackupRef!, "WorktreeTools backup of issue 1: ignored files");
        Assert.Equal([".env", "scratch/deep/notes.md"], Files(f.Repo, saved));
        Assert.Equal($"PORT={w.Ports["web"]}\nAPI_KEY=mine", f.Repo.Git("show", saved + ":.env"));
        Assert.Contains(f.Host.Warnings, m => m.Contains(".env, scratch/deep/notes.md") && m.Contains("git archive"));
        Assert.Contains(f.Host.Warnings, m => m.Contains("deleted without a copy: huge.bin (11.0 MiB, over 10 MiB)"));
    }

    [LinuxFact]
    public void A_forced_removal_stops_the_agent_first_and_saves_what_it_commits_and_writes_on_SIGTERM()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("3", noInstall: true)!;
        var agent = _box.Write("agent.sh", """
            #!/bin/sh
            on_term() {
              echo "finished on SIGTERM" > result.txt
              git add result.txt && git commit -q -m "agent: work committed on SIGTERM"
              echo "written after the commit" > late.txt
              exit 0
            }
            trap on_term TERM
            echo started > started.txt
            while true; do sleep 0.1; done
            """, executable: true);
        var run = AgentRuns.Start(f.Repo.Root, "3", w.Path, w.Branch, $"'{agent}' {{prompt}}", "work", null, SilentHost.Instance)!;
        Assert.True(ProcessSandbox.Eventually(() => File.Exists(Path.Combine(w.Path, "started.txt"))));

        var outcome = f.Service.Remove("3", force: true, deleteBranch: true)!;

        Assert.Equal(ProcessState.Stopped, AgentRuns.Get(f.Repo.Root, id: run.Id).SingleOrDefault()?.ProcessState ?? ProcessState.Stopped);
        var backup = outcome.BackupRef!;
        Assert.Contains("agent: work committed on SIGTERM", f.Repo.Git("log", "--format=%s", backup));
        Assert.Equal("finished on SIGTERM", f.Repo.Git("show", backup + ":result.txt"));
        Assert.Equal("written after the commit", f.Repo.Git("show", backup + ":late.txt"));
        Assert.Equal("started", f.Repo.Git("show", backup + ":started.txt"));
    }

    [LinuxFact]
    public void An_interactive_process_in_the_folder_refuses_the_removal_unless_forced()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("4", noInstall: true)!;
        // script(1) gives its command a terminal, as a user's shell or editor has.
        var shell = DetachedProcess.Start(new LaunchRequest
        {
            Arguments = ["script", "-qfc", "sleep 60", "/dev/null"],
            WorkingDirectory = w.Path,
            LogPath = Path.Combine(_box.Dir, "tty.log"),
            ExitFile = Path.Combine(_box.Dir, "tty.exit"),
        });
        _box.Track(shell.Process);
        Assert.True(ProcessSandbox.Eventually(() => FolderProcesses.Find(w.Path).Any(p => p.Name == "sleep" && p.Interactive)));

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Remove("4", force: false, deleteBranch: false));
        Assert.Equal("IssueWorktreeInUse", ex.ErrorId);
        Assert.Contains("sleep", ex.Message);
        Assert.True(Directory.Exists(w.Path));
        Assert.Equal(WorktreeState.Ready, f.Service.Get("4").State);
        Assert.True(shell.Process.IsAlive());

        f.Service.Remove("4", force: true, deleteBranch: false);
        Assert.False(Directory.Exists(w.Path));
        Assert.True(ProcessSandbox.Eventually(() => !shell.Process.IsAlive()));
    }
}
