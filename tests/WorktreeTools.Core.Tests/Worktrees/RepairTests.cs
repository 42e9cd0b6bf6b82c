using System.Diagnostics;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Resources;
using WorktreeTools.Core.Tests.Processes;
using WorktreeTools.Processes;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>Repair after crashes: who owns a record, one bad record among good ones, runs of an earlier worktree, ports another program took.</summary>
public sealed class RepairTests : IDisposable
{
    private readonly ProcessSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private static LeaseRegistry.WorktreeRecord Creating(WorktreeFixture f, string issue, ProcessIdentity? owner)
    {
        var layout = f.Service.Layout(issue);
        return f.Registry.Reserve(new LeaseRegistry.WorktreeRecord
        {
            Repository = f.Repo.Root, Issue = issue, Name = layout.Name, Path = layout.Path, Branch = layout.Branch,
            Base = "main", State = WorktreeState.Creating, Owner = owner, EnvFile = Path.Combine(layout.Path, ".env"),
        }, f.Service.Config.Ports);
    }

    [LinuxFact]
    public void A_record_whose_owner_pid_now_belongs_to_another_program_is_repaired_and_a_live_owner_is_left_alone()
    {
        using var f = new WorktreeFixture();
        using var other = Process.Start(new ProcessStartInfo("sleep", "60"))!;
        _box.Track(ProcessIdentity.Of(other.Id)!);
        // The session that began creating issue 1 died; the system gave its pid to 'sleep', which started later.
        var now = ProcessIdentity.Of(other.Id)!;
        Creating(f, "1", now with { StartTime = now.StartTime.AddMinutes(-5), StartKey = "an-earlier-boot:12345" });
        // Issue 2 is being created right now by that very process.
        Creating(f, "2", now);

        var actions = f.Service.Repair();

        Assert.Contains(actions, a => a.Issue == "1" && a.Action == "RolledBackCreation");
        Assert.Null(f.Registry.Find(f.Repo.Root, "1"));
        Assert.DoesNotContain(actions, a => a.Issue == "2");
        Assert.Equal(WorktreeState.Creating, f.Registry.Find(f.Repo.Root, "2")!.State);
    }

    [Fact]
    public void One_record_that_cannot_be_repaired_is_reported_and_the_others_are_repaired()
    {
        using var f = new WorktreeFixture("env: { set: { PORT: '{port.web}' } }\nports: { web: 29501-29999 }\n");
        var layout = f.Service.Layout("1");
        Creating(f, "1", ProcessIdentity.Vanished(999_999_999));
        f.Repo.Git("worktree", "add", "-q", "-b", layout.Branch, layout.Path);
        Directory.CreateDirectory(Path.Combine(layout.Path, ".env")); // the env file cannot be written: setup fails
        var gone = f.Service.Create("2", noInstall: true)!;
        TestRepo.ForceDelete(gone.Path);

        var actions = f.Service.Repair();

        var failed = Assert.Single(actions, a => a.Action == "Failed");
        Assert.Equal("1", failed.Issue);
        Assert.Contains(f.Host.Warnings, m => m.Contains("issue 1"));
        Assert.Contains(actions, a => a.Issue == "2" && a.Action == "ReleasedLeases");
        Assert.Null(f.Registry.Find(f.Repo.Root, "2"));
        Assert.Equal(WorktreeState.Creating, f.Registry.Find(f.Repo.Root, "1")!.State); // left for the next repair
    }

    [Fact]
    public void A_creation_cut_off_before_git_wrote_HEAD_is_rolled_back_and_git_forgets_the_half_made_worktree()
    {
        using var f = new WorktreeFixture();
        var layout = f.Service.Layout("3");
        Creating(f, "3", ProcessIdentity.Vanished(999_999_999));
        // What git worktree add leaves when it is killed before HEAD: its record locked "initializing", a folder with only .git.
        f.Repo.Git("worktree", "add", "-q", "--no-checkout", "-b", layout.Branch, layout.Path);
        var admin = Path.Combine(f.Repo.Root, ".git", "worktrees", layout.Name);
        File.Delete(Path.Combine(admin, "HEAD"));
        File.WriteAllText(Path.Combine(admin, "locked"), "initializing");

        var actions = f.Service.Repair();

        Assert.Single(actions, a => a.Issue == "3" && a.Action == "RemovedPartialWorktree");
        Assert.Contains(actions, a => a.Issue == "3" && a.Action == "RolledBackCreation");
        Assert.False(Directory.Exists(layout.Path));
        Assert.False(Directory.Exists(admin));
        Assert.DoesNotContain(layout.Path, f.Repo.Git("worktree", "list"));
        Assert.Null(f.Registry.Find(f.Repo.Root, "3"));
        Assert.NotNull(f.Service.Create("3", noInstall: true)); // and it can be made again
    }

    [LinuxFact]
    public void A_worktree_made_again_loses_the_crashed_server_record_and_log_of_the_earlier_one()
    {
        using var f = new WorktreeFixture("ports: { web: 29001-29499 }\n");
        var w = f.Service.Create("5", noInstall: true)!;
        var crashed = DevServers.Start(f.Repo.Root, "5", w.Path, "echo the old server; exit 3", null, w.Ports, null, f.Host, wait: false)!;
        Assert.True(ProcessSandbox.Eventually(() => DevServers.Get(f.Repo.Root, "5").Single().State == ProcessState.Crashed));
        Assert.True(File.Exists(crashed.LogPath));

        // The folder is deleted by hand, git forgets it, and the issue's worktree is made again.
        TestRepo.ForceDelete(w.Path);
        f.Repo.Git("worktree", "prune");
        Thread.Sleep(50);
        var again = f.Service.Create("5", noInstall: true)!;
        Assert.False(again.Missing);

        var actions = f.Service.Repair();

        Assert.Contains(actions, a => a.Issue == "5" && a.Action == "ForgotRuns");
        Assert.Empty(DevServers.Get(f.Repo.Root, "5"));
        Assert.False(File.Exists(crashed.LogPath));
        Assert.Null(f.Service.Get("5").DevServer);
    }

    [LinuxFact]
    public void A_worktree_made_again_is_Creating_until_its_install_ends_so_a_kill_in_the_install_is_repaired()
    {
        // Found: a worktree deleted by hand and made again kept its old record's Ready while it was checked out and
        // installed, so a session killed in that install left an issue that said Ready and that Repair left alone.
        using var f = new WorktreeFixture("setup: { install: 'cp \"$WTT_TEST_REGISTRY/leases.json\" ../mid-install.json' }\n");
        var registry = Path.Combine(f.Repo.Parent, "registry");
        Environment.SetEnvironmentVariable("WTT_TEST_REGISTRY", registry);
        try
        {
            var w = f.Service.Create("7", noInstall: true)!;
            TestRepo.ForceDelete(w.Path);

            f.Service.Create("7");
            // The state files as a kill during that install leaves them.
            File.Copy(Path.Combine(f.WorktreesRoot, "mid-install.json"), Path.Combine(registry, "leases.json"), overwrite: true);
            Assert.Equal(WorktreeState.Creating, f.Registry.Find(f.Repo.Root, "7")!.State);

            var actions = f.Service.Repair();

            Assert.Contains(actions, a => a.Issue == "7" && a.Action == "FinishedCreation" && a.Detail.Contains("interrupted"));
            Assert.Equal(WorktreeState.InstallFailed, f.Service.Get("7").State);
        }
        finally { Environment.SetEnvironmentVariable("WTT_TEST_REGISTRY", null); }
    }

    [LinuxFact]
    public void A_creation_whose_install_outlived_its_session_has_that_install_stopped_before_it_is_called_interrupted()
    {
        // Found: pwsh killed (kill -9) in New-IssueWorktree's install; the install went on, and Repair said "the install
        // was interrupted: run New-IssueWorktree to run it again", which ran a second install beside the first.
        using var f = new WorktreeFixture("setup: { install: 'true' }\n");
        var w = f.Service.Create("8", noInstall: true)!;
        f.Registry.Change(f.Repo.Root, "8", r => (r.State, r.Owner) = (WorktreeState.Creating, ProcessIdentity.Vanished(999_999_999)));
        using var install = Process.Start(new ProcessStartInfo("sleep", "60") { WorkingDirectory = w.Path })!;
        _box.Track(ProcessIdentity.Of(install.Id)!);

        var actions = f.Service.Repair();

        Assert.Contains(actions, a => a.Issue == "8" && a.Action == "StoppedSetup" && a.Detail.Contains($"pid {install.Id}"));
        Assert.True(install.WaitForExit(10_000), "the cut-off install still runs");
        Assert.Contains(actions, a => a.Issue == "8" && a.Action == "FinishedCreation" && a.Detail.Contains("interrupted"));
        Assert.Equal(WorktreeState.InstallFailed, f.Service.Get("8").State);
    }

    [LinuxFact]
    public void A_terminal_in_the_folder_of_a_cut_off_creation_is_never_stopped_and_the_repair_waits_for_it()
    {
        using var f = new WorktreeFixture("setup: { install: 'true' }\n");
        var w = f.Service.Create("9", noInstall: true)!;
        f.Registry.Change(f.Repo.Root, "9", r => (r.State, r.Owner) = (WorktreeState.Creating, ProcessIdentity.Vanished(999_999_999)));
        // script(1) gives its command a terminal, as a user's shell or editor has.
        var shell = DetachedProcess.Start(new LaunchRequest
        {
            Arguments = ["script", "-qfc", "sleep 60", "/dev/null"],
            WorkingDirectory = w.Path,
            LogPath = Path.Combine(_box.Dir, "tty.log"),
            ExitFile = Path.Combine(_box.Dir, "tty.exit"),
        });
        _box.Track(shell.Process);
        Assert.True(ProcessSandbox.Eventually(() => FolderProcesses.Find(w.Path).Any(p => p.Name == "sleep" && p.Interactive)));

        var failed = Assert.Single(f.Service.Repair(), a => a.Issue == "9");
        Assert.Equal("Failed", failed.Action);
        Assert.Contains("sleep", failed.Detail);
        Assert.True(shell.Process.IsAlive());
        Assert.Equal(WorktreeState.Creating, f.Registry.Find(f.Repo.Root, "9")!.State); // left for the next repair
    }

    [Fact]
    public void New_ports_replace_those_another_program_took_and_the_env_file_follows()
    {
        using var f = new WorktreeFixture("env: { set: { PORT: '{port.web}', API_URL: 'http://localhost:{port.api}' } }\nports: { web: 29601-29699, api: 29701-29799 }\n");
        var w = f.Service.Create("7", noInstall: true)!;
        File.AppendAllText(w.EnvFile!, "MINE=kept\n");
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, w.Ports["web"]);
        squatter.Start();

        var ex = Assert.Throws<WorktreeToolsException>(() => f.Service.StartDevServer("7", "sleep 30"));
        Assert.Equal("PortInUse", ex.ErrorId);
        Assert.Contains("Repair-IssueWorktree -Issue 7 -NewPorts", ex.Message);

        var action = Assert.Single(f.Service.Repair(["7"], newPorts: true), a => a.Issue == "7" && a.Action == "RenewedPorts");
        var renewed = f.Service.Get("7");
        Assert.NotEqual(w.Ports["web"], renewed.Ports["web"]);
        Assert.Equal(w.Ports["api"], renewed.Ports["api"]);
        Assert.Contains($"web: {w.Ports["web"]} -> {renewed.Ports["web"]}", action.Detail);
        Assert.Equal($"PORT={renewed.Ports["web"]}\nAPI_URL=http://localhost:{w.Ports["api"]}\nMINE=kept\n", File.ReadAllText(w.EnvFile!));
        // Nothing else listens on the new ports: another renewal keeps them.
        Assert.Single(f.Service.Repair(["7"], newPorts: true), a => a.Action == "KeptPorts");
    }
}
