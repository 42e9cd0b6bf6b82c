using WorktreeTools.Core.Processes;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class IssueEnvironmentTests
{
    private static readonly string Work = Path.Combine(Path.GetTempPath(), "wt-101");

    [Fact]
    public void Leased_ports_and_the_issue_win_over_the_env_file()
    {
        var env = IssueEnvironment.For("101", Work,
            new Dictionary<string, string?> { ["PORT"] = "3000", ["ISSUE_ID"] = "wrong", ["DATABASE_URL"] = "file:./data/agent-issue-101.db" },
            new Dictionary<string, int> { ["api"] = 4001, ["web"] = 3001, ["admin-ui"] = 5001 });
        Assert.Equal("3001", env["PORT"]);                       // "web" is the primary port when none is named
        Assert.Equal("4001", env["PORT_API"]);
        Assert.Equal("5001", env["PORT_ADMIN_UI"]);
        Assert.Equal("101", env["ISSUE_ID"]);
        Assert.Equal("file:./data/agent-issue-101.db", env["DATABASE_URL"]);
        Assert.Equal(Path.Combine(Work, "artifacts"), env["WORKTREE_ARTIFACTS"]);
        Assert.Equal("issue-101-", env["WORKTREE_ARTIFACT_PREFIX"]);
    }

    [Fact]
    public void The_primary_port_is_the_named_one_then_web_then_the_first()
    {
        var ports = new Dictionary<string, int> { ["api"] = 4001, ["web"] = 3001 };
        Assert.Equal(4001, IssueEnvironment.PrimaryPort(ports, "api")!.Value.Value);
        Assert.Equal(3001, IssueEnvironment.PrimaryPort(ports)!.Value.Value);
        Assert.Equal(4001, IssueEnvironment.PrimaryPort(new Dictionary<string, int> { ["api"] = 4001 })!.Value.Value);
        Assert.Null(IssueEnvironment.PrimaryPort(null));
        Assert.False(IssueEnvironment.For("1", Work, null).ContainsKey("PORT"));
    }

    [Fact]
    public void Artifacts_are_named_per_issue_so_merges_never_collide()
    {
        Assert.Empty(Artifacts.List(Path.Combine(Work, "does-not-exist"), "101"));
        var work = Path.Combine(Path.GetTempPath(), "wtt-artifacts-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Artifacts.Folder(work));
            foreach (var f in new[] { "issue-1-build-output.json", "issue-10-build-output.json", "issue-1-log.txt", "notes.txt" })
                File.WriteAllText(Path.Combine(Artifacts.Folder(work), f), f);
            var mine = Artifacts.List(work, "1");
            Assert.Equal(["build-output.json", "log.txt"], mine.Select(p => Artifacts.NameOf(p, "1")));
            Assert.Equal(["issue-10-build-output.json"], Artifacts.List(work, "10").Select(Path.GetFileName));
        }
        finally { Directory.Delete(work, recursive: true); }
    }
}
