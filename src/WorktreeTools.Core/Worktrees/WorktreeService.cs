using System.Globalization;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.Resources;
using WorktreeTools.Core.State;
using WorktreeTools.Worktrees;
using Record = WorktreeTools.Core.Resources.LeaseRegistry.WorktreeRecord;

namespace WorktreeTools.Core.Worktrees;

/// <summary>
/// The life of issue worktrees in one repository: create (with env, ports, database, install), list with
/// live status, remove without ever losing work, and repair after a crash.
/// </summary>
public sealed partial class WorktreeService
{
    private readonly IOperationHost _host;
    private readonly LeaseRegistry _registry;

    public WorktreeService(string path, IOperationHost host, LeaseRegistry? registry = null)
    {
        (Repo, Config) = ConfigService.Load(path);
        _host = host;
        _registry = registry ?? new LeaseRegistry();
        StateDirectory = ToolPaths.RepositoryStateDirectory(Repo.MainRoot);
    }

    public RepositoryInfo Repo { get; }
    public WorktreeConfig Config { get; }
    /// <summary>Per-repository folder for logs and locks, outside every worktree.</summary>
    public string StateDirectory { get; }

    public WorktreeLayout Layout(string issue, string? baseBranch = null) =>
        WorktreeLayout.For(Repo, Config, IssueId.Validate(issue), baseBranch);

    private FileLock LockRepository(string what) =>
        FileLock.Acquire(System.IO.Path.Combine(StateDirectory, what + ".lock"), TimeSpan.FromMinutes(2));

    public string LogPath(string name, string kind) => System.IO.Path.Combine(StateDirectory, "logs", $"{name}-{kind}.log");

    // ---------------------------------------------------------------- create

    /// <summary>
    /// Creates the issue's worktree (or returns it when it exists), copies and rewrites its env file, leases
    /// its ports, prepares its database and runs the install. Returns null when ShouldProcess declined.
    /// </summary>
    public IssueWorktree? Create(string issue, string? baseBranch = null, bool noFetch = false, bool noInstall = false)
    {
        var layout = Layout(issue, baseBranch);
        Record record;
        using (LockRepository("worktrees"))
        {
            var worktrees = GitWorktree.List(Repo.MainRoot);
            var existing = worktrees.FirstOrDefault(w => LeaseRegistry.SamePath(w.Path, layout.Path));
            var known = _registry.Find(Repo.MainRoot, layout.Issue);
            if (existing is not null && existing.Branch == layout.Branch && known is { State: WorktreeState.Ready } ||
                existing is not null && known is { State: WorktreeState.InstallFailed } && noInstall)
                return Get(layout.Issue);

            if (existing is not null && existing.Branch != layout.Branch)
                throw new WorktreeToolsException("WorktreePathOccupied", ErrorKind.ResourceExists,
                    $"{layout.Path} is already a worktree of branch '{existing.Branch ?? "(detached)"}', not '{layout.Branch}'.", layout.Path);
            if (existing is null && Directory.Exists(layout.Path) && Directory.EnumerateFileSystemEntries(layout.Path).Any())
                throw new WorktreeToolsException("WorktreePathOccupied", ErrorKind.ResourceExists,
                    $"{layout.Path} exists and is not empty; it is not the worktree of issue {layout.Issue}. Move it away or change worktrees.root.", layout.Path);
            var elsewhere = worktrees.FirstOrDefault(w => w.Branch == layout.Branch && !LeaseRegistry.SamePath(w.Path, layout.Path));
            if (elsewhere is not null)
                throw new WorktreeToolsException("BranchCheckedOutElsewhere", ErrorKind.ResourceBusy,
                    $"Branch '{layout.Branch}' is already checked out in {elsewhere.Path}. Switch that worktree to another branch, or remove it, first.", elsewhere.Path);

            var action = existing is null ? $"Create worktree on branch '{layout.Branch}' from '{layout.Base}'"
                : known is { State: WorktreeState.InstallFailed } ? "Run the install again" : "Finish setting up the worktree";
            if (!_host.ShouldProcess(layout.Path, action)) return null;

            var startPoint = existing is null ? StartPoint(layout, noFetch) : null;
            record = _registry.Reserve(new Record
            {
                Repository = Repo.MainRoot,
                Issue = layout.Issue,
                Name = layout.Name,
                Path = layout.Path,
                Branch = layout.Branch,
                Base = layout.Base,
                Database = layout.DatabaseFullPath,
                EnvFile = System.IO.Path.Combine(layout.Path, Config.Env.File),
                Created = DateTime.UtcNow,
                State = WorktreeState.Creating,
                OwnerPid = Environment.ProcessId,
            }, Config.Ports);

            if (existing is null)
            {
                _host.Progress(1, "New-IssueWorktree", $"git worktree add {layout.Path}");
                AddWorktree(layout, startPoint!);
            }
            Setup(layout, record);
        }

        if (noInstall || Install(layout, record))
            _registry.SetState(Repo.MainRoot, layout.Issue, WorktreeState.Ready);
        _host.Progress(1, "New-IssueWorktree", "done", completed: true);
        // A worktree just checked out is clean: no need to pay for a 'git status' of every file.
        return Get(layout.Issue, fileStatus: false);
    }

    /// <summary>The commit new work starts from: the remote's base after a fetch when there is a remote, else the local base.</summary>
    private string StartPoint(WorktreeLayout layout, bool noFetch)
    {
        var remote = Config.Worktrees.Remote;
        var hasRemote = GitCli.Read(Repo.MainRoot, ["remote"]).Output.Split('\n').Any(r => r.Trim() == remote);
        if (hasRemote && !noFetch)
        {
            _host.Progress(1, "New-IssueWorktree", $"git fetch {remote} {layout.Base}");
            var fetch = GitCli.Run(Repo.MainRoot, ["fetch", "--quiet", remote, layout.Base], check: false);
            if (!fetch.Success) _host.Warning($"Could not fetch {remote}/{layout.Base} ({fetch.Error.Trim()}); starting from the local '{layout.Base}'.");
        }
        foreach (var candidate in hasRemote ? new[] { $"refs/remotes/{remote}/{layout.Base}", $"refs/heads/{layout.Base}" } : [$"refs/heads/{layout.Base}"])
            if (GitCli.Read(Repo.MainRoot, ["rev-parse", "--verify", "--quiet", candidate + "^{commit}"], check: false).Success)
                return candidate;
        if (GitCli.Read(Repo.MainRoot, ["rev-parse", "--verify", "--quiet", layout.Base + "^{commit}"], check: false).Success)
            return layout.Base;
        throw new WorktreeToolsException("BaseNotFound", ErrorKind.ObjectNotFound,
            $"The base branch '{layout.Base}' does not exist in {Repo.MainRoot}. Pass -Base or set worktrees.base.", layout.Base);
    }

    private bool BranchExists(string branch) =>
        GitCli.Read(Repo.MainRoot, ["rev-parse", "--verify", "--quiet", "refs/heads/" + branch], check: false).Success;

    /// <summary>Adds the worktree: on a new branch from <paramref name="startPoint"/>, or on the issue's existing branch (work resumed).</summary>
    private void AddWorktree(WorktreeLayout layout, string startPoint)
    {
        var branchExists = BranchExists(layout.Branch);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(layout.Path)!);
        var args = branchExists
            ? new List<string> { "worktree", "add", layout.Path, layout.Branch }
            : ["worktree", "add", "--no-track", "-b", layout.Branch, layout.Path, startPoint];
        if (branchExists) _host.Verbose($"Branch '{layout.Branch}' exists: checking it out (work resumed).");
        var r = GitCli.Run(Repo.MainRoot, args, check: false);
        if (!r.Success)
        {
            _registry.Release(Repo.MainRoot, layout.Issue);
            throw new WorktreeToolsException("WorktreeAddFailed", ErrorKind.InvalidOperation,
                $"git worktree add failed: {r.Error.Trim()}", layout.Path);
        }
    }

    /// <summary>Copies configured files, writes the env file and prepares the database. Safe to run again.</summary>
    private void Setup(WorktreeLayout layout, Record record)
    {
        _host.Progress(1, "New-IssueWorktree", "environment");
        foreach (var file in Config.Setup.Copy.Where(f => f != Config.Env.File))
            CopyIfMissing(System.IO.Path.Combine(Repo.MainRoot, file), System.IO.Path.Combine(layout.Path, file));

        var envTarget = System.IO.Path.Combine(layout.Path, Config.Env.File);
        if (!File.Exists(envTarget) && EnvText(layout, record.Ports) is { } rewritten)
        {
            // Written once, whole (temp file + rename): a crash leaves no half-rewritten env file.
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(envTarget)!);
            File.WriteAllText(envTarget + ".tmp", rewritten);
            File.Move(envTarget + ".tmp", envTarget, overwrite: true);
        }

        if (layout.DatabaseFullPath is { } db)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(db)!);
            var seed = Config.Database.Seed is null ? null : System.IO.Path.Combine(Repo.MainRoot, Config.Database.Seed);
            if (!File.Exists(db) && seed is not null)
            {
                if (File.Exists(seed))
                {
                    _host.Progress(1, "New-IssueWorktree", $"seeding {db}");
                    DatabaseSeeder.Copy(seed, db);
                }
                else _host.Warning($"database.seed {seed} does not exist; issue {layout.Issue} starts with no database file.");
            }
        }
    }

    /// <summary>The issue's env file as setup writes it (the main checkout's copied and rewritten), or null when there is none to write.</summary>
    private string? EnvText(WorktreeLayout layout, IReadOnlyDictionary<string, int> ports)
    {
        var tokens = layout.Tokens(Repo, ports);
        var source = new[] { Config.Env.File, Config.Env.Example }
            .Select(f => System.IO.Path.Combine(Repo.MainRoot, f))
            .FirstOrDefault(File.Exists);
        var copyEnv = Config.Setup.Copy.Contains(Config.Env.File);
        var text = copyEnv && source is not null ? File.ReadAllText(source) : "";
        var set = Config.Env.Set.ToDictionary(kv => kv.Key, kv => Template.Expand(kv.Value, tokens));
        return text.Length > 0 || set.Count > 0 ? EnvFile.Rewrite(text, set, EnvFile.Replacements(Config.Env, tokens)) : null;
    }

    private static void CopyIfMissing(string source, string target)
    {
        if (File.Exists(source) && !File.Exists(target))
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        else if (Directory.Exists(source) && !Directory.Exists(target))
        {
            foreach (var f in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
                CopyIfMissing(f, System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, f)));
        }
    }

    /// <summary>The install command for a worktree folder: configured, detected from its lockfile, or null.</summary>
    private string? InstallCommand(string worktree) =>
        !Config.Setup.InstallEnabled ? null : Config.Setup.Install?.Text ?? PackageManager.Detect(worktree)?.InstallCommand;

    /// <summary>Runs the install command; false (and state InstallFailed) when it fails. <paramref name="activity"/> names the progress.</summary>
    private bool Install(WorktreeLayout layout, Record record, string activity = "New-IssueWorktree")
    {
        var command = InstallCommand(layout.Path);
        if (command is null) return true;
        if (Config.Setup.Install is { } configured) new TrustStore().EnsureTrusted(Config, configured);
        command = Template.Expand(command, layout.Tokens(Repo, record.Ports));
        var log = LogPath(layout.Name, "install");
        _host.Progress(1, activity, $"{command} (log: {log})");
        int exit;
        try
        {
            exit = ShellCommand.Run(command, layout.Path, IssueEnvironment(layout, record.Ports), log, _host.Cancellation,
                line => _host.Progress(1, activity, $"{command}: {Truncate(line)}"));
        }
        catch (WorktreeToolsException ex) when (ex.ErrorId == "CommandStartFailed")
        {
            exit = -1;
            File.AppendAllText(log, ex.Message + System.Environment.NewLine);
        }
        if (exit == 0) return true;
        _registry.SetState(Repo.MainRoot, layout.Issue, WorktreeState.InstallFailed, log);
        _host.Warning($"'{command}' failed with exit code {exit} in {layout.Path}. The worktree is kept; see the log: {log}");
        return false;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>
    /// The environment an issue's processes (install, dev server, agent, commands) run with: its env file,
    /// then <see cref="Processes.IssueEnvironment"/> (ISSUE_ID, PORT, PORT_&lt;NAME&gt;, artifacts), then
    /// WORKTREE_BRANCH, WORKTREE_PATH, WORKTREE_REPOSITORY and WORKTREE_DATABASE.
    /// </summary>
    public IReadOnlyDictionary<string, string?> IssueEnvironment(WorktreeLayout layout, IReadOnlyDictionary<string, int> ports)
    {
        var envFile = System.IO.Path.Combine(layout.Path, Config.Env.File);
        var fromFile = File.Exists(envFile)
            ? EnvFile.Parse(File.ReadAllText(envFile)).ToDictionary(kv => kv.Key, kv => (string?)kv.Value)
            : new Dictionary<string, string?>();
        var env = Processes.IssueEnvironment.For(layout.Issue, layout.Path, fromFile, ports, Config.DevServer.Ready.Port);
        env["WORKTREE_BRANCH"] = layout.Branch;
        env["WORKTREE_PATH"] = layout.Path;
        env["WORKTREE_REPOSITORY"] = Repo.MainRoot;
        if (layout.DatabaseFullPath is { } db) env["WORKTREE_DATABASE"] = db;
        return env;
    }

}
