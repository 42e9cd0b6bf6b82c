using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Worktrees;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>What a new worktree gets (files, env, ports), and the faults found in creating one.</summary>
public sealed class SetupTests
{
    [Fact]
    public void Ports_set_to_an_empty_map_lease_no_port()
    {
        using var f = new WorktreeFixture("ports: {}\n");
        var w = f.Service.Create("1", noInstall: true)!;
        Assert.Empty(w.Ports);
        Assert.Empty(f.Service.Config.Ports);
        Assert.Null(f.Service.Config.DevServer.Ready.Port);
        Assert.False(f.Service.IssueEnvironment(w).ContainsKey("PORT"));
    }

    [Fact]
    public void An_empty_ports_map_in_the_user_file_turns_the_repositorys_ports_off()
    {
        using var repo = new TestRepo(commit: false);
        var user = Path.Combine(repo.Parent, "user.yml");
        repo.Write(ConfigLoader.RepositoryFileName, "ports: { web: 3001-3999, api: 4001-4999 }\n");
        File.WriteAllText(user, "ports: {}\n");
        Assert.Empty(ConfigLoader.Load(repo.Root, user).Ports);
        File.WriteAllText(user, "ports: ~\n");
        Assert.Equal(2, ConfigLoader.Load(repo.Root, user).Ports.Count);
    }

    [Fact]
    public void Issue_ids_that_differ_only_in_case_are_one_issue_everywhere()
    {
        using var f = new WorktreeFixture("ports: { web: 28201-28299 }\n");
        var abc = f.Service.Create("abc", noInstall: true)!;
        var again = f.Service.Create("ABC", noInstall: true)!;
        Assert.Equal(abc.Path, again.Path);
        Assert.Equal("abc", again.Issue);
        Assert.Equal(abc.Ports, again.Ports);
        Assert.Equal("feature/issue-abc\nmain", f.Branches());
        Assert.Single(f.Registry.ForRepository(f.Repo.Root));
        Assert.Equal(abc.Path, f.Service.Get("Abc").Path);

        f.Service.Remove("ABC", force: false, deleteBranch: false);
        Assert.False(Directory.Exists(abc.Path));
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void A_dev_server_is_found_by_its_issue_id_in_any_case()
    {
        using var f = new WorktreeFixture("ports: {}\n");
        f.Service.Create("abc", noInstall: true);
        var server = f.Service.StartDevServer("abc", command: "sleep 30")!;
        Assert.Equal("abc", f.Service.WaitForDevServer("ABC").Issue);
        Assert.Equal(server.Issue, f.Service.StopDevServer("Abc").Issue);
        Assert.DoesNotContain(f.Service.DevServersOf(null), d => d.IsRunning);
    }

    [Fact]
    public void A_branch_that_differs_from_the_issues_only_in_case_is_refused_not_doubled()
    {
        using var f = new WorktreeFixture();
        f.Repo.Git("branch", "feature/issue-ABC");
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("abc", noInstall: true));
        Assert.Equal("IssueIdCaseConflict", ex.ErrorId);
        Assert.Contains("feature/issue-ABC", ex.Message);
        Assert.Equal("feature/issue-ABC\nmain", f.Branches());
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
        Assert.Equal(WorktreeState.Ready, f.Service.Create("ABC", noInstall: true)!.State);
    }

    [Fact]
    public void A_worktree_deleted_by_hand_is_created_again_from_its_branch()
    {
        using var f = new WorktreeFixture();
        var w = f.Service.Create("5", noInstall: true)!;
        File.WriteAllText(Path.Combine(w.Path, "work.txt"), "committed work\n");
        f.Repo.Commit("work", w.Path);
        TestRepo.ForceDelete(w.Path);
        Assert.True(f.Service.Get("5").Missing);

        var again = f.Service.Create("5", noInstall: true)!;
        Assert.False(again.Missing);
        Assert.Equal(w.Ports, again.Ports);
        Assert.Equal("committed work\n", File.ReadAllText(Path.Combine(again.Path, "work.txt")));
        Assert.Equal(WorktreeState.Ready, again.State);
    }

    [Fact]
    public void A_catastrophic_backtracking_pattern_runs_in_linear_time()
    {
        // The found case: ^(a+)+$ on 40 'a' and a '!' hung, then failed with UnexpectedError after the worktree existed.
        using var f = new WorktreeFixture("env: { replace: [ { pattern: '^(a+)+$', with: 'x' } ] }\n");
        f.Repo.Write(".env", new string('a', 40) + "!\nNAME=aaaa\n");
        var w = f.Service.Create("6", noInstall: true)!; // with a backtracking engine this never returns
        Assert.Equal(WorktreeState.Ready, w.State);
        Assert.Equal(new string('a', 40) + "!\nNAME=aaaa\n", File.ReadAllText(w.EnvFile!));
    }

    [Theory]
    [InlineData("env: { replace: [ { pattern: '(?<=a)b', with: 'x' } ] }")]
    [InlineData("env: { replace: [ { pattern: '(a)\\1', with: 'x' } ] }")]
    [InlineData("devServer: { ready: { pattern: '(?=ready)' } }")]
    [InlineData("merge: { migrations: { pattern: '^(?<n>\\d+)(?!x)' } }")]
    public void Patterns_that_need_backtracking_are_refused_where_they_are_written(string yaml)
    {
        using var repo = new TestRepo(commit: false);
        repo.Write(ConfigLoader.RepositoryFileName, yaml + "\n");
        var ex = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(repo.Root, null));
        Assert.Equal("ConfigBadRegex", ex.ErrorId);
        Assert.Contains("backtracking", ex.Message);
    }

    [Fact]
    public void A_failed_creation_on_an_existing_branch_keeps_the_branch_and_its_work()
    {
        using var f = new WorktreeFixture("database: { path: 'data/issue-{issue}.db' }\n");
        f.Repo.Git("switch", "-q", "-c", "feature/issue-7");
        f.Repo.Write("work.txt", "resumed\n");
        var outside = Path.Combine(f.Repo.Parent, "outside");
        Directory.CreateDirectory(outside);
        File.CreateSymbolicLink(Path.Combine(f.Repo.Root, "data"), outside);
        var tip = f.Repo.Commit("earlier work, and a link out");
        f.Repo.Git("switch", "-q", "main");

        var ex = Assert.Throws<WorktreeToolsException>(() => new WorktreeService(f.Repo.Root, f.Host, f.Registry).Create("7", noInstall: true));
        Assert.Equal("PathOutsideRepository", ex.ErrorId);
        Assert.Contains("rolled back", ex.Message);
        Assert.DoesNotContain("branch 'feature/issue-7'", ex.Message);
        Assert.Equal(tip, f.Repo.Git("rev-parse", "feature/issue-7"));
        Assert.False(Directory.Exists(Path.Combine(f.WorktreesRoot, "issue-7")));
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Fact]
    public void Env_values_with_line_breaks_come_back_whole()
    {
        using var f = new WorktreeFixture("env: { set: { GREETING: \"line one\\nline two\" } }\n");
        f.Repo.Write(".env", "PRIVATE_KEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\nAFTER=1\n");
        var w = f.Service.Create("8", noInstall: true)!;
        var env = f.Service.IssueEnvironment(w);
        Assert.Equal("-----BEGIN KEY-----\nabc\n-----END KEY-----", env["PRIVATE_KEY"]);
        Assert.Equal("line one\nline two", env["GREETING"]);
        Assert.Equal("1", env["AFTER"]);
        Assert.Contains("GREETING=\"line one\\nline two\"", File.ReadAllText(w.EnvFile!));
    }

    [Fact]
    public void A_tracked_env_file_stays_as_committed_and_the_issues_values_go_to_an_ignored_override()
    {
        using var f = new WorktreeFixture("env: { set: { PORT: '{port.web}' }, replace: [ { pattern: 'agent\\.db', with: 'agent-{issue}.db' } ] }\nports: { web: 28301-28399 }\n");
        f.Repo.Write(".gitignore", "data/*.db\n");
        f.Repo.Write(".env", "PORT=3000\nDATABASE_URL=file:./data/agent.db\nNAME=app\n");
        f.Repo.Commit("a tracked .env");

        // git is asked once whether it tracks the env file (it was asked three times, one git process each).
        var asked = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Record(string dir, IReadOnlyList<string> args)
        {
            if (dir.StartsWith(f.Repo.Parent, StringComparison.Ordinal) && args.Contains("ls-files") && args.Contains("--error-unmatch")) asked.Enqueue(dir);
        }
        IssueWorktree w;
        GitCli.Starting += Record;
        try { w = f.Service.Create("9", noInstall: true)!; }
        finally { GitCli.Starting -= Record; }
        Assert.Single(asked);
        Assert.Equal("PORT=3000\nDATABASE_URL=file:./data/agent.db\nNAME=app\n", File.ReadAllText(Path.Combine(w.Path, ".env")));
        Assert.Equal(Path.Combine(w.Path, ".env.local"), w.EnvFile);
        Assert.Equal($"PORT={w.Ports["web"]}\nDATABASE_URL=file:./data/agent-9.db\n", File.ReadAllText(w.EnvFile!));
        Assert.Equal("", TestRepo.Run(w.Path, "status", "--porcelain"));
        Assert.Contains(f.Host.Warnings, m => m.Contains("git tracks .env") && m.Contains(".env.local") && m.Contains("PORT"));

        var env = f.Service.IssueEnvironment(w);
        Assert.Equal(w.Ports["web"].ToString(), env["PORT"]);
        Assert.Equal("file:./data/agent-9.db", env["DATABASE_URL"]);
        Assert.Equal("app", env["NAME"]);
    }

    [Fact]
    public void Globs_and_worktreeinclude_copy_untracked_files_and_name_what_was_not_found()
    {
        using var f = new WorktreeFixture("setup: { copy: [ .env, 'config/*.json', notes.txt, missing.txt, '*.nomatch' ] }\n");
        f.Repo.Write(".gitignore", ".env*\nconfig/*.json\nsecrets/\nnode_modules/\n");
        f.Repo.Write(".worktreeinclude", "# files Claude Code and worktrunk copy too\n.env.local\nsecrets/\n*.pem\n*.missing\n");
        f.Repo.Commit("ignore rules");
        f.Repo.Write("config/app.json", "{}\n");
        f.Repo.Write("config/local.json", "{ \"local\": true }\n");
        f.Repo.Write(".env.local", "SECRET=1\n");
        f.Repo.Write("secrets/key.pem", "KEY\n");
        f.Repo.Write("node_modules/x/index.js", "module.exports = 1;\n");
        f.Repo.Write("notes.txt", "untracked, not ignored\n");
        f.Repo.Write("other.pem", "untracked, not ignored: .worktreeinclude copies only what git ignores\n");

        var w = f.Service.Create("10", noInstall: true)!;
        foreach (var copied in new[] { "config/app.json", "config/local.json", ".env.local", "secrets/key.pem", "notes.txt" })
            Assert.True(File.Exists(Path.Combine(w.Path, copied)), copied);
        Assert.False(Directory.Exists(Path.Combine(w.Path, "node_modules")));
        Assert.False(File.Exists(Path.Combine(w.Path, "other.pem")));
        var warning = Assert.Single(f.Host.Warnings, m => m.StartsWith("Not found", StringComparison.Ordinal));
        Assert.Contains("setup.copy: missing.txt", warning);
        Assert.Contains("setup.copy: *.nomatch", warning);
        Assert.Contains(".worktreeinclude: *.missing", warning);
        Assert.DoesNotContain(".worktreeinclude: *.pem", warning);
        Assert.Contains(".worktreeinclude: other.pem (git does not ignore it)", warning);
        Assert.DoesNotContain("config/*.json", warning);
    }

    [Theory]
    [InlineData("*.env", "a/b.env", true)]
    [InlineData("*.env", "b.env", true)]
    [InlineData("/b.env", "a/b.env", false)]
    [InlineData("config/*.json", "config/x.json", true)]
    [InlineData("config/*.json", "a/config/x.json", false)]
    [InlineData("**/secrets", "a/b/secrets", true)]
    [InlineData("a/**/z", "a/z", true)]
    [InlineData("a/**/z", "a/b/c/z", true)]
    [InlineData("key?.pem", "key1.pem", true)]
    [InlineData("key[0-9].pem", "keyx.pem", false)]
    [InlineData("key[!0-9].pem", "keyx.pem", true)]
    public void Worktreeinclude_patterns_follow_gitignore(string pattern, string path, bool match) =>
        Assert.Equal(match, IncludedFiles.GlobRegex(pattern).IsMatch(path));
}
