using WorktreeTools.Core.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

public sealed class IssueOrderTests
{
    [Fact]
    public void Issues_sort_with_numbers_by_value_and_letters_ignoring_case()
    {
        string[] ids = ["PROJ-10", "101", "bug_7", "PROJ-9", "2", "10", "proj-9a", "002", "BUG_10"];
        Assert.Equal(["002", "2", "10", "101", "bug_7", "BUG_10", "PROJ-9", "proj-9a", "PROJ-10"], ids.Order(IssueId.Order));
    }
}
