using WorktreeTools.Core.Git;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Git;

public sealed class GitCliTests
{
    [Fact]
    public void Missing_git_is_a_clear_error()
    {
        var ex = Assert.Throws<WorktreeToolsException>(() => GitCli.CheckVersion(Path.Combine(TestEnvironment.Root, "no-such-git")));
        Assert.Equal("GitNotFound", ex.ErrorId);
        Assert.Equal(ErrorKind.NotInstalled, ex.Kind);
        Assert.Contains("2.38", ex.Message);
    }

    [Theory]
    [InlineData("git version 2.37.9", "GitTooOld")]
    [InlineData("not git at all", "GitNotFound")]
    public void An_old_or_strange_git_is_refused(string versionLine, string id)
    {
        if (OperatingSystem.IsWindows()) return; // the fake git is a shell script
        var fake = Path.Combine(TestEnvironment.Root, "fake-git-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllText(fake, $"#!/bin/sh\necho '{versionLine}'\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var ex = Assert.Throws<WorktreeToolsException>(() => GitCli.CheckVersion(fake));
        Assert.Equal(id, ex.ErrorId);
    }

    [Fact]
    public void The_real_git_is_new_enough()
    {
        Assert.True(GitCli.CheckVersion("git") >= GitCli.MinimumVersion);
    }

    [Fact]
    public void Outside_a_repository_discovery_says_so()
    {
        var folder = Path.Combine(TestEnvironment.Root, "plain-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        var ex = Assert.Throws<WorktreeToolsException>(() => RepositoryInfo.Discover(folder));
        Assert.Equal("NotAGitRepository", ex.ErrorId);
        // Found (issue 12 §17): the message named -Path; the cmdlets' parameter is -Repository.
        Assert.Contains("-Repository", ex.Message);
        Assert.DoesNotContain("-Path", ex.Message);
    }

    [Fact]
    public void Discovery_from_an_issue_worktree_finds_the_main_checkout()
    {
        using var repo = new TestRepo();
        var other = Path.Combine(repo.Parent, "other");
        repo.Git("worktree", "add", "-q", "-b", "x", other);
        var info = RepositoryInfo.Discover(Path.Combine(other));
        Assert.Equal(repo.Root, info.MainRoot);
        Assert.Equal(other, info.CurrentRoot);
        Assert.Equal("app", info.Name);
    }
}
