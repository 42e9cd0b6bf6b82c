using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// PowerShell's rules that hold for every cmdlet of the module (the shared base, WorktreeCmdlet): writes only on
/// the pipeline thread, and the pipeline's own exceptions (break, continue, a downstream error) left alone.
/// Ports 151xx–152xx.
/// </summary>
public sealed class PipelineRulesTests
{
    [LinuxFact]
    public void An_install_that_prints_lines_shows_progress_without_bringing_PowerShell_down()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "setup: { install: 'for i in 1 2 3 4 5; do echo installing package $i; done; echo warn >&2' }\nports: { web: 15101-15199 }\n");
        repo.Commit("config");
        using (var ps = new PowerShellSession(repo.Root)) Assert.Empty(ps.Run("Approve-WorktreeConfig").Errors);

        // A separate process with progress shown, as in pwsh: the install's lines arrive on other threads.
        var (exit, output, error) = PwshProcess.Run(repo.Root, "-Command",
            $"Import-Module '{TestEnvironment.ManifestPath}'; $ProgressPreference = 'Continue'; $VerbosePreference = 'Continue'; (New-IssueWorktree 1).State; exit 0");
        Assert.True(exit == 0, output + error);
        Assert.Equal("Ready", output.Split('\n', StringSplitOptions.TrimEntries).Last(l => l.Length > 0 && !l.StartsWith("VERBOSE:")));

        // In a hosted engine too (this test process would die with it).
        using var session = new PowerShellSession(repo.Root);
        var r = session.Run("$ProgressPreference = 'Continue'; New-IssueWorktree 2");
        Assert.Empty(r.Errors);
        Assert.Equal(WorktreeState.Ready, Assert.Single(r.Objects<IssueWorktree>()).State);
    }

    [LinuxFact]
    public void Break_continue_and_errors_downstream_keep_their_meaning()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "ports: { web: 15201-15299 }\n");
        repo.Commit("config");
        using var ps = new PowerShellSession(repo.Root);
        Assert.Empty(ps.Run("1, 2 | New-IssueWorktree -NoInstall").Errors);

        // break leaves the loop; continue goes on with the next pass; neither is an error.
        var r = ps.Run("""
            foreach ($i in 1..3) { Get-IssueWorktree | ForEach-Object { "break $i $($_.Issue)"; break } }
            foreach ($i in 1..2) { Get-IssueWorktree | ForEach-Object { "continue $i $($_.Issue)"; continue } }
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(["break 1 1", "continue 1 1", "continue 2 1"], r.Output.Select(o => o.ToString()));

        // A downstream throw is that script's error, caught as such.
        r = ps.Run("try { Get-IssueWorktree | ForEach-Object { throw 'mine' } } catch { 'caught ' + $_.Exception.Message }");
        Assert.Empty(r.Errors);
        Assert.Equal(["caught mine"], r.Output.Select(o => o.ToString()));

        // -ErrorAction Stop downstream stops with that command's error, not "WorktreeTools failed unexpectedly" from upstream.
        File.WriteAllText(Path.Combine(repo.Parent, "app-worktrees", "issue-1", "draft.txt"), "unsaved\n");
        r = ps.Run("try { Get-IssueWorktree | Remove-IssueWorktree -Confirm:$false -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }");
        Assert.Equal(["IssueWorktreeDirty,WorktreeTools.Commands.RemoveIssueWorktreeCommand"], r.Output.Select(o => o.ToString()));
        Assert.Equal(2, ps.Run("Get-IssueWorktree").Output.Count);   // stopped at the first: nothing removed
    }
}
