using System.Diagnostics;
using WorktreeTools.Core.Tests.Merging;
using WorktreeTools.Core.Worktrees;
using WorktreeTools.Merging;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>
/// Sync-IssueWorktree installs the dependencies again when the sync changed its lockfile or package manifests,
/// with the worktree's install command and its trust rules; with real npm (local file: packages, no network).
/// </summary>
public sealed class SyncInstallTests
{
    /// <summary>A node project on main with one local dependency, installed, and issue 101's worktree made from it (npm install ran).</summary>
    private static WorktreeFixture NodeProject(string? config = null, bool approve = true, bool install = true)
    {
        var f = new WorktreeFixture(config, approve);
        f.Repo.Write("deps/left/package.json", "{ \"name\": \"left\", \"version\": \"1.0.0\", \"main\": \"index.js\" }\n");
        f.Repo.Write("deps/left/index.js", "module.exports = 'left';\n");
        f.Repo.Write("deps/right/package.json", "{ \"name\": \"right\", \"version\": \"1.0.0\", \"main\": \"index.js\" }\n");
        f.Repo.Write("deps/right/index.js", "module.exports = 'right';\n");
        f.Repo.Write("package.json", "{ \"name\": \"app\", \"version\": \"1.0.0\", \"dependencies\": { \"left\": \"file:deps/left\" } }\n");
        Npm(f.Repo.Root, "install");
        f.Repo.Commit("node project");
        // A detected npm install is repository code: approved as a user who read it would.
        if (approve) new Core.Config.TrustStore().Approve(f.Service.Config, Core.Config.RepositoryCommands.All(f.Service.Config, f.Repo.Root));
        var w = f.Service.Create("101", noInstall: !install)!;
        File.WriteAllText(Path.Combine(w.Path, "issue.txt"), "work\n");
        f.Repo.Commit("feat(issue-101): work", w.Path);
        return f;
    }

    /// <summary>main adds the second dependency (package.json and package-lock.json change), as a developer would.</summary>
    private static void MainAddsRight(WorktreeFixture f)
    {
        f.Repo.Write("package.json", "{ \"name\": \"app\", \"version\": \"1.0.0\", \"dependencies\": { \"left\": \"file:deps/left\", \"right\": \"file:deps/right\" } }\n");
        Npm(f.Repo.Root, "install");
        f.Repo.Commit("add right");
    }

    private static string Npm(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("npm") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Concat(["--no-audit", "--no-fund", "--offline"])) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"npm {string.Join(' ', args)} failed: {output}{err.Result}");
        return output;
    }

    private static string Node(string dir, string script)
    {
        var psi = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : "failed: " + err.Result;
    }

    private static string WorktreeOf(WorktreeFixture f) => Path.Combine(f.WorktreesRoot, "issue-101");

    [Theory]
    [InlineData(SyncStrategy.Rebase)]
    [InlineData(SyncStrategy.Merge)]
    public void A_sync_that_changes_the_lockfile_installs_again(SyncStrategy strategy)
    {
        using var f = NodeProject();
        var path = WorktreeOf(f);
        Assert.StartsWith("failed", Node(path, "require('right')"));
        MainAddsRight(f);

        var result = f.Service.Sync("101", strategy, stay: false, noFetch: true, baseBranch: null);

        Assert.Equal(SyncStatus.Synced, result.Status);
        Assert.Equal(["package-lock.json", "package.json"], result.DependencyChanges);
        var install = Assert.Single(result.Policies, p => p.Name == "Install");
        Assert.Contains("npm install", install.Detail);
        Assert.Equal("left right", Node(path, "console.log(require('left'), require('right'))"));
        Assert.Contains("npm install", File.ReadAllText(result.InstallLogPath!));
        Assert.Equal("", f.Repo.Git("-C", path, "status", "--porcelain")); // node_modules is ignored; npm left the lockfile as synced
    }

    [Fact]
    public void A_sync_that_changes_no_dependency_installs_nothing()
    {
        using var f = NodeProject();
        var log = f.Service.LogPath("issue-101", "install");
        var before = File.ReadAllText(log);
        f.Repo.Write("README.md", "# changed on main\n");
        f.Repo.Commit("docs");

        var result = f.Service.Sync("101", SyncStrategy.Rebase, stay: false, noFetch: true, baseBranch: null);

        Assert.Equal(SyncStatus.Synced, result.Status);
        Assert.Empty(result.DependencyChanges);
        Assert.DoesNotContain(result.Policies, p => p.Name == "Install");
        Assert.Null(result.InstallLogPath);
        Assert.Equal(before, File.ReadAllText(log));
    }

    [Fact]
    public void WhatIf_says_it_would_install_and_installs_nothing()
    {
        using var f = NodeProject();
        MainAddsRight(f);
        var head = f.Repo.Git("-C", WorktreeOf(f), "rev-parse", "HEAD");

        var result = new WorktreeService(f.Repo.Root, new TestHost(shouldProcess: false), f.Registry).Sync("101", SyncStrategy.Rebase, false, true, null);

        Assert.Equal(SyncStatus.WouldSync, result.Status);
        Assert.Equal(["package-lock.json", "package.json"], result.DependencyChanges);
        Assert.Contains("would run 'npm install'", Assert.Single(result.Policies, p => p.Name == "Install").Detail);
        Assert.Equal(head, f.Repo.Git("-C", WorktreeOf(f), "rev-parse", "HEAD"));
        Assert.StartsWith("failed", Node(WorktreeOf(f), "require('right')"));
    }

    [Fact]
    public void A_failing_install_is_its_own_status_with_the_log_and_the_sync_stays()
    {
        using var f = NodeProject("setup: { install: 'echo installing for {issue}; exit 7' }\n", install: false);
        MainAddsRight(f);

        var result = f.Service.Sync("101", SyncStrategy.Rebase, stay: false, noFetch: true, baseBranch: null);

        Assert.Equal(SyncStatus.InstallFailed, result.Status);
        Assert.Contains("installing for 101", File.ReadAllText(result.InstallLogPath!));
        Assert.Contains(result.InstallLogPath!, result.Message);
        Assert.Equal(result.After, f.Repo.Git("rev-parse", "feature/issue-101"));
        Assert.NotEqual(result.Before, result.After);
        Assert.Equal(WorktreeState.InstallFailed, f.Service.Get("101").State);
    }

    [Fact]
    public void An_unapproved_install_command_stops_the_sync_before_it_changes_anything_unless_NoInstall()
    {
        using var f = NodeProject("setup: { install: 'touch pwned' }\n", approve: false, install: false);
        MainAddsRight(f);
        var path = WorktreeOf(f);
        var head = f.Repo.Git("-C", path, "rev-parse", "HEAD");
        var refs = f.Repo.Git("for-each-ref");

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Sync("101", SyncStrategy.Rebase, false, true, null));

        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Equal((head, refs), (f.Repo.Git("-C", path, "rev-parse", "HEAD"), f.Repo.Git("for-each-ref")));
        Assert.False(File.Exists(Path.Combine(path, "pwned")));

        var result = f.Service.Sync("101", SyncStrategy.Rebase, false, true, null, noInstall: true);
        Assert.Equal(SyncStatus.Synced, result.Status);
        Assert.DoesNotContain(result.Policies, p => p.Name == "Install");
        Assert.False(File.Exists(Path.Combine(path, "pwned")));
    }
}
