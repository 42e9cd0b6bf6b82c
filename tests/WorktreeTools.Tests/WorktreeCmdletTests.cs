using System.Diagnostics;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

public sealed class WorktreeCmdletTests
{
    private static TestRepo Repo(string ports)
    {
        var repo = new TestRepo();
        repo.Write(".env", "PORT=3000\nDATABASE_URL=file:./data/agent.db\n");
        repo.Write(".worktree-tools.yml",
            $"env:\n  set: {{ PORT: '{{port.web}}' }}\n  replace: [ {{ pattern: 'agent\\.db', with: 'agent-issue-{{issue}}.db' }} ]\nports: {{ web: {ports} }}\n");
        repo.Commit("config");
        return repo;
    }

    [Fact]
    public void The_workflow_documents_three_issues_through_the_pipeline()
    {
        using var repo = Repo("32001-32999");
        using var ps = new PowerShellSession(repo.Root);
        var created = ps.Run("101, 102, 103 | New-IssueWorktree -NoInstall");
        Assert.Empty(created.Errors);
        var worktrees = created.Objects<IssueWorktree>().ToList();
        Assert.Equal(["101", "102", "103"], worktrees.Select(w => w.Issue));
        Assert.Equal(3, worktrees.Select(w => w.Ports["web"]).Distinct().Count());
        foreach (var w in worktrees)
            Assert.Equal($"PORT={w.Ports["web"]}\nDATABASE_URL=file:./data/agent-issue-{w.Issue}.db\n", File.ReadAllText(w.EnvFile!));

        var table = ps.Render("Get-IssueWorktree");
        Assert.Matches(@"Issue\s+State\s+Sync\s+Changes\s+Merged\s+Server\s+Branch\s+Path", table);
        Assert.Matches(@"101\s+Ready\s+\+0 -0\s+clean\s+empty\s+web:\d+\s+feature/issue-101", table);

        // Output binds by property name into the next cmdlet.
        var removed = ps.Run("Get-IssueWorktree 10[12] | Remove-IssueWorktree -Confirm:$false -PassThru");
        Assert.Empty(removed.Errors);
        Assert.Equal(["101", "102"], removed.Objects<IssueWorktree>().Select(w => w.Issue));
        Assert.Equal(["103"], ps.Run("Get-IssueWorktree").Objects<IssueWorktree>().Select(w => w.Issue));
    }

    [Fact]
    public void WhatIf_changes_nothing_and_says_what_would_happen()
    {
        using var repo = Repo("33001-33999");
        using var ps = new PowerShellSession(repo.Root);
        var r = ps.Run("New-IssueWorktree 7 -WhatIf");
        Assert.Empty(r.Output);
        Assert.Contains("What if: Performing the operation \"Create worktree on branch 'feature/issue-7' from 'main'\"", r.Text);
        Assert.False(Directory.Exists(Path.Combine(repo.Parent, "app-worktrees")));
        Assert.Empty(ps.Run("Get-IssueWorktree").Output);

        ps.Run("New-IssueWorktree 7 -NoInstall");
        ps.Run("Remove-IssueWorktree 7 -WhatIf");
        Assert.Single(ps.Run("Get-IssueWorktree").Output);
    }

    [Fact]
    public void Bad_ids_are_errors_for_that_input_only()
    {
        using var repo = Repo("34001-34999");
        using var ps = new PowerShellSession(repo.Root);
        var r = ps.Run("'ok-1', '../x', '; rm -rf', '', 'ok-2' | New-IssueWorktree -NoInstall");
        Assert.Equal(["InvalidIssueId", "InvalidIssueId", "InvalidIssueId"], r.ErrorIds);
        Assert.All(r.Errors, e => Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
        Assert.Equal(["ok-1", "ok-2"], r.Objects<IssueWorktree>().Select(w => w.Issue));
        Assert.Equal(["app-worktrees"], Directory.GetDirectories(repo.Parent).Select(d => Path.GetFileName(d)!).Where(d => d != "app").ToArray());
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(repo.Parent, "app-worktrees")).Length);
    }

    [Fact]
    public void Removing_dirty_work_is_refused_then_forced_with_a_backup_and_a_warning()
    {
        using var repo = Repo("35001-35999");
        using var ps = new PowerShellSession(repo.Root);
        var w = Assert.Single(ps.Run("New-IssueWorktree 9 -NoInstall").Objects<IssueWorktree>());
        File.WriteAllText(Path.Combine(w.Path, "draft.txt"), "unsaved idea\n");

        var refused = ps.Run("Remove-IssueWorktree 9 -Confirm:$false");
        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("IssueWorktreeDirty,", error.FullyQualifiedErrorId);
        Assert.Equal("9", error.TargetObject);
        Assert.True(File.Exists(Path.Combine(w.Path, "draft.txt")));

        var forced = ps.Run("Remove-IssueWorktree 9 -Force -Confirm:$false");
        Assert.Empty(forced.Errors);
        var warning = Assert.Single(forced.Text.Split('\n'), l => l.StartsWith("WARNING:"));
        var backup = System.Text.RegularExpressions.Regex.Match(warning, @"refs/worktree-tools/backup/9/\d{8}T\d{9}Z").Value;
        Assert.Equal("unsaved idea", repo.Git("show", backup + ":draft.txt"));
    }

    [Fact]
    public void A_failing_install_is_marked_and_its_log_is_readable()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "setup: { install: 'echo resolving packages; echo no such package >&2; exit 7' }\nports: { web: 54001-54999 }\n");
        repo.Commit("config");
        using var ps = new PowerShellSession(repo.Root);
        ps.Run("Approve-WorktreeConfig");
        var created = ps.Run("New-IssueWorktree 1");
        var w = Assert.Single(created.Objects<IssueWorktree>());
        Assert.Equal(WorktreeState.InstallFailed, w.State);
        Assert.Contains("exit code 7", created.Text);
        var log = ps.Run("Get-IssueWorktree 1 | Get-IssueLog -Source Install").Output.Select(o => o.ToString()).ToList();
        Assert.Contains("resolving packages", log);
        Assert.Contains("no such package", log);
        Assert.Contains("# exit code 7", log);
    }

    [Fact]
    public void Get_IssueWorktree_reports_unknown_ids_and_All_shows_other_worktrees()
    {
        using var repo = Repo("36001-36999");
        using var ps = new PowerShellSession(repo.Root);
        ps.Run("New-IssueWorktree 1 -NoInstall");
        repo.Git("worktree", "add", "-q", "-b", "spike", Path.Combine(repo.Parent, "spike"));
        var r = ps.Run("Get-IssueWorktree 1, 404");
        Assert.Equal(["IssueWorktreeNotFound"], r.ErrorIds);
        Assert.Single(r.Objects<IssueWorktree>());
        Assert.Equal(2, ps.Run("Get-IssueWorktree -All").Objects<IssueWorktree>().Count());
    }

    [Fact]
    public void Enter_IssueWorktree_sets_the_location()
    {
        using var repo = Repo("37001-37999");
        using var ps = new PowerShellSession(repo.Root);
        var w = Assert.Single(ps.Run("New-IssueWorktree 4 -NoInstall").Objects<IssueWorktree>());
        var r = ps.Run("Enter-IssueWorktree 4 -PassThru");
        Assert.Empty(r.Errors);
        Assert.Equal(w.Path, ps.Location);
        // From inside the issue worktree, the repository is still found.
        Assert.Single(ps.Run("Get-IssueWorktree").Objects<IssueWorktree>());
    }

    [Fact]
    public void Issue_ids_complete_on_tab()
    {
        using var repo = Repo("38001-38999");
        using var ps = new PowerShellSession(repo.Root);
        ps.Run("'PROJ-1', 'PROJ-2', '77' | New-IssueWorktree -NoInstall");
        var r = ps.Run("(TabExpansion2 -inputScript 'Remove-IssueWorktree PROJ' -cursorColumn 24).CompletionMatches.CompletionText");
        Assert.Empty(r.Errors);
        Assert.Equal(["PROJ-1", "PROJ-2"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Eight_creations_in_parallel_runspaces_never_share_a_port()
    {
        using var repo = Repo("39001-39999");
        using var ps = new PowerShellSession(repo.Root);
        var r = ps.Run($"$m = '{TestEnvironment.ManifestPath}'; $repo = '{repo.Root}'; " +
                       "200..207 | ForEach-Object -ThrottleLimit 8 -Parallel { Import-Module $using:m; New-IssueWorktree $_ -NoInstall -Repository $using:repo }");
        Assert.Empty(r.Errors);
        var ports = r.Output.Select(o => ((IDictionary<string, int>)o.Properties["Ports"].Value)["web"]).ToList();
        Assert.Equal(8, ports.Count);
        Assert.Equal(8, ports.Distinct().Count());
    }

    [Fact]
    public void A_process_killed_in_the_middle_of_creation_is_repaired()
    {
        using var repo = new TestRepo();
        var marker = Path.Combine(repo.Parent, "install-started");
        repo.Write(".worktree-tools.yml", $"setup: {{ install: 'touch \"{marker}\"; sleep 20' }}\nports: {{ web: 40001-40999 }}\n");
        repo.Commit("config");
        using (var ps = new PowerShellSession(repo.Root)) ps.Run("Approve-WorktreeConfig");

        // Output is not redirected: the orphaned install would hold the pipe open after the kill.
        using (var p = Process.Start(PwshProcess.StartInfo(repo.Root, "-Command", $"Import-Module '{TestEnvironment.ManifestPath}'; New-IssueWorktree 1"))!)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(marker) && DateTime.UtcNow < deadline && !p.HasExited) Thread.Sleep(50);
            Assert.True(File.Exists(marker), "the install never started");
            p.Kill(); // SIGKILL in the middle of New-IssueWorktree
            p.WaitForExit();
        }

        using var session = new PowerShellSession(repo.Root);
        Assert.Equal(WorktreeState.Creating, Assert.Single(session.Run("Get-IssueWorktree").Objects<IssueWorktree>()).State);
        var repaired = session.Run("Repair-IssueWorktree");
        Assert.Empty(repaired.Errors);
        Assert.Contains(repaired.Objects<RepairAction>(), a => a.Issue == "1" && a.Action == "FinishedCreation");
        var w = Assert.Single(session.Run("Get-IssueWorktree").Objects<IssueWorktree>());
        Assert.Equal(WorktreeState.InstallFailed, w.State); // the install was cut off
        Assert.False(w.Missing);

        // Running New-IssueWorktree again runs the install again, to the end this time.
        File.WriteAllText(Path.Combine(repo.Root, ".worktree-tools.yml"), $"setup: {{ install: 'touch \"{marker}.again\"' }}\nports: {{ web: 40001-40999 }}\n");
        session.Run("Approve-WorktreeConfig");
        var again = Assert.Single(session.Run("New-IssueWorktree 1").Objects<IssueWorktree>());
        Assert.Equal(WorktreeState.Ready, again.State);
        Assert.True(File.Exists(marker + ".again"));
    }
}
