using WorktreeTools.Merging;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Issue 5 through the cmdlets: the workflow document's three issues merged back by every strategy.</summary>
public sealed class MergeCmdletTests
{
    /// <summary>A repository with three issue worktrees, each with one commit touching its own file.</summary>
    private static (TestRepo Repo, PowerShellSession Ps) ThreeIssues(string ports, string config = "")
    {
        var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", $"ports: {{ web: {ports} }}\n{config}");
        repo.Commit("config");
        var ps = new PowerShellSession(repo.Root);
        foreach (var w in ps.Run("101, 102, 103 | New-IssueWorktree -NoInstall").Objects<IssueWorktree>())
        {
            File.WriteAllText(Path.Combine(w.Path, $"issue-{w.Issue}.txt"), $"work for {w.Issue}\n");
            TestRepo.Run(w.Path, "add", "-A");
            TestRepo.Run(w.Path, "commit", "-q", "-m", $"feat(issue-{w.Issue}): work");
        }
        return (repo, ps);
    }

    [Fact]
    public void The_pipeline_merges_all_three_with_merge_commits_and_a_table()
    {
        var (repo, ps) = ThreeIssues("46001-46999");
        using var _ = repo;
        using var __ = ps;
        var before = repo.Git("rev-parse", "main");
        var r = ps.Run("Get-IssueWorktree | Merge-IssueWorktree -NoTest");
        Assert.Empty(r.Errors);
        var results = r.Objects<MergeResult>().ToList();
        Assert.Equal(["101", "102", "103"], results.Select(x => x.Issue));
        Assert.All(results, x => Assert.Equal(MergeStatus.Merged, x.Status));
        Assert.Equal(before, results[0].BaseBefore);
        Assert.Equal(results[0].BaseAfter, results[1].BaseBefore); // each onto the result of the previous one
        Assert.Equal(repo.Git("rev-parse", "main"), results[2].BaseAfter);
        Assert.Equal(["Merge issue-103", "Merge issue-102", "Merge issue-101"],
            repo.Git("log", "--merges", "--format=%s", "main").Split('\n'));
        Assert.All(results, x => Assert.NotNull(x.BackupRef));

        // The main checkout followed, and every issue now shows as merged.
        Assert.True(File.Exists(Path.Combine(repo.Root, "issue-102.txt")));
        Assert.All(ps.Run("Get-IssueWorktree").Objects<IssueWorktree>(), w => Assert.True(w.Merged));
        var table = ps.Render("Get-IssueWorktree | Merge-IssueWorktree -NoTest");
        Assert.Matches(@"Issue\s+Status\s+Strategy\s+Into", table);
        Assert.Matches(@"101\s+UpToDate\s+Merge\s+main", table);
    }

    [Fact]
    public void Squash_and_rebase_give_their_history_shapes_and_Remove_cleans_up()
    {
        var (repo, ps) = ThreeIssues("47001-47999");
        using var _ = repo;
        using var __ = ps;
        var squash = ps.Run("Merge-IssueWorktree 101 -Strategy Squash -NoTest -Remove");
        Assert.Empty(squash.Errors);
        Assert.Equal("feat(issue-101): work", repo.Git("log", "-1", "--format=%s", "main"));
        Assert.Equal("0", repo.Git("rev-list", "--count", "--merges", "main"));
        Assert.Equal("3", repo.Git("rev-list", "--count", "main")); // initial, config, one squashed commit
        Assert.DoesNotContain(ps.Run("Get-IssueWorktree").Objects<IssueWorktree>(), w => w.Issue == "101");

        var rebase = ps.Run("102, 103 | Merge-IssueWorktree -Strategy Rebase -NoTest");
        Assert.Empty(rebase.Errors);
        Assert.Equal("", repo.Git("log", "--merges", "--format=%s", "main"));
        Assert.Equal(["feat(issue-103): work", "feat(issue-102): work", "feat(issue-101): work", "config", "initial"],
            repo.Git("log", "--format=%s", "main").Split('\n'));
    }

    [Fact]
    public void WhatIf_forecasts_and_changes_nothing()
    {
        var (repo, ps) = ThreeIssues("48001-48999");
        using var _ = repo;
        using var __ = ps;
        var w = ps.Run("Get-IssueWorktree 102").Objects<IssueWorktree>().Single();
        File.WriteAllText(Path.Combine(w.Path, "issue-101.txt"), "102 writes 101's file too\n");
        TestRepo.Run(w.Path, "add", "-A");
        TestRepo.Run(w.Path, "commit", "-q", "-m", "collide");
        ps.Run("Merge-IssueWorktree 101 -NoTest");
        var main = repo.Git("rev-parse", "main");

        // A dry run forecasts every issue, past a forecast conflict, and says where the real run would stop without -ContinueOnError.
        var dry = ps.Run("102, 103 | Merge-IssueWorktree -NoTest -WhatIf").Objects<MergeResult>().ToList();
        Assert.Equal([MergeStatus.WouldConflict, MergeStatus.WouldMerge], dry.Select(x => x.Status));
        Assert.Contains("stops at issue 102's conflict", dry[1].Message);
        var r = ps.Run("102, 103 | Merge-IssueWorktree -NoTest -WhatIf -ContinueOnError");
        Assert.Empty(r.Errors);
        var results = r.Objects<MergeResult>().ToList();
        Assert.Equal([MergeStatus.WouldConflict, MergeStatus.WouldMerge], results.Select(x => x.Status));
        Assert.Equal(["issue-101.txt"], results[0].ConflictFiles);
        Assert.Contains("What if:", r.Text);
        Assert.Equal(main, repo.Git("rev-parse", "main"));
        Assert.Equal("", repo.Git("status", "--porcelain"));
    }

    [Fact]
    public void A_failing_test_gate_leaves_main_unchanged_and_ContinueOnError_merges_the_rest()
    {
        var (repo, ps) = ThreeIssues("49001-49999");
        using var _ = repo;
        using var __ = ps;
        var main = repo.Git("rev-parse", "main");
        // The gate fails only where issue 102's file is present.
        var gate = "test ! -f issue-102.txt";

        var stop = ps.Run($"101, 102, 103 | Merge-IssueWorktree -Test '{gate}'");
        var first = stop.Objects<MergeResult>().ToList();
        Assert.Equal([MergeStatus.Merged, MergeStatus.TestFailed, MergeStatus.Skipped], first.Select(x => x.Status));
        Assert.NotEqual(0, first[1].TestExitCode);
        Assert.True(File.Exists(first[1].LogPath!));
        Assert.Equal(first[0].BaseAfter, repo.Git("rev-parse", "main")); // 102 did not move main

        var go = ps.Run($"102, 103 | Merge-IssueWorktree -Test '{gate}' -ContinueOnError");
        Assert.Equal([MergeStatus.TestFailed, MergeStatus.Merged], go.Objects<MergeResult>().Select(x => x.Status));
        Assert.False(File.Exists(Path.Combine(repo.Root, "issue-102.txt")));
        Assert.True(File.Exists(Path.Combine(repo.Root, "issue-103.txt")));
        Assert.NotEqual(main, repo.Git("rev-parse", "main"));
    }

    [Fact]
    public void A_dirty_issue_is_refused_with_a_clear_error()
    {
        var (repo, ps) = ThreeIssues("50001-50999");
        using var _ = repo;
        using var __ = ps;
        var w = ps.Run("Get-IssueWorktree 101").Objects<IssueWorktree>().Single();
        File.WriteAllText(Path.Combine(w.Path, "uncommitted.txt"), "x\n");
        var main = repo.Git("rev-parse", "main");
        var r = ps.Run("Merge-IssueWorktree 101 -NoTest");
        Assert.Equal(["IssueWorktreeDirty"], r.ErrorIds);
        Assert.Equal(main, repo.Git("rev-parse", "main"));
        Assert.Equal(["InvalidIssueId"], ps.Run("Merge-IssueWorktree '../x' -NoTest").ErrorIds);
        Assert.Equal(["IssueWorktreeNotFound"], ps.Run("Merge-IssueWorktree 404 -NoTest").ErrorIds);
    }

    [Fact]
    public void Colliding_migrations_are_renumbered_on_the_way_in()
    {
        var repo = new TestRepo();
        using var _ = repo;
        repo.Write(".worktree-tools.yml", "ports: { web: 51001-51999 }\nmerge: { migrations: { directory: migrations } }\n");
        repo.Write("migrations/0001_initial.sql", "create table a(x);\n");
        repo.Commit("config");
        using var ps = new PowerShellSession(repo.Root);
        foreach (var w in ps.Run("101, 102 | New-IssueWorktree -NoInstall").Objects<IssueWorktree>())
        {
            File.WriteAllText(Path.Combine(w.Path, "migrations", $"0002_issue-{w.Issue}-changes.sql"), $"-- {w.Issue}\n");
            TestRepo.Run(w.Path, "add", "-A");
            TestRepo.Run(w.Path, "commit", "-q", "-m", $"feat(issue-{w.Issue}): migration");
        }
        var r = ps.Run("Get-IssueWorktree | Merge-IssueWorktree -NoTest");
        Assert.Empty(r.Errors);
        var renamed = r.Objects<MergeResult>().Last().Policies.SelectMany(p => p.Renames).Single();
        Assert.Equal(("migrations/0002_issue-102-changes.sql", "migrations/0003_issue-102-changes.sql"), (renamed.Old, renamed.New));
        Assert.Equal(["0001_initial.sql", "0002_issue-101-changes.sql", "0003_issue-102-changes.sql"],
            Directory.GetFiles(Path.Combine(repo.Root, "migrations")).Select(f => Path.GetFileName(f)!).Order());
    }

    [Fact]
    public void An_issue_made_from_another_base_merges_back_into_it()
    {
        var repo = new TestRepo();
        using var _ = repo;
        repo.Write(".worktree-tools.yml", "ports: { web: 53001-53999 }\n");
        repo.Commit("config");
        repo.Git("branch", "release/2");
        using var ps = new PowerShellSession(repo.Root);
        var w = ps.Run("New-IssueWorktree 7 -Base release/2 -NoInstall").Objects<IssueWorktree>().Single();
        File.WriteAllText(Path.Combine(w.Path, "fix.txt"), "hotfix\n");
        TestRepo.Run(w.Path, "add", "-A");
        TestRepo.Run(w.Path, "commit", "-q", "-m", "fix(issue-7): hotfix");
        var main = repo.Git("rev-parse", "main");

        var result = ps.Run("Get-IssueWorktree 7 | Merge-IssueWorktree -NoTest").Objects<MergeResult>().Single();
        Assert.Equal((MergeStatus.Merged, "release/2"), (result.Status, result.Into));
        Assert.Equal(main, repo.Git("rev-parse", "main"));
        Assert.Equal("Merge issue-7", repo.Git("log", "-1", "--format=%s", "release/2"));
    }

    [Fact]
    public void Sync_rebases_an_issue_onto_the_moved_base()
    {
        var (repo, ps) = ThreeIssues("52001-52999");
        using var _ = repo;
        using var __ = ps;
        ps.Run("Merge-IssueWorktree 101 -NoTest");
        var behind = ps.Run("Get-IssueWorktree 102").Objects<IssueWorktree>().Single();
        Assert.Equal(2, behind.Behind); // 101's commit and its merge commit

        var r = ps.Run("Get-IssueWorktree | Where-Object Behind -gt 0 | Sync-IssueWorktree");
        Assert.Empty(r.Errors);
        Assert.All(r.Objects<SyncResult>(), s => Assert.Equal(SyncStatus.Synced, s.Status));
        var synced = ps.Run("Get-IssueWorktree 102").Objects<IssueWorktree>().Single();
        Assert.Equal((1, 0), (synced.Ahead, synced.Behind));
        Assert.True(File.Exists(Path.Combine(synced.Path, "issue-101.txt")));
    }
    [Fact]
    public void Sync_WhatIf_writes_nothing_a_user_can_see()
    {
        var (repo, ps) = ThreeIssues("53001-53999");
        using var _ = repo;
        using var __ = ps;
        repo.Write("main-only.txt", "moved on\n");
        repo.Commit("main moves on"); // plain git: no merge or sync of ours ran in this repository yet
        // The repository's state folder (ToolPaths.RepositoryStateDirectory): logs, locks, the staging worktree.
        var full = Path.GetFullPath(repo.Root).TrimEnd('/');
        var state = Path.Combine(Environment.GetEnvironmentVariable("WORKTREE_TOOLS_HOME")!, "repos",
            "app-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(full)))[..12].ToLowerInvariant());
        Assert.True(Directory.Exists(state));
        string Listing() => string.Join("\n", new DirectoryInfo(state).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(state, f.FullName)} {(f as FileInfo)?.Length} {f.LastWriteTimeUtc:O}").Order(StringComparer.Ordinal));
        var before = (Listing(), repo.Git("for-each-ref"), repo.Git("worktree", "list", "--porcelain"));

        var r = ps.Run("Get-IssueWorktree | Sync-IssueWorktree -WhatIf");

        Assert.Empty(r.Errors);
        Assert.All(r.Objects<SyncResult>(), s => Assert.Equal(SyncStatus.WouldSync, s.Status));
        Assert.Equal(3, r.Objects<SyncResult>().Count());
        Assert.Equal(before, (Listing(), repo.Git("for-each-ref"), repo.Git("worktree", "list", "--porcelain")));
        Assert.False(File.Exists(Path.Combine(state, "merge.lock")));
    }

    [Fact]
    public void The_headline_example_passes_on_a_first_run_with_real_npm_and_every_base_tip_passes_in_a_fresh_clone()
    {
        var repo = new TestRepo();
        using var _ = repo;
        repo.Write(".worktree-tools.yml", "ports: { web: 54001-54999 }\n");
        NpmProject.Create(repo.Root, "dep-a");
        repo.Commit("an npm project");
        var start = repo.Git("rev-parse", "main");
        using var ps = new PowerShellSession(repo.Root);
        var worktrees = ps.Run("101, 102, 103 | New-IssueWorktree -NoInstall").Objects<IssueWorktree>().ToList();
        foreach (var w in worktrees)
        {
            File.WriteAllText(Path.Combine(w.Path, $"issue-{w.Issue}.txt"), $"work for {w.Issue}\n");
            if (w.Issue == "102")
            {
                // 102 adds a dependency and a test that needs it.
                NpmProject.Pack(w.Path, "dep-b");
                NpmProject.WritePackageJson(w.Path, ["dep-a", "dep-b"]);
                NpmProject.WriteTest(w.Path, ["dep-a", "dep-b"]);
                NpmProject.Npm(w.Path, "install");
            }
            TestRepo.Run(w.Path, "add", "-A");
            TestRepo.Run(w.Path, "commit", "-q", "-m", $"feat(issue-{w.Issue}): work");
        }

        Assert.Empty(ps.Run("Approve-WorktreeConfig").Errors);   // the detected 'npm install', once
        var r = ps.Run("Get-IssueWorktree | Merge-IssueWorktree -Test 'npm test'");

        Assert.Empty(r.Errors);
        Assert.All(r.Objects<MergeResult>(), x => Assert.Equal(MergeStatus.Merged, x.Status));
        Assert.All(r.Objects<MergeResult>(), x => Assert.Contains("all tests passed", File.ReadAllText(x.LogPath!)));
        var tips = repo.Git("reflog", "--format=%H", "refs/heads/main").Split('\n').TakeWhile(c => c != start).Distinct().ToList();
        Assert.NotEmpty(tips);
        foreach (var tip in tips)
        {
            var (code, output) = NpmProject.TestFreshClone(repo.Root, tip);
            Assert.True(code == 0, $"a fresh clone of {tip} fails npm test: {output}");
        }
    }

    [Fact]
    public void Undo_IssueMerge_takes_a_train_back_newest_first()
    {
        var (repo, ps) = ThreeIssues("55001-55999");
        using var _ = repo;
        using var __ = ps;
        var start = repo.Git("rev-parse", "main");
        ps.Run("$results = Get-IssueWorktree | Merge-IssueWorktree -NoTest");

        var whatIf = ps.Run("$results | Undo-IssueMerge -WhatIf");
        Assert.Equal(["103", "102", "101"], whatIf.Objects<MergeUndoResult>().Select(u => u.Issue));
        Assert.NotEqual(start, repo.Git("rev-parse", "main"));
        var older = ps.Run("$results[0] | Undo-IssueMerge -Confirm:$false");
        Assert.Equal(["UndoWouldDropLaterWork"], older.ErrorIds);

        var r = ps.Run("$results | Undo-IssueMerge -Confirm:$false");

        Assert.Empty(r.Errors);
        Assert.All(r.Objects<MergeUndoResult>(), u => Assert.Equal(UndoStatus.Undone, u.Status));
        Assert.Equal(start, repo.Git("rev-parse", "main"));
        Assert.False(File.Exists(Path.Combine(repo.Root, "issue-101.txt")));
        Assert.Matches(@"Issue\s+Status\s+Into\s+From\s+To", ps.Render("$results | Undo-IssueMerge -WhatIf"));
    }

    [Fact]
    public void Undo_IssueMerge_takes_each_result_back_in_its_own_repository()
    {
        // Found: the results of two repositories piped together were all undone in the last one's repository.
        var (a, psA) = ThreeIssues("57101-57199");
        var (b, psB) = ThreeIssues("57201-57299");
        using var _ = a;
        using var __ = b;
        using var ___ = psA;
        using var ____ = psB;
        var (startA, startB) = (a.Git("rev-parse", "main"), b.Git("rev-parse", "main"));
        var results = psA.Run("101 | Merge-IssueWorktree -NoTest").Objects<MergeResult>()
            .Concat(psB.Run("102 | Merge-IssueWorktree -NoTest").Objects<MergeResult>()).ToArray();
        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        var outside = Directory.CreateDirectory(Path.Combine(a.Parent, "elsewhere")).FullName;
        using var ps = new PowerShellSession(outside);

        var undo = ps.Run("$results | Undo-IssueMerge -Confirm:$false", new Dictionary<string, object?> { ["results"] = results });

        Assert.Empty(undo.Errors);
        Assert.Equal(["102", "101"], undo.Objects<MergeUndoResult>().Select(u => u.Issue));
        Assert.All(undo.Objects<MergeUndoResult>(), u => Assert.Equal(UndoStatus.Undone, u.Status));
        Assert.Equal(startA, a.Git("rev-parse", "main"));
        Assert.Equal(startB, b.Git("rev-parse", "main"));
    }

    [Fact]
    public void An_issue_whose_worktree_was_deleted_by_hand_is_merged_from_its_branch()
    {
        var (repo, ps) = ThreeIssues("56001-56999");
        using var _ = repo;
        using var __ = ps;
        var w = ps.Run("Get-IssueWorktree 101").Objects<IssueWorktree>().Single();
        TestRepo.ForceDelete(w.Path);

        var r = ps.Run("Merge-IssueWorktree 101 -NoTest");

        Assert.Empty(r.Errors);
        Assert.Equal(MergeStatus.Merged, r.Objects<MergeResult>().Single().Status);
        Assert.True(File.Exists(Path.Combine(repo.Root, "issue-101.txt")));
    }
}
