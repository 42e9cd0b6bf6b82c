using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Resources;
using WorktreeTools.Core.Worktrees;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

public sealed class StatusAndRemoveTests
{
    private static string CommitIn(IssueWorktree w, string file, string content)
    {
        File.WriteAllText(Path.Combine(w.Path, file), content);
        TestRepo.Run(w.Path, "add", "-A");
        TestRepo.Run(w.Path, "commit", "-q", "-m", $"issue {w.Issue}: {file}");
        return TestRepo.Run(w.Path, "rev-parse", "HEAD");
    }

    [Fact]
    public void Status_shows_ahead_behind_dirty_and_merged_by_ancestry_squash_or_rebase()
    {
        using var f = new WorktreeFixture();
        var s = f.Service;
        var fresh = s.Create("1", noInstall: true)!;
        var merged = s.Create("2", noInstall: true)!;
        var squashed = s.Create("3", noInstall: true)!;
        var rebased = s.Create("4", noInstall: true)!;
        var open = s.Create("5", noInstall: true)!;
        var dirty = s.Create("6", noInstall: true)!;

        CommitIn(merged, "two.txt", "2\n");
        f.Repo.Git("merge", "-q", "--no-ff", "-m", "Merge issue-2", "feature/issue-2");
        CommitIn(squashed, "three.txt", "3\n");
        CommitIn(squashed, "three-b.txt", "3b\n");
        f.Repo.Git("merge", "-q", "--squash", "feature/issue-3");
        f.Repo.Git("commit", "-q", "-m", "feat(issue-3): squashed");
        CommitIn(rebased, "four.txt", "4\n");
        f.Repo.Git("cherry-pick", "feature/issue-4");
        CommitIn(open, "five.txt", "5\n");
        File.WriteAllText(Path.Combine(dirty.Path, "README.md"), "changed\n");
        File.WriteAllText(Path.Combine(dirty.Path, "new.txt"), "new\n");
        TestRepo.Run(dirty.Path, "add", "new.txt");
        File.WriteAllText(Path.Combine(dirty.Path, "untracked.txt"), "u\n");

        var list = s.List().ToDictionary(w => w.Issue);
        Assert.Equal((Integration.Empty, false), (list["1"].Integration, list["1"].Merged)); // nothing to merge yet
        Assert.Equal((Integration.Ancestor, 0), (list["2"].Integration, list["2"].Ahead));
        Assert.Equal((Integration.Content, 2), (list["3"].Integration, list["3"].Ahead));
        Assert.Equal(Integration.Content, list["4"].Integration);
        Assert.False(list["5"].Merged);
        Assert.Equal((1, 4), (list["5"].Ahead, list["5"].Behind));
        Assert.Equal((1, 1, 1, true), (list["6"].Staged, list["6"].Unstaged, list["6"].Untracked, list["6"].Dirty));
        Assert.All(list.Values, w => Assert.False(w.Locked || w.Missing));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_change_of_content_that_keeps_size_time_and_folders_is_never_missed(bool untrackedCache)
    {
        using var f = new WorktreeFixture();
        if (untrackedCache) f.Repo.Git("config", "core.untrackedCache", "true");
        var w = f.Service.Create("1", noInstall: true)!;
        var file = Path.Combine(w.Path, "README.md");
        // An older file (not "racily clean": git trusts its stat data), and the user's own git writes the index
        // (with its untracked cache when configured): the stat data is fresh.
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-1));
        TestRepo.Run(w.Path, "status", "--porcelain");
        Assert.False(f.Service.Get("1").Dirty);
        // git compares the change time (ctime) at whole seconds unless built with USE_NSEC (Debian's is not): a write in
        // the same second as the index is invisible to git itself. A user's edit comes later than that; wait as they do.
        Thread.Sleep(1100);

        // Same size, same modification time, same folders: only the bytes differ. Then again with the index file's
        // own time (git's racy case).
        var before = File.ReadAllText(file);
        var original = File.GetLastWriteTimeUtc(file);
        var index = File.GetLastWriteTimeUtc(Path.Combine(WorktreeTools.Core.Git.WorktreeStatus.GitDirOf(w.Path)!, "index"));
        foreach (var stamp in new[] { original, index })
        {
            File.WriteAllText(file, new string(stamp == original ? 'x' : 'y', before.Length));
            File.SetLastWriteTimeUtc(file, stamp);
            Assert.Equal(before.Length, new FileInfo(file).Length);
            for (var i = 0; i < 2; i++)   // and again: nothing is cached between calls
            {
                var x = f.Service.Get("1");
                Assert.Equal((1, 0, 0, true), (x.Unstaged, x.Staged, x.Untracked, x.Dirty));
            }
        }
        File.WriteAllText(file, before);
        File.SetLastWriteTimeUtc(file, original);
        Assert.False(f.Service.Get("1").Dirty);
    }

    [Fact]
    public void With_the_users_untracked_cache_new_removed_and_unignored_files_are_seen_at_once()
    {
        // The speed advice of the help (core.untrackedCache): the user's own git status keeps git's cache of untracked
        // folders in the worktree's index; the listing reads it and never writes it, and must still see every change.
        using var f = new WorktreeFixture();
        f.Repo.Git("config", "core.untrackedCache", "true");
        var w = f.Service.Create("1", noInstall: true)!;
        TestRepo.Run(w.Path, "status", "--porcelain");
        var index = Path.Combine(WorktreeTools.Core.Git.WorktreeStatus.GitDirOf(w.Path)!, "index");
        Assert.Contains("UNTR", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(index))); // the cache is there
        int Untracked() => f.Service.Get("1").Untracked;
        Assert.Equal(0, Untracked());

        File.WriteAllText(Path.Combine(w.Path, "notes.txt"), "n\n");             // a new file in the top folder
        Assert.Equal(1, Untracked());
        Directory.CreateDirectory(Path.Combine(w.Path, "drafts"));
        File.WriteAllText(Path.Combine(w.Path, "drafts", "a.txt"), "a\n");       // a new folder (counts once)
        Assert.Equal(2, Untracked());
        File.WriteAllText(Path.Combine(w.Path, ".env.local"), "X=1\n");
        File.WriteAllText(Path.Combine(w.Path, ".gitignore"), File.ReadAllText(Path.Combine(w.Path, ".gitignore")) + ".env.local\n");
        Assert.Equal(2, Untracked());                                            // ignored now (and .gitignore is changed, not untracked)
        File.Delete(Path.Combine(w.Path, "notes.txt"));
        Assert.Equal(1, Untracked());
        TestRepo.Run(w.Path, "checkout", "--", ".gitignore");                     // the rule goes: .env.local shows
        Assert.Equal(2, Untracked());
    }

    [Fact]
    public void Listing_never_takes_the_index_lock_and_accepts_wildcards()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("PROJ-42", noInstall: true)!;
        f.Service.Create("PROJ-43", noInstall: true);
        f.Service.Create("99", noInstall: true);
        File.WriteAllText(Path.Combine(w.Path, "README.md"), "touched\n"); // stale stat info would make a locking status refresh the index
        var index = Path.Combine(f.Repo.Root, ".git", "worktrees", "issue-PROJ-42", "index");
        var before = File.GetLastWriteTimeUtc(index);
        Assert.Equal(["PROJ-42", "PROJ-43"], f.Service.List(["proj-*"]).Select(x => x.Issue).Order());
        Assert.Equal(before, File.GetLastWriteTimeUtc(index));
    }

    [Fact]
    public void All_also_lists_worktrees_made_by_hand()
    {
        using var f = new WorktreeFixture();
        f.Service.Create("1", noInstall: true);
        f.Repo.Git("worktree", "add", "-q", "-b", "spike", Path.Combine(f.Repo.Parent, "spike"));
        Assert.Single(f.Service.List());
        var all = f.Service.List(all: true);
        Assert.Equal(2, all.Count);
        Assert.Equal(WorktreeState.Unmanaged, all.Single(w => w.Branch == "spike").State);
    }

    [Fact]
    public void Removing_a_merged_worktree_removes_everything_and_releases_its_ports()
    {
        using var f = new WorktreeFixture("database: { path: 'data/issue-{issue}.db' }\nports: { web: 28001-28999 }\n");
        var w = f.Service.Create("1", noInstall: true)!;
        CommitIn(w, "feature.txt", "done\n");
        f.Repo.Git("merge", "-q", "--no-ff", "-m", "Merge issue-1", "feature/issue-1");
        Directory.CreateDirectory(Path.GetDirectoryName(w.Database!)!);
        File.WriteAllText(w.Database!, "db");

        var outcome = f.Service.Remove("1", force: false, deleteBranch: false)!;
        Assert.True(outcome.BranchDeleted);
        // The database held rows nothing makes again (no seed): it is saved before it goes.
        var saved = RemoveSafetyTests.ParentNamed(f.Repo, outcome.BackupRef!, "WorktreeTools backup of issue 1: ignored files");
        Assert.Equal("db", f.Repo.Git("show", saved + ":data/issue-1.db"));
        Assert.False(File.Exists(w.Database));
        Assert.False(Directory.Exists(w.Path));
        Assert.DoesNotContain("feature/issue-1", f.Branches());
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
        Assert.DoesNotContain(w.Path, f.Repo.Git("worktree", "list"));
        // The port is free to lease again.
        Assert.Equal(w.Ports["web"], f.Service.Create("2", noInstall: true)!.Ports["web"]);
    }

    [Fact]
    public void DeleteBranch_deletes_a_branch_with_no_commits_of_its_own_and_says_nothing_untrue()
    {
        // Found: Remove -DeleteBranch of an issue never worked on kept its branch with "its tip ... is neither merged into
        // main nor saved in a backup", although that tip is main's own commit: deleting it loses nothing.
        using var f = new WorktreeFixture();
        f.Service.Create("1", noInstall: true);

        var outcome = f.Service.Remove("1", force: false, deleteBranch: true)!;

        Assert.True(outcome.BranchDeleted);
        Assert.DoesNotContain("feature/issue-1", f.Branches());
        Assert.Empty(f.Host.Warnings);
    }

    [Fact]
    public void Unmerged_work_is_refused_then_kept_under_a_backup_ref_when_forced()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        var tip = CommitIn(w, "feature.txt", "unmerged\n");

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Remove("1", force: false, deleteBranch: false));
        Assert.Equal("IssueWorktreeUnmerged", ex.ErrorId);
        Assert.True(Directory.Exists(w.Path));
        Assert.Single(f.Registry.ForRepository(f.Repo.Root));

        var outcome = f.Service.Remove("1", force: true, deleteBranch: true)!;
        Assert.True(outcome.BranchDeleted);
        Assert.Equal(tip, f.Repo.Git("rev-parse", outcome.BackupRef!));
    }

    [Fact]
    public void Forced_removal_of_dirty_work_can_be_recovered_from_the_backup_ref()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        var tip = CommitIn(w, "committed.txt", "committed\n");
        File.WriteAllText(Path.Combine(w.Path, "README.md"), "modified, not staged\n");
        File.WriteAllText(Path.Combine(w.Path, "staged.txt"), "staged\n");
        TestRepo.Run(w.Path, "add", "staged.txt");
        Directory.CreateDirectory(Path.Combine(w.Path, "notes"));
        File.WriteAllText(Path.Combine(w.Path, "notes", "untracked.md"), "untracked\n");
        File.WriteAllText(Path.Combine(w.Path, ".env"), "SECRET=ignored files are not saved\n");

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Remove("1", force: false, deleteBranch: false));
        Assert.Equal("IssueWorktreeDirty", ex.ErrorId);
        Assert.Equal("modified, not staged\n", File.ReadAllText(Path.Combine(w.Path, "README.md")));

        var outcome = f.Service.Remove("1", force: true, deleteBranch: false)!;
        Assert.False(Directory.Exists(w.Path));
        Assert.Contains(f.Host.Warnings, m => m.Contains(outcome.BackupRef!));

        // Restore it the way the warning says.
        var restored = Path.Combine(f.Repo.Parent, "restored");
        f.Repo.Git("worktree", "add", "-q", "-b", "restored", restored, outcome.BackupRef!);
        Assert.Equal("modified, not staged\n", File.ReadAllText(Path.Combine(restored, "README.md")));
        Assert.Equal("staged\n", File.ReadAllText(Path.Combine(restored, "staged.txt")));
        Assert.Equal("untracked\n", File.ReadAllText(Path.Combine(restored, "notes", "untracked.md")));
        Assert.Equal("committed\n", File.ReadAllText(Path.Combine(restored, "committed.txt")));
        Assert.False(File.Exists(Path.Combine(restored, ".env")));
        Assert.Equal(tip, f.Repo.Git("rev-parse", outcome.BackupRef! + "^"));
        Assert.Contains("feature/issue-1", f.Branches()); // unmerged branch kept without -DeleteBranch
    }

    [Fact]
    public void A_forced_removal_keeps_both_the_staged_and_the_working_version_of_a_file()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        File.WriteAllText(Path.Combine(w.Path, "README.md"), "staged version\n");
        TestRepo.Run(w.Path, "add", "README.md");
        File.WriteAllText(Path.Combine(w.Path, "README.md"), "working version\n");

        var backup = f.Service.Remove("1", force: true, deleteBranch: false)!.BackupRef!;
        Assert.Equal("working version", f.Repo.Git("show", backup + ":README.md"));
        Assert.Equal("staged version", f.Repo.Git("show", backup + "^2:README.md"));
    }

    [Fact]
    public void A_locked_worktree_needs_force()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        f.Repo.Git("worktree", "lock", "--reason", "on a USB stick", w.Path);
        Assert.True(f.Service.Get("1").Locked);
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Remove("1", force: false, deleteBranch: false));
        Assert.Equal("IssueWorktreeLocked", ex.ErrorId);
        Assert.Contains("on a USB stick", ex.Message);
        f.Service.Remove("1", force: true, deleteBranch: false);
        Assert.False(Directory.Exists(w.Path));
    }

    [Fact]
    public void Declining_changes_nothing()
    {
        using var f = new WorktreeFixture();
        var no = new DecliningHost();
        Assert.Null(new WorktreeService(f.Repo.Root, no, f.Registry).Create("1", noInstall: true));
        Assert.False(Directory.Exists(f.WorktreesRoot));
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));

        var w = f.Service.Create("1", noInstall: true)!;
        Assert.Null(new WorktreeService(f.Repo.Root, no, f.Registry).Remove("1", force: true, deleteBranch: true));
        Assert.True(Directory.Exists(w.Path));
        Assert.Contains("feature/issue-1", f.Branches());
    }

    [Fact]
    public void Repair_prunes_missing_folders_and_releases_their_leases()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("1", noInstall: true)!;
        TestRepo.ForceDelete(w.Path);
        Assert.True(f.Service.Get("1").Missing);

        var actions = f.Service.Repair();
        Assert.Contains(actions, a => a.Action == "PrunedGitEntry");
        Assert.Contains(actions, a => a.Action == "ReleasedLeases" && a.Issue == "1");
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
        Assert.Contains("feature/issue-1", f.Branches()); // the branch (work) is never deleted by repair
    }

    [Fact]
    public void Repair_finishes_an_interrupted_creation_or_rolls_it_back()
    {
        using var f = new WorktreeFixture("env: { set: { PORT: '{port.web}' } }\nports: { web: 29001-29999 }\n");
        // Crashed after 'git worktree add', before setup: the record says Creating, the env file is missing.
        var layout = f.Service.Layout("1");
        f.Registry.Reserve(new LeaseRegistry.WorktreeRecord
        {
            Repository = f.Repo.Root, Issue = "1", Name = layout.Name, Path = layout.Path, Branch = layout.Branch,
            Base = "main", State = WorktreeState.Creating, Owner = ProcessIdentity.Vanished(999_999_999), EnvFile = Path.Combine(layout.Path, ".env"),
        }, f.Service.Config.Ports);
        f.Repo.Git("worktree", "add", "-q", "-b", layout.Branch, layout.Path);
        // Crashed before 'git worktree add': only the record exists.
        var other = f.Service.Layout("2");
        f.Registry.Reserve(new LeaseRegistry.WorktreeRecord
        {
            Repository = f.Repo.Root, Issue = "2", Name = other.Name, Path = other.Path, Branch = other.Branch,
            Base = "main", State = WorktreeState.Creating, Owner = ProcessIdentity.Vanished(999_999_999),
        }, f.Service.Config.Ports);

        var actions = f.Service.Repair();
        Assert.Contains(actions, a => a.Issue == "1" && a.Action == "FinishedCreation");
        Assert.Contains(actions, a => a.Issue == "2" && a.Action == "RolledBackCreation");
        var w = f.Service.Get("1");
        Assert.Equal(WorktreeState.Ready, w.State);
        Assert.Equal($"PORT={w.Ports["web"]}\n", File.ReadAllText(Path.Combine(w.Path, ".env")));
        Assert.Null(f.Registry.Find(f.Repo.Root, "2"));
    }

    private sealed class DecliningHost : IOperationHost
    {
        public void Progress(int id, string activity, string status, int percent = -1, bool completed = false) { }
        public void Verbose(string message) { }
        public void Warning(string message) { }
        public bool ShouldProcess(string target, string action) => false;
        public CancellationToken Cancellation => CancellationToken.None;
    }
}
