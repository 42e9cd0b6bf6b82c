using Microsoft.Data.Sqlite;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Worktrees;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>Paths a repository's file names stay inside the repository and its worktrees, after '..' and links.</summary>
public sealed class PathTests
{
    [Theory]
    [InlineData("database: { path: '../../victim-{issue}.txt' }", "database.path")]
    [InlineData("database: { path: '/tmp/victim-{issue}.txt' }", "database.path")]
    [InlineData("database: { path: 'data/../../../victim.db' }", "database.path")]
    [InlineData("database: { seed: '../secret.sqlite' }", "database.seed")]
    [InlineData("database: { seed: '/etc/passwd' }", "database.seed")]
    [InlineData("env: { file: '../../outside.env' }", "env.file")]
    [InlineData("env: { file: '~/.bashrc' }", "env.file")]
    [InlineData("env: { example: '../../../etc/passwd' }", "env.example")]
    [InlineData("env: { override: '../x.env' }", "env.override")]
    [InlineData("setup: { copy: [ '../../.ssh/id_rsa' ] }", "setup.copy[0]")]
    [InlineData("setup: { copy: [ 'C:/Windows/win.ini' ] }", "setup.copy[0]")]
    [InlineData("worktrees: { root: '../../elsewhere' }", "worktrees.root")]
    [InlineData("worktrees: { root: '/tmp/worktrees' }", "worktrees.root")]
    public void A_repository_file_naming_a_path_outside_is_one_clear_error_and_nothing_changes(string yaml, string key)
    {
        using var f = new WorktreeFixture();
        var victim = Path.Combine(f.Repo.Parent, "victim-1.txt");
        File.WriteAllText(victim, "precious");
        f.Repo.Write(ConfigLoader.RepositoryFileName, yaml + "\n");
        f.Repo.Commit("hostile configuration");

        var ex = Assert.Throws<ConfigurationException>(() => f.Service.Create("1", noInstall: true));
        Assert.Equal("ConfigPathOutside", ex.ErrorId);
        Assert.Equal(key, ex.Key);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("main", f.Branches());
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void Remove_never_deletes_a_recorded_database_outside_the_worktree()
    {
        // A record written before paths were checked (or edited by hand) names a file outside: Remove leaves it.
        using var f = new WorktreeFixture();
        var victim = Path.Combine(f.Repo.Parent, "victim-1.txt");
        File.WriteAllText(victim, "precious");
        f.Service.Create("1", noInstall: true);
        f.Registry.Change(f.Repo.Root, "1", r => r.Database = victim);

        f.Service.Remove("1", force: true, deleteBranch: false);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void Remove_never_deletes_a_database_outside_the_worktree()
    {
        // The found case: database.path '../../victim-{issue}.txt' made Remove-IssueWorktree delete that file.
        using var f = new WorktreeFixture();
        var victim = Path.Combine(f.Repo.Parent, "victim-1.txt");
        File.WriteAllText(victim, "precious");
        f.Repo.Write(ConfigLoader.RepositoryFileName, "database: { path: '../../victim-{issue}.txt' }\n");
        f.Repo.Commit("hostile configuration");
        try
        {
            f.Service.Create("1", noInstall: true);
            f.Service.Remove("1", force: true, deleteBranch: false);
        }
        catch (WorktreeToolsException) { }
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public void A_tracked_link_that_leads_out_is_followed_and_refused_and_the_creation_rolled_back()
    {
        using var f = new WorktreeFixture();
        var outside = Path.Combine(f.Repo.Parent, "outside");
        Directory.CreateDirectory(outside);
        File.CreateSymbolicLink(Path.Combine(f.Repo.Root, "data"), outside);
        f.Repo.Write(ConfigLoader.RepositoryFileName, "database: { path: 'data/issue-{issue}.db' }\n");
        f.Repo.Commit("a link out of the repository");

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("2", noInstall: true));
        Assert.Equal("PathOutsideRepository", ex.ErrorId);
        Assert.Contains("database.path", ex.Message);
        Assert.Contains("rolled back", ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.Equal("main", f.Branches());
        Assert.False(Directory.Exists(Path.Combine(f.WorktreesRoot, "issue-2")));
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void A_seed_behind_a_link_to_another_sqlite_file_is_not_copied_in()
    {
        using var f = new WorktreeFixture();
        var secret = Path.Combine(f.Repo.Parent, "secret.sqlite");
        using (var c = new SqliteConnection($"Data Source={secret};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE secrets(value TEXT); INSERT INTO secrets VALUES ('s3cr3t');";
            cmd.ExecuteNonQuery();
        }
        File.CreateSymbolicLink(Path.Combine(f.Repo.Root, "seed.db"), secret);
        f.Repo.Write(ConfigLoader.RepositoryFileName, "database: { path: 'data/issue-{issue}.db', seed: seed.db }\n");
        f.Repo.Commit("seed from a link");

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("3", noInstall: true));
        Assert.Equal("PathOutsideRepository", ex.ErrorId);
        Assert.Contains("database.seed", ex.Message);
        Assert.Empty(Directory.EnumerateFiles(f.Repo.Parent, "issue-3.db", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_tracked_env_file_link_that_leads_out_is_never_written_through()
    {
        using var f = new WorktreeFixture();
        var target = Path.Combine(f.Repo.Parent, "profile");
        File.WriteAllText(target, "untouched\n");
        File.CreateSymbolicLink(Path.Combine(f.Repo.Root, "config.env"), target);
        f.Repo.Write(ConfigLoader.RepositoryFileName, "env: { file: config.env, set: { X: '1' } }\n");
        f.Repo.Commit("env file is a link");

        Assert.ThrowsAny<WorktreeToolsException>(() => f.Service.Create("4", noInstall: true));
        Assert.Equal("untouched\n", File.ReadAllText(target));
    }

    [Fact]
    public void The_users_own_file_may_name_paths_outside()
    {
        using var f = new WorktreeFixture();
        f.Repo.Write(ConfigLoader.RepositoryFileName, "worktrees: { root: '../../x-worktrees' }\n");
        var userFile = Path.Combine(f.Repo.Parent, "user.yml");
        File.WriteAllText(userFile, "worktrees: { root: '../../x-worktrees/{repo}' }\ndatabase: { path: '../shared-{issue}.db', seed: ../seed.db }\n");
        Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(f.Repo.Root, null));
        var layout = WorktreeLayout.For(Core.Git.RepositoryInfo.Discover(f.Repo.Root), ConfigLoader.Load(f.Repo.Root, userFile), "5");
        Assert.Equal(Path.GetFullPath(Path.Combine(f.Repo.Root, "../../x-worktrees/app/issue-5")), layout.Path);
        Assert.Equal(Path.GetFullPath(Path.Combine(layout.Path, "../shared-5.db")), layout.DatabaseFullPath);
    }

    [Fact]
    public void Remove_does_not_follow_a_link_the_worktree_got_later_out_of_it()
    {
        using var f = new WorktreeFixture("database: { path: 'data/issue-{issue}.db' }\n");
        var w = f.Service.Create("8", noInstall: true)!;
        var outside = Path.Combine(f.Repo.Parent, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "issue-8.db"), "precious");
        Directory.Delete(Path.Combine(w.Path, "data"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(w.Path, "data"), outside);

        f.Service.Remove("8", force: true, deleteBranch: true);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(outside, "issue-8.db")));
    }

    [Theory]
    [InlineData(".worktrees")]
    [InlineData("..")]
    [InlineData("../{repo}-worktrees")]
    [InlineData("../work/{repo}")]
    public void Worktrees_may_go_inside_the_repository_or_next_to_it(string root)
    {
        using var f = new WorktreeFixture($"worktrees: {{ root: '{root}' }}\n");
        var w = f.Service.Create("6", noInstall: true)!;
        Assert.True(Directory.Exists(w.Path));
    }

    [Theory]
    [InlineData("../.config/autostart")]
    [InlineData("../.ssh")]
    public void Worktrees_never_go_into_a_hidden_folder_next_to_the_repository(string root)
    {
        using var f = new WorktreeFixture($"worktrees: {{ root: '{root}' }}\n");
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("7", noInstall: true));
        Assert.Equal("PathOutsideRepository", ex.ErrorId);
        Assert.False(Directory.Exists(Path.Combine(f.Repo.Parent, root.TrimStart('.', '/'))));
    }
}
