using WorktreeTools.Configuration;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

public sealed class ConfigCmdletTests
{
    [Fact]
    public void Get_WorktreeConfig_returns_the_typed_effective_configuration_from_any_worktree()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "worktrees: { base: develop }\nports: { web: 3101-3199 }\n");
        repo.Commit("config");
        repo.Git("branch", "develop");
        var issue = Path.Combine(repo.Parent, "elsewhere");
        repo.Git("worktree", "add", "-q", "-b", "x", issue);
        using var ps = new PowerShellSession(issue);
        var config = Assert.Single(ps.Run("Get-WorktreeConfig").Objects<WorktreeConfig>());
        Assert.Equal(repo.Root, config.RepositoryRoot);
        Assert.Equal("develop", config.Worktrees.Base);
        Assert.Equal(ConfigSource.Repository, config.SourceOf("worktrees.base"));
        Assert.Equal(new PortRange(3101, 3199), config.Ports["web"]);
        var text = ps.Render("Get-WorktreeConfig");
        Assert.Contains("RepositoryRoot : " + repo.Root, text);
        Assert.Contains("Ports          : web=3101-3199", text);
    }

    [Fact]
    public void A_bad_file_is_one_error_with_file_line_column_and_key()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "ports:\n  web: 4000-3000\n");
        using var ps = new PowerShellSession(repo.Root);
        var r = ps.Run("Get-WorktreeConfig");
        var error = Assert.Single(r.Errors);
        Assert.Equal("ConfigBadRange,WorktreeTools.Commands.GetWorktreeConfigCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains(".worktree-tools.yml:2:8: 'ports.web'", error.Exception.Message);
    }

    [Fact]
    public void Outside_a_repository_the_error_says_so()
    {
        var folder = Path.Combine(TestEnvironment.Root, "not-a-repo-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        using var ps = new PowerShellSession(folder);
        foreach (var command in new[] { "Get-WorktreeConfig", "Get-IssueWorktree", "New-IssueWorktree 1", "Repair-IssueWorktree" })
        {
            var r = ps.Run(command);
            Assert.Equal("NotAGitRepository", Assert.Single(r.ErrorIds));
        }
    }

    [Fact]
    public void New_WorktreeConfig_writes_a_starter_file_supports_WhatIf_and_refuses_to_overwrite()
    {
        using var repo = new TestRepo();
        var file = Path.Combine(repo.Root, ".worktree-tools.yml");
        using var ps = new PowerShellSession(repo.Root);
        var whatIf = ps.Run("New-WorktreeConfig -WhatIf");
        Assert.Contains("What if:", whatIf.Text);
        Assert.False(File.Exists(file));

        var created = Assert.Single(ps.Run("New-WorktreeConfig").Objects<FileInfo>());
        Assert.Equal(file, created.FullName);
        Assert.Contains("worktrees:", File.ReadAllText(file));

        File.AppendAllText(file, "# mine\n");
        Assert.Equal("ConfigFileExists", Assert.Single(ps.Run("New-WorktreeConfig").ErrorIds));
        Assert.EndsWith("# mine\n", File.ReadAllText(file));
        Assert.Empty(ps.Run("New-WorktreeConfig -Force").Errors);
        Assert.DoesNotContain("# mine", File.ReadAllText(file));
    }

    [Fact]
    public void Repository_commands_run_only_after_Approve_WorktreeConfig()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "setup: { install: 'echo installed > installed.txt' }\n");
        repo.Commit("config");
        using var ps = new PowerShellSession(repo.Root);
        var blocked = ps.Run("New-IssueWorktree 1");
        var error = Assert.Single(blocked.Errors);
        Assert.StartsWith("CommandNotApproved,", error.FullyQualifiedErrorId);
        Assert.Equal("Approve-WorktreeConfig", error.ErrorDetails.RecommendedAction);

        var whatIf = ps.Run("Approve-WorktreeConfig -WhatIf -PassThru");
        Assert.Empty(whatIf.Output);
        Assert.Single(ps.Run("New-IssueWorktree 2").Errors);

        var approved = Assert.Single(ps.Run("Approve-WorktreeConfig -PassThru").Objects<ConfiguredCommand>());
        Assert.Equal("setup.install", approved.Key);
        Assert.Empty(ps.Run("New-IssueWorktree 3").Errors);
        Assert.True(File.Exists(Path.Combine(repo.Parent, "app-worktrees", "issue-3", "installed.txt")));
    }

    [Fact]
    public void The_found_injection_through_a_pulled_branch_template_runs_nothing_and_WhatIf_shows_what_changed()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "setup: { install: 'echo installing {branch}' }\n");
        repo.Commit("config");
        using var ps = new PowerShellSession(repo.Root);
        Assert.Empty(ps.Run("Approve-WorktreeConfig").Errors);

        repo.Write(".worktree-tools.yml", "worktrees: { branch: 'feature/issue-{issue}$(touch${IFS}pwned)' }\nsetup: { install: 'echo installing {branch}' }\n");
        repo.Commit("pull");
        Assert.Equal(["InvalidBranchName"], ps.Run("New-IssueWorktree 2").ErrorIds);
        Assert.Empty(Directory.EnumerateFiles(repo.Parent, "pwned", SearchOption.AllDirectories));

        repo.Write(".worktree-tools.yml", "setup: { install: 'echo installing {branch} && touch pwned' }\n");
        repo.Commit("pull again");
        var whatIf = ps.Run("Approve-WorktreeConfig -WhatIf");
        Assert.Contains("setup.install: echo installing {branch} && touch pwned — was: echo installing {branch}", whatIf.Text);
        Assert.Equal(["CommandNotApproved"], ps.Run("New-IssueWorktree 3").ErrorIds);
        Assert.Empty(Directory.EnumerateFiles(repo.Parent, "pwned", SearchOption.AllDirectories));
    }

    [Fact]
    public void Approve_WorktreeConfig_All_trusts_a_repository_once_and_Revoke_withdraws_it()
    {
        using var repo = new TestRepo();
        repo.Write("package.json", "{ \"name\": \"app\", \"scripts\": { \"postinstall\": \"node -e \\\"require('fs').writeFileSync('ran', '')\\\"\" } }\n");
        repo.Commit("node project");
        using var ps = new PowerShellSession(repo.Root);
        var refused = ps.Run("New-IssueWorktree 1");
        Assert.Equal(["CommandNotApproved"], refused.ErrorIds);
        Assert.Contains("package.json: postinstall:", refused.Errors[0].Exception.Message);

        var all = ps.Run("Approve-WorktreeConfig -All -PassThru").Objects<ConfiguredCommand>();
        Assert.Contains(all, c => c.Key == "setup.install" && c.Source == ConfigSource.Detected && c.Text == "npm install");
        Assert.Empty(ps.Run("New-IssueWorktree 1").Errors);
        Assert.True(File.Exists(Path.Combine(repo.Parent, "app-worktrees", "issue-1", "ran")));

        Assert.Empty(ps.Run("Approve-WorktreeConfig -Revoke").Errors);
        Assert.Equal(["CommandNotApproved"], ps.Run("New-IssueWorktree 2").ErrorIds);
    }
}
