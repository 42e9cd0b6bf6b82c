using System.Diagnostics;
using System.Text.RegularExpressions;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Real pwsh processes killed with SIGKILL at the worst moment, and state written so that a power cut cannot half-write it.</summary>
public sealed class CrashTests
{
    private const int Files = 10_000;

    /// <summary>Starts pwsh running <paramref name="command"/> in a session of its own: its pid leads the process group.</summary>
    private static Process StartInOwnGroup(string workingDirectory, string command)
    {
        var pwsh = PwshProcess.StartInfo(workingDirectory, "-NoProfile", "-NonInteractive", "-Command", $"Import-Module '{TestEnvironment.ManifestPath}'; {command}");
        var psi = new ProcessStartInfo("setsid") { WorkingDirectory = workingDirectory, UseShellExecute = false };
        psi.ArgumentList.Add(pwsh.FileName);
        foreach (var a in pwsh.ArgumentList) psi.ArgumentList.Add(a);
        foreach (var (k, v) in pwsh.Environment) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    private static void KillGroup(Process leader)
    {
        using (var kill = Process.Start("kill", ["-KILL", "--", "-" + leader.Id])) kill.WaitForExit();
        leader.WaitForExit();
    }

    [LinuxFact]
    public void SIGKILL_of_the_whole_group_during_git_worktree_add_leaves_a_checkout_that_Repair_finishes()
    {
        using var repo = new TestRepo();
        for (var i = 0; i < Files; i++) repo.Write($"src/d{i / 100:000}/f{i:00000}.txt", $"file {i}\n");
        repo.Write(".worktree-tools.yml", "ports: { web: 44001-44999 }\n");
        repo.Commit("ten thousand files");
        var last = $"src/d{(Files - 1) / 100:000}/f{Files - 1:00000}.txt";
        var root = Path.Combine(repo.Parent, "app-worktrees");

        // Kill until a kill lands in the middle of the checkout (one that lands before or after proves nothing).
        var cut = new List<string>();
        for (var attempt = 1; attempt <= 4 && cut.Count < 2; attempt++)
        {
            var issue = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var path = Path.Combine(root, "issue-" + issue);
            var admin = Path.Combine(repo.Root, ".git", "worktrees", "issue-" + issue);
            using var p = StartInOwnGroup(repo.Root, $"New-IssueWorktree {issue} -NoInstall");
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!p.HasExited && DateTime.UtcNow < deadline &&
                   !(File.Exists(Path.Combine(admin, "locked")) && File.Exists(Path.Combine(path, "src", "d000", "f00000.txt"))))
                Thread.Sleep(5);
            KillGroup(p);
            if (File.Exists(Path.Combine(admin, "locked")) && !File.Exists(Path.Combine(path, last))) cut.Add(issue);
        }
        Assert.NotEmpty(cut);

        using var ps = new PowerShellSession(repo.Root);
        foreach (var issue in cut)
        {
            var path = Path.Combine(root, "issue-" + issue);
            Assert.Equal(WorktreeState.Creating, ps.Run($"Get-IssueWorktree {issue}").Objects<IssueWorktree>().Single().State);
            Assert.Contains("D  ", TestRepo.Run(path, "status", "--porcelain")); // files not yet written show as staged deletions
        }

        var repaired = ps.Run("Repair-IssueWorktree");
        Assert.Empty(repaired.Errors);
        var actions = repaired.Objects<RepairAction>().ToList();
        foreach (var issue in cut)
        {
            Assert.Contains(actions, a => a.Issue == issue && a.Action == "FinishedCheckout");
            Assert.Contains(actions, a => a.Issue == issue && a.Action == "FinishedCreation");
            var w = ps.Run($"Get-IssueWorktree {issue}").Objects<IssueWorktree>().Single();
            Assert.Equal(WorktreeState.Ready, w.State);
            Assert.False(w.Locked);
            Assert.Equal("", TestRepo.Run(w.Path, "status", "--porcelain"));
            Assert.Equal(Files + 3, Directory.EnumerateFiles(w.Path, "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(f) != ".git")); // + README, .gitignore, config
            Assert.False(File.Exists(Path.Combine(repo.Root, ".git", "worktrees", "issue-" + issue, "index.lock")));
        }
        // Every kill, mid-checkout or not, is repaired: nothing is left Creating.
        Assert.All(ps.Run("Get-IssueWorktree").Objects<IssueWorktree>(), w => Assert.Equal(WorktreeState.Ready, w.State));
    }

    [LinuxFact]
    public void State_is_flushed_to_disk_before_it_replaces_the_old_file_and_the_folder_after()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "ports: { web: 44001-44999 }\n");
        repo.Commit("config");
        var home = Path.Combine(repo.Parent, "home");
        var trace = Path.Combine(repo.Parent, "strace.txt");
        var pwsh = PwshProcess.StartInfo(repo.Root, "-NoProfile", "-NonInteractive", "-Command", $"Import-Module '{TestEnvironment.ManifestPath}'; New-IssueWorktree 1 -NoInstall");
        var psi = new ProcessStartInfo("strace") { WorkingDirectory = repo.Root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", trace, "--", pwsh.FileName }) psi.ArgumentList.Add(a);
        foreach (var a in pwsh.ArgumentList) psi.ArgumentList.Add(a);
        foreach (var (k, v) in pwsh.Environment) psi.Environment[k] = v;
        psi.Environment["WORKTREE_TOOLS_HOME"] = home;
        using (var p = Process.Start(psi)!)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, output + stderr.Result);
        }

        var calls = File.ReadAllLines(trace);
        var leases = Path.Combine(home, "leases.json");
        var renames = calls.Select((line, i) => (line, i)).Where(c => Regex.IsMatch(c.line, $@"rename\w*\(.*""{Regex.Escape(leases)}""")).ToList();
        Assert.NotEmpty(renames);
        foreach (var (line, i) in renames)
        {
            var temp = Regex.Match(line, @"""([^""]+\.tmp)""").Groups[1].Value;
            Assert.Contains(calls.Take(i), c => c.Contains("fsync(") && c.Contains($"<{temp}>"));
            Assert.Contains(calls.Skip(i + 1), c => c.Contains("fsync(") && c.Contains($"<{home}>"));
        }
    }
}
