using Microsoft.Data.Sqlite;
using WorktreeTools.Core.Worktrees;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

public sealed class CreateTests
{
    private const string WorkflowConfig = """
        env:
          set: { PORT: "{port.web}", API_PORT: "{port.api}" }
          replace: [ { pattern: 'agent\.db', with: 'agent-issue-{issue}.db' } ]
        ports: { web: 23001-23999, api: 24001-24999 }
        database: { path: "data/agent-issue-{issue}.db", seed: data/agent.db }
        """;

    private const string MainEnv = "# shared settings\nPORT=3000\nDATABASE_URL=\"file:./data/agent.db\"\nexport SECRET='s3cr3t' # keep\n\nUNRELATED=value with spaces\n";

    [Fact]
    public void The_three_issue_example_gets_distinct_ports_databases_and_rewritten_env_files()
    {
        using var f = new WorktreeFixture(WorkflowConfig);
        f.Repo.Write(".env", MainEnv);
        SeedDatabase(Path.Combine(f.Repo.Root, "data", "agent.db"), keepOpenWithPendingWal: out var open);
        using (open)
        {
            var created = new[] { "101", "102", "103" }.Select(i => f.Service.Create(i, noInstall: true)!).ToList();

            var listed = f.Service.List();
            Assert.Equal(["101", "102", "103"], listed.Select(w => w.Issue).Order());
            Assert.All(listed, w => Assert.False(w.Dirty || w.Merged || w.Missing));

            Assert.Equal(3, created.Select(w => w.Ports["web"]).Distinct().Count());
            Assert.Equal(3, created.Select(w => w.Ports["api"]).Distinct().Count());
            Assert.Equal(3, created.Select(w => w.Database).Distinct().Count());
            foreach (var w in created)
            {
                Assert.Equal($"feature/issue-{w.Issue}", w.Branch);
                Assert.Equal(Path.Combine(f.WorktreesRoot, $"issue-{w.Issue}"), w.Path);
                Assert.Equal(WorktreeState.Ready, w.State);
                Assert.Equal(Path.Combine(w.Path, "data", $"agent-issue-{w.Issue}.db"), w.Database);
                Assert.InRange(w.Ports["web"], 23001, 23999);
                Assert.Equal("", TestRepo.Run(w.Path, "status", "--porcelain"));
                // The copy is consistent although the main database is open with un-checkpointed WAL writes.
                Assert.Equal(50, CountRows(w.Database!));
                Assert.Equal(
                    $"# shared settings\nPORT={w.Ports["web"]}\nDATABASE_URL=\"file:./data/agent-issue-{w.Issue}.db\"\nexport SECRET='s3cr3t' # keep\n\nUNRELATED=value with spaces\nAPI_PORT={w.Ports["api"]}\n",
                    File.ReadAllText(w.EnvFile!));
            }

        }
    }

    [Fact]
    public void Creating_again_returns_the_same_worktree()
    {
        using var f = new WorktreeFixture();
        var first = f.Service.Create("7", noInstall: true)!;
        var again = f.Service.Create("7", noInstall: true)!;
        Assert.Equal(first.Path, again.Path);
        Assert.Equal(first.Ports, again.Ports);
        Assert.Single(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void An_existing_branch_is_checked_out_so_work_resumes()
    {
        using var f = new WorktreeFixture();
        f.Repo.Git("branch", "feature/issue-8");
        f.Repo.Git("switch", "-q", "feature/issue-8");
        f.Repo.Write("work.txt", "resumed\n");
        var tip = f.Repo.Commit("earlier work");
        f.Repo.Git("switch", "-q", "main");

        var w = f.Service.Create("8", noInstall: true)!;
        Assert.Equal(tip, w.Head);
        Assert.Equal("resumed\n", File.ReadAllText(Path.Combine(w.Path, "work.txt")));
        Assert.Equal(1, f.Service.Get("8").Ahead);
    }

    [Fact]
    public void A_branch_checked_out_elsewhere_is_refused_and_says_where()
    {
        using var f = new WorktreeFixture();
        var elsewhere = Path.Combine(f.Repo.Parent, "elsewhere");
        f.Repo.Git("worktree", "add", "-q", "-b", "feature/issue-9", elsewhere);
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("9", noInstall: true));
        Assert.Equal("BranchCheckedOutElsewhere", ex.ErrorId);
        Assert.Contains(elsewhere, ex.Message);
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void A_path_occupied_by_something_else_is_refused()
    {
        using var f = new WorktreeFixture();
        Directory.CreateDirectory(Path.Combine(f.WorktreesRoot, "issue-10"));
        File.WriteAllText(Path.Combine(f.WorktreesRoot, "issue-10", "mine.txt"), "not yours");
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("10", noInstall: true));
        Assert.Equal("WorktreePathOccupied", ex.ErrorId);
        Assert.Equal("not yours", File.ReadAllText(Path.Combine(f.WorktreesRoot, "issue-10", "mine.txt")));
        Assert.DoesNotContain("feature/issue-10", f.Branches());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("; rm -rf")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("..")]
    [InlineData("-rf")]
    [InlineData("x.lock")]
    [InlineData("$(whoami)")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
    public void Bad_issue_ids_are_refused_and_nothing_changes(string id)
    {
        using var f = new WorktreeFixture();
        var branches = f.Branches();
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create(id, noInstall: true));
        Assert.Equal("InvalidIssueId", ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(branches, f.Branches());
        Assert.False(Directory.Exists(f.WorktreesRoot));
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void New_work_starts_from_the_remotes_latest_base()
    {
        using var f = new WorktreeFixture();
        var remote = Path.Combine(f.Repo.Parent, "remote.git");
        TestRepo.Run(f.Repo.Parent, "clone", "-q", "--bare", f.Repo.Root, remote);
        f.Repo.Git("remote", "add", "origin", remote);
        var other = Path.Combine(f.Repo.Parent, "other");
        TestRepo.Run(f.Repo.Parent, "clone", "-q", remote, other);
        File.WriteAllText(Path.Combine(other, "new.txt"), "from a colleague\n");
        TestRepo.Run(other, "add", "-A");
        TestRepo.Run(other, "commit", "-q", "-m", "colleague");
        TestRepo.Run(other, "push", "-q", "origin", "main");
        var latest = TestRepo.Run(other, "rev-parse", "HEAD");

        Assert.Equal(latest, f.Service.Create("11", noInstall: true)!.Head);
        Assert.NotEqual(latest, f.Repo.Git("rev-parse", "main"));
    }

    [Fact]
    public void A_missing_base_is_a_clear_error()
    {
        using var f = new WorktreeFixture();
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("13", baseBranch: "release/9", noInstall: true));
        Assert.Equal("BaseNotFound", ex.ErrorId);
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void Env_example_is_the_fallback_and_no_env_at_all_is_fine()
    {
        using var f = new WorktreeFixture("env: { set: { PORT: '{port.web}' } }\nports: { web: 25001-25999 }\n");
        var bare = f.Service.Create("14", noInstall: true)!;
        Assert.Equal($"PORT={bare.Ports["web"]}\n", File.ReadAllText(bare.EnvFile!));

        f.Repo.Write(".env.example", "PORT=1\nNAME=example\n");
        var w = f.Service.Create("15", noInstall: true)!;
        Assert.Equal($"PORT={w.Ports["web"]}\nNAME=example\n", File.ReadAllText(w.EnvFile!));
    }

    [Fact]
    public void A_port_something_listens_on_is_skipped_and_an_exhausted_range_is_an_error()
    {
        using var f = new WorktreeFixture("ports: { web: 26001-26002 }\n");
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 26001);
        listener.Start();
        try
        {
            Assert.Equal(26002, f.Service.Create("16", noInstall: true)!.Ports["web"]);
            var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("17", noInstall: true));
            Assert.Equal("PortRangeExhausted", ex.ErrorId);
            Assert.False(Directory.Exists(Path.Combine(f.WorktreesRoot, "issue-17")));
            Assert.DoesNotContain("feature/issue-17", f.Branches());
        }
        finally { listener.Stop(); }
    }

    [Fact]
    public void Eight_creations_at_once_never_share_a_port_or_database()
    {
        using var f = new WorktreeFixture("ports: { web: 27001-27999 }\ndatabase: { path: 'data/issue-{issue}.db' }\n");
        var results = new IssueWorktree[8];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results[i] = new WorktreeService(f.Repo.Root, new SilentHost(), new Resources.LeaseRegistry(Path.Combine(f.Repo.Parent, "registry")))
                .Create((200 + i).ToString(), noInstall: true)!);
        Assert.Equal(8, results.Select(r => r.Ports["web"]).Distinct().Count());
        Assert.Equal(8, results.Select(r => r.Database).Distinct().Count());
        Assert.Equal(8, f.Service.List().Count);
    }

    [Fact]
    public void A_failing_install_keeps_the_worktree_marks_it_and_names_the_log()
    {
        using var f = new WorktreeFixture("setup: { install: 'echo installing; exit 3' }\n");
        var w = f.Service.Create("18")!;
        Assert.Equal(WorktreeState.InstallFailed, w.State);
        Assert.True(Directory.Exists(w.Path));
        Assert.Contains("installing", File.ReadAllText(w.InstallLog!));
        Assert.Contains(f.Host.Warnings, m => m.Contains(w.InstallLog!) && m.Contains("exit code 3"));
    }

    [Fact]
    public void The_install_command_is_detected_from_the_lockfile()
    {
        using var f = new WorktreeFixture();
        f.Repo.Write("package.json", "{ \"name\": \"app\", \"version\": \"1.0.0\" }\n");
        f.Repo.Write("package-lock.json", "{ \"name\": \"app\", \"version\": \"1.0.0\", \"lockfileVersion\": 3, \"requires\": true, \"packages\": { \"\": { \"name\": \"app\", \"version\": \"1.0.0\" } } }\n");
        f.Repo.Commit("node project");
        var config = f.Service.Config;
        new Core.Config.TrustStore().Approve(config, Core.Config.RepositoryCommands.All(config, f.Repo.Root)); // a detected install is repository code
        var w = f.Service.Create("20")!;
        Assert.Equal(WorktreeState.Ready, w.State);
        Assert.Contains("npm install", File.ReadAllText(f.Service.LogPath(w.Name, "install")));
    }

    private static void SeedDatabase(string path, out SqliteConnection keepOpenWithPendingWal)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE goals(id INTEGER PRIMARY KEY, title TEXT);");
        for (var i = 0; i < 50; i++) Exec(c, $"INSERT INTO goals(title) VALUES ('goal {i}')");
        Assert.True(new FileInfo(path + "-wal").Length > 0);
        keepOpenWithPendingWal = c;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long CountRows(string path)
    {
        using var c = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM goals";
        return (long)cmd.ExecuteScalar()!;
    }
}
