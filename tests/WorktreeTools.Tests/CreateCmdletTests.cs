using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Creation faults found by the hostile corpus, as a user meets them in PowerShell.</summary>
public sealed class CreateCmdletTests
{
    [Theory]
    [InlineData("[")]
    [InlineData("10[")]
    [InlineData("[z-a]")]
    public void A_bad_wildcard_is_a_clear_error_not_UnexpectedError(string pattern)
    {
        using var repo = new TestRepo();
        using var ps = new PowerShellSession(repo.Root);
        var r = ps.Run("Get-IssueWorktree $p", new Dictionary<string, object?> { ["p"] = pattern });
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("InvalidWildcard,", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("is not a valid wildcard", error.Exception.Message);
    }

    [Fact]
    public void New_IssueWorktree_creates_a_worktree_deleted_by_hand_again_instead_of_returning_it_Missing()
    {
        using var repo = new TestRepo();
        using var ps = new PowerShellSession(repo.Root);
        var first = Assert.Single(ps.Run("New-IssueWorktree 4 -NoInstall").Objects<IssueWorktree>());
        TestRepo.ForceDelete(first.Path);
        var again = Assert.Single(ps.Run("New-IssueWorktree 4 -NoInstall").Objects<IssueWorktree>());
        Assert.False(again.Missing);
        Assert.True(Directory.Exists(again.Path));
        Assert.Equal(first.Branch, again.Branch);
    }
}
