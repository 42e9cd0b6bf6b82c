using WorktreeTools.Core.Git;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Resources;
using WorktreeTools.Core.Worktrees;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>A damaged, emptied or deleted state file is said, never read as "no worktrees", and Repair brings the registry back.</summary>
public sealed class StateDamageTests
{
    private const string Config = "env: { set: { PORT: '{port.web}' } }\nports: { web: 27001-27999 }\n";

    private static string Leases(WorktreeFixture f) => Path.Combine(f.Repo.Parent, "registry", "leases.json");

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("")]
    [InlineData("{\"worktrees\": null}")]
    [InlineData("{\"worktrees\": [null]}")]
    [InlineData("{\"worktrees\": [{\"issue\": \"1\"}]}")]
    [InlineData("{\"worktrees\": [{\"repository\": \"/r\", \"iss")]
    public void A_damaged_registry_is_an_error_that_changes_nothing_and_Repair_puts_back_the_last_good_copy(string damaged)
    {
        using var f = new WorktreeFixture(Config);
        var one = f.Service.Create("1", noInstall: true)!;
        var two = f.Service.Create("2", noInstall: true)!;
        File.WriteAllText(Leases(f), damaged);

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.List());
        Assert.Equal("StateFileDamaged", ex.ErrorId);
        Assert.Contains("Repair-IssueWorktree", ex.Message);
        Assert.Equal("StateFileDamaged", Assert.Throws<WorktreeToolsException>(() => f.Service.Create("3", noInstall: true)).ErrorId);
        Assert.Equal(damaged, File.ReadAllText(Leases(f)));
        Assert.False(Directory.Exists(Path.Combine(f.WorktreesRoot, "issue-3")));

        var actions = f.Service.Repair();

        var recovered = Assert.Single(actions, a => a.Action == "RecoveredStateFile");
        Assert.Contains("last good copy", recovered.Detail);
        var aside = Directory.GetFiles(Path.GetDirectoryName(Leases(f))!, "leases.json.damaged-*").Single();
        Assert.Equal(damaged, File.ReadAllText(aside));
        var list = f.Service.List().ToDictionary(w => w.Issue);
        Assert.Equal(one.Ports, list["1"].Ports);
        Assert.Equal(two.Ports, list["2"].Ports);
        Assert.All(list.Values, w => Assert.Equal(WorktreeState.Ready, w.State));
    }

    [Fact]
    public void A_folder_in_place_of_the_registry_or_its_lock_is_said_and_moved_aside_by_Repair()
    {
        using var f = new WorktreeFixture(Config);
        var one = f.Service.Create("1", noInstall: true)!;
        File.Delete(Leases(f));
        Directory.CreateDirectory(Leases(f));
        Assert.Equal("StateFileDamaged", Assert.Throws<WorktreeToolsException>(() => f.Service.List()).ErrorId);
        File.Delete(Leases(f) + ".lock");
        Directory.CreateDirectory(Leases(f) + ".lock");
        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.Create("2", noInstall: true));
        Assert.Equal("StateFileDamaged", ex.ErrorId);

        var actions = f.Service.Repair();

        Assert.Contains(actions, a => a.Action == "RecoveredStateFile" && a.Detail.Contains("lock file"));
        Assert.Contains(actions, a => a.Action == "RecoveredStateFile" && a.Detail.Contains("is a folder"));
        Assert.True(File.Exists(Leases(f)));
        Assert.Equal(one.Ports, f.Service.Get("1").Ports);
        Assert.NotNull(f.Service.Create("2", noInstall: true));
    }

    [Fact]
    public void A_folder_in_place_of_the_repository_lock_is_said_and_moved_aside_by_Repair()
    {
        using var f = new WorktreeFixture(Config);
        var lockPath = Path.Combine(f.Service.StateDirectory, "worktrees.lock");
        Directory.CreateDirectory(lockPath);

        Assert.Equal("StateFileDamaged", Assert.Throws<WorktreeToolsException>(() => f.Service.Create("1", noInstall: true)).ErrorId);
        Assert.Contains(f.Service.Repair(), a => a.Action == "RecoveredStateFile" && a.Detail.Contains("worktrees.lock"));
        Assert.False(Directory.Exists(lockPath));
        Assert.NotNull(f.Service.Create("1", noInstall: true));
    }

    [Fact]
    public void After_the_registry_is_deleted_an_issue_worktree_can_still_be_removed_and_Repair_adopts_the_others_with_their_ports()
    {
        using var f = new WorktreeFixture(Config);
        var one = f.Service.Create("1", noInstall: true)!;
        var two = f.Service.Create("2", noInstall: true)!;
        var three = f.Service.Create("3", noInstall: true)!;
        File.Delete(Leases(f));
        File.Delete(Leases(f) + ".last-good");
        Assert.Empty(f.Service.List());

        // Only the removed worktree's status is read (the status of every worktree was read to find it).
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Record(string dir, IReadOnlyList<string> args)
        {
            if (dir.StartsWith(f.Repo.Parent, StringComparison.Ordinal) && args.Contains("status")) statuses.Enqueue(dir);
        }
        RemoveOutcome removed;
        GitCli.Starting += Record;
        try { removed = f.Service.Remove("1", force: false, deleteBranch: false)!; }
        finally { GitCli.Starting -= Record; }
        Assert.All(statuses, dir => Assert.True(LeaseRegistry.SamePath(dir, one.Path), dir));
        Assert.NotEmpty(statuses);
        Assert.Equal("1", removed.Worktree.Issue);
        Assert.False(Directory.Exists(one.Path));

        var actions = f.Service.Repair();

        Assert.Equal(["2", "3"], actions.Where(a => a.Action == "AdoptedWorktree").Select(a => a.Issue).Order());
        var list = f.Service.List().ToDictionary(w => w.Issue);
        Assert.Equal(["2", "3"], list.Keys.Order());
        Assert.Equal(two.Ports, list["2"].Ports); // the ports its env file names
        Assert.Equal(three.Ports, list["3"].Ports);
        Assert.All(list.Values, w => Assert.Equal(WorktreeState.Ready, w.State));
        Assert.DoesNotContain(f.Service.Repair(), a => a.Action == "AdoptedWorktree");
    }

    [Fact]
    public void A_damaged_process_registry_is_said_and_Repair_puts_back_its_last_good_copy()
    {
        using var f = new WorktreeFixture(Config);
        var w = f.Service.Create("1", noInstall: true)!;
        DevServers.Start(f.Repo.Root, "1", w.Path, "exit 0", null, w.Ports, null, f.Host, wait: false);
        var file = ProcessRegistry.Open(f.Repo.Root).Path;
        File.WriteAllText(file, "{}");

        Assert.Equal("StateFileDamaged", Assert.Throws<WorktreeToolsException>(() => DevServers.Get(f.Repo.Root)).ErrorId);

        var actions = f.Service.Repair();
        Assert.Contains(actions, a => a.Action == "RecoveredStateFile" && a.Detail.Contains("processes.json"));
        Assert.Single(DevServers.Get(f.Repo.Root, "1"));
    }
}
