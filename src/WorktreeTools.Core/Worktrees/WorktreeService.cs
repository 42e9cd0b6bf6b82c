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
    /// its ports, prepares its database, runs the install and the after-create hooks. Everything that will run
    /// is checked (approved) before anything is created; a failure before the install rolls the creation back
    /// whole (worktree, the branch if it was made now, leases, record). Returns null when ShouldProcess declined.
    /// </summary>
    public IssueWorktree? Create(string issue, string? baseBranch = null, bool noFetch = false, bool noInstall = false)
    {
        var layout = Layout(Canonical(issue), baseBranch);
        Record record;
        IReadOnlyList<ConfiguredCommand> setup;
        using (LockRepository("worktrees"))
        {
            var worktrees = GitWorktree.List(Repo.MainRoot);
            var existing = worktrees.FirstOrDefault(w => LeaseRegistry.SamePath(w.Path, layout.Path));
            var known = _registry.Find(Repo.MainRoot, layout.Issue);
            if (existing is not null && !Directory.Exists(existing.Path))
            {
                // Deleted by hand: git forgets the entry, and the worktree is made again from its branch below.
                _host.Verbose($"The folder of issue {layout.Issue} ({existing.Path}) was deleted; creating it again from branch '{layout.Branch}'.");
                GitCli.Run(Repo.MainRoot, ["worktree", "prune"], check: false);
                existing = null;
            }
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
            if (existing is null) EnsureNoCaseTwin(layout);

            var action = existing is null ? $"Create worktree on branch '{layout.Branch}' from '{layout.Base}'"
                : known is { State: WorktreeState.InstallFailed } ? "Run the install again" : "Finish setting up the worktree";
            if (!_host.ShouldProcess(layout.Path, action)) return null;

            var branchExists = BranchExists(layout.Branch);
            var startPoint = existing is null && !branchExists ? StartPoint(layout, noFetch) : null;
            // What will run is what the new worktree will hold: checked (approved) now, before anything is created,
            // and run as checked after setup.
            var files = existing is not null ? CheckoutFiles.Folder(layout.Path)
                : CheckoutFiles.Commit(Repo.MainRoot, branchExists ? "refs/heads/" + layout.Branch : startPoint!);
            setup = SetupCommands(files, noInstall);
            EnsureTrusted(setup);

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
                Owner = ProcessIdentity.Of(Environment.ProcessId),
            }, Config.Ports);
            // Made again (its folder gone): the record it keeps says Creating until setup ends, as for a new one, so
            // that a session killed on the way leaves what Repair finishes, never a Ready issue half set up.
            if (existing is null && known is not null)
                _registry.Change(Repo.MainRoot, layout.Issue, r => (r.State, r.Owner) = (WorktreeState.Creating, ProcessIdentity.Of(Environment.ProcessId)));

            var added = false;
            try
            {
                if (existing is null)
                {
                    _host.Progress(1, "New-IssueWorktree", $"git worktree add {layout.Path}");
                    AddWorktree(layout, branchExists, startPoint);
                    added = true;
                }
                Setup(layout, record);
            }
            catch (Exception ex) when (existing is null)
            {
                if (known is not null) _registry.Change(Repo.MainRoot, layout.Issue, r => (r.State, r.Owner) = (known.State, known.Owner));
                var error = RollBack(layout, added, deleteBranch: added && !branchExists, releaseRecord: known is null, ex);
                if (ex is not OperationCanceledException) throw error;
                _host.Warning(error.Message);
                throw;
            }
        }

        if (RunSetupCommands(layout, record, setup, "New-IssueWorktree"))
            _registry.SetState(Repo.MainRoot, layout.Issue, WorktreeState.Ready);
        _host.Progress(1, "New-IssueWorktree", "done", completed: true);
        // A worktree just checked out is clean: no need to pay for a 'git status' of every file.
        return Get(layout.Issue, fileStatus: false);
    }

    /// <summary>
    /// The issue id as the repository already knows it: ids are not case-sensitive anywhere (registry, folders,
    /// branches, on every system), so <c>ABC</c> is the issue <c>abc</c> when that one exists.
    /// </summary>
    private string Canonical(string issue)
    {
        var id = IssueId.Validate(issue);
        return _registry.Find(Repo.MainRoot, id)?.Issue ?? id;
    }

    /// <summary>Refuses a branch or folder that differs from the issue's only in case: the same issue spelled otherwise.</summary>
    private void EnsureNoCaseTwin(WorktreeLayout layout)
    {
        var branches = GitCli.Read(Repo.MainRoot, ["for-each-ref", "--format=%(refname:short)", "refs/heads/"]).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var twin = branches.FirstOrDefault(b => b != layout.Branch && b.Equals(layout.Branch, StringComparison.OrdinalIgnoreCase));
        var folder = System.IO.Path.GetDirectoryName(layout.Path) is { } parent && Directory.Exists(parent)
            ? Directory.EnumerateDirectories(parent).FirstOrDefault(d => System.IO.Path.GetFileName(d) != layout.Name &&
                System.IO.Path.GetFileName(d).Equals(layout.Name, StringComparison.OrdinalIgnoreCase))
            : null;
        if (twin is null && folder is null) return;
        throw new WorktreeToolsException("IssueIdCaseConflict", ErrorKind.ResourceExists,
            $"Issue {layout.Issue} would use {(twin is not null ? $"branch '{layout.Branch}', but branch '{twin}'" : $"folder {layout.Path}, but {folder}")} " +
            "exists and differs only in case. Issue ids are not case-sensitive (Windows and macOS cannot tell such names apart): " +
            "use the id spelled as that one is. Nothing was changed.", layout.Issue);
    }

    /// <summary>Undoes a creation that failed before its install; returns the error to throw, saying what was undone.</summary>
    private WorktreeToolsException RollBack(WorktreeLayout layout, bool removeWorktree, bool deleteBranch, bool releaseRecord, Exception cause)
    {
        var undone = new List<string>();
        if (removeWorktree && GitCli.Run(Repo.MainRoot, ["worktree", "remove", "--force", "--force", layout.Path], check: false).Success)
            undone.Add($"its worktree {layout.Path}");
        GitCli.Run(Repo.MainRoot, ["worktree", "prune"], check: false);
        if (deleteBranch && GitCli.Run(Repo.MainRoot, ["branch", "-D", layout.Branch], check: false).Success)
            undone.Add($"branch '{layout.Branch}'");
        if (releaseRecord && _registry.Release(Repo.MainRoot, layout.Issue)) undone.Add("its ports and record");
        var said = undone.Count == 0 ? "" : $" The creation of issue {layout.Issue} was rolled back: {string.Join(", ", undone)} removed.";
        return cause is WorktreeToolsException w
            ? new WorktreeToolsException(w.ErrorId, w.Kind, w.Message + said, w.Target, cause, w.RecommendedAction)
            : new WorktreeToolsException("WorktreeSetupFailed", ErrorKind.WriteError,
                $"Setting up the worktree of issue {layout.Issue} failed: {cause.Message}.{said}", layout.Issue, cause);
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

    /// <summary>Adds the worktree: checks out the existing branch (work resumes), or makes the branch at <paramref name="startPoint"/>.</summary>
    private void AddWorktree(WorktreeLayout layout, bool branchExists, string? startPoint)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(layout.Path)!);
        var args = branchExists
            ? new List<string> { "worktree", "add", layout.Path, layout.Branch }
            : ["worktree", "add", "--no-track", "-b", layout.Branch, layout.Path, startPoint!];
        if (branchExists) _host.Verbose($"Branch '{layout.Branch}' exists: checking it out (work resumes).");
        var r = GitCli.Run(Repo.MainRoot, args, check: false);
        if (!r.Success)
            throw new WorktreeToolsException("WorktreeAddFailed", ErrorKind.InvalidOperation,
                $"git worktree add failed: {r.Error.Trim()}", layout.Path);
    }

    /// <summary>Copies configured files, writes the env file and prepares the database. Safe to run again.</summary>
    private void Setup(WorktreeLayout layout, Record record)
    {
        _host.Progress(1, "New-IssueWorktree", "environment");
        var copyChosen = Config.SourceOf("setup.copy") == ConfigSource.User;
        var included = IncludedFiles.Select(Repo.MainRoot, Config.Setup.Copy.Where(f => f != Config.Env.File && f != Config.Env.Override).ToList(),
            reportCopy: Config.SourceOf("setup.copy") != ConfigSource.Default);
        foreach (var file in included.Paths)
            CopyIfMissing(System.IO.Path.Combine(Repo.MainRoot, file), InWorktree(layout, file.TrimEnd('/'), "setup.copy", copyChosen));
        if (included.NotFound.Count > 0)
            _host.Warning($"Not found in {Repo.MainRoot}, so not copied into issue {layout.Issue}: {string.Join("; ", included.NotFound)}.");

        var (target, tracked) = EnvTarget(layout);
        if (record.EnvFile is null || !LeaseRegistry.SamePath(record.EnvFile, target))
        {
            _registry.Change(Repo.MainRoot, layout.Issue, r => r.EnvFile = target);
            record.EnvFile = target;
        }
        if (!File.Exists(target) && EnvText(layout, record.Ports, tracked) is { } rewritten)
        {
            EnvFile.Write(target, rewritten);
            if (tracked) KeepUntracked(layout, target);
        }

        if (layout.DatabaseFullPath is { } db)
        {
            PathGuard.Inside(db, layout.Path, "database.path", Config.SourceOf("database.path") == ConfigSource.User);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(db)!);
            var seed = Config.Database.Seed is null ? null : InMain(Config.Database.Seed, "database.seed", Config.SourceOf("database.seed") == ConfigSource.User);
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

    /// <summary>True when git tracks the issue's env.file: then it stays as committed, and the issue's values go to env.override.</summary>
    private bool EnvTracked(WorktreeLayout layout) =>
        Directory.Exists(layout.Path) && GitCli.Read(layout.Path, ["ls-files", "--error-unmatch", "--", Config.Env.File], check: false).Success;

    /// <summary>The file that holds the issue's values: env.file, or env.override when git tracks env.file (<c>Tracked</c>).</summary>
    private (string Path, bool Tracked) EnvTarget(WorktreeLayout layout)
    {
        var tracked = EnvTracked(layout);
        return (tracked
            ? InWorktree(layout, Config.Env.Override, "env.override", Config.SourceOf("env.override") == ConfigSource.User)
            : InWorktree(layout, Config.Env.File, "env.file", Config.SourceOf("env.file") == ConfigSource.User), tracked);
    }

    /// <summary>
    /// The text of <see cref="EnvTarget"/> as setup writes it, or null when there is none to write: the main checkout's
    /// env file (or env.example) copied and rewritten; when git tracks env.file (<paramref name="tracked"/>), only the
    /// values the rewrite changes, on top of the main checkout's env.override when setup.copy names it.
    /// </summary>
    private string? EnvText(WorktreeLayout layout, IReadOnlyDictionary<string, int> ports, bool tracked)
    {
        var tokens = layout.Tokens(Repo, ports);
        var set = Config.Env.Set.ToDictionary(kv => kv.Key, kv => Template.Expand(kv.Value, tokens));
        var replace = EnvFile.Replacements(Config.Env, tokens).ToList();
        if (tracked)
        {
            var committed = File.ReadAllText(InWorktree(layout, Config.Env.File, "env.file", Config.SourceOf("env.file") == ConfigSource.User));
            var before = EnvFile.Parse(committed);
            var changed = EnvFile.Parse(EnvFile.Rewrite(committed, set, replace))
                .Where(kv => set.ContainsKey(kv.Key) || !before.TryGetValue(kv.Key, out var old) || old != kv.Value)
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            if (changed.Count == 0) return null;
            var mine = InMain(Config.Env.Override, "env.override", Config.SourceOf("env.override") == ConfigSource.User);
            return EnvFile.Rewrite(Config.Setup.Copy.Contains(Config.Env.Override) && File.Exists(mine) ? File.ReadAllText(mine) : "", changed, []);
        }
        var source = new[] { (Config.Env.File, "env.file"), (Config.Env.Example, "env.example") }
            .Select(f => InMain(f.Item1, f.Item2, Config.SourceOf(f.Item2) == ConfigSource.User))
            .FirstOrDefault(File.Exists);
        var copyEnv = Config.Setup.Copy.Contains(Config.Env.File);
        var text = copyEnv && source is not null ? File.ReadAllText(source) : "";
        return text.Length > 0 || set.Count > 0 ? EnvFile.Rewrite(text, set, replace) : null;
    }

    /// <summary>
    /// The issue's values went to env.override because git tracks env.file: says so (never silently), and makes git
    /// ignore the override (in the repository's info/exclude) so that it is neither committed nor makes the worktree dirty.
    /// </summary>
    private void KeepUntracked(WorktreeLayout layout, string file)
    {
        var relative = System.IO.Path.GetRelativePath(layout.Path, file).Replace('\\', '/');
        var excluded = "";
        if (!GitCli.Read(layout.Path, ["check-ignore", "-q", "--", relative], check: false).Success)
        {
            var exclude = System.IO.Path.GetFullPath(GitCli.Read(layout.Path, ["rev-parse", "--git-path", "info/exclude"]).Output.Trim(), layout.Path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(exclude)!);
            var text = File.Exists(exclude) ? File.ReadAllText(exclude) : "";
            File.AppendAllText(exclude, (text.Length > 0 && !text.EndsWith('\n') ? "\n" : "") + "/" + relative + "\n");
            excluded = $" (added to {exclude})";
        }
        var values = EnvFile.Parse(File.ReadAllText(file)).Keys;
        _host.Warning($"git tracks {Config.Env.File}, so issue {layout.Issue}'s copy stays as committed; its values ({string.Join(", ", values)}) are in " +
                      $"{relative}, which git ignores{excluded}. The processes WorktreeTools starts get them, and so do frameworks that read " +
                      $"{relative} over {Config.Env.File} (Next.js, Vite, ...); anything that reads only {Config.Env.File} does not.");
    }

    /// <summary>A path of the main checkout a setting names, kept inside it unless the user's own file chose it.</summary>
    private string InMain(string relative, string key, bool userChosen) =>
        PathGuard.Inside(System.IO.Path.Combine(Repo.MainRoot, relative), Repo.MainRoot, key, userChosen);

    /// <summary>A path of the issue's worktree a setting names, kept inside it unless the user's own file chose it.</summary>
    private static string InWorktree(WorktreeLayout layout, string relative, string key, bool userChosen) =>
        PathGuard.Inside(System.IO.Path.Combine(layout.Path, relative), layout.Path, key, userChosen);

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

    /// <summary>The commands creating a worktree runs (its install unless <paramref name="noInstall"/>, then the after-create hooks).</summary>
    private IReadOnlyList<ConfiguredCommand> SetupCommands(CheckoutFiles files, bool noInstall) =>
        new[] { noInstall ? null : RepositoryCommands.Install(Config, files) }.OfType<ConfiguredCommand>().Concat(Config.Hooks.AfterCreate).ToList();

    /// <summary>Throws <c>CommandNotApproved</c> for the first of <paramref name="commands"/> that may not run.</summary>
    private void EnsureTrusted(IEnumerable<ConfiguredCommand> commands) => new TrustStore().EnsureTrusted(Config, commands);

    /// <summary>The install command of a worktree folder (configured, or detected from its lockfile), or null.</summary>
    private string? InstallCommand(string worktree) => RepositoryCommands.Install(Config, CheckoutFiles.Folder(worktree))?.Text;

    /// <summary>Runs the install command alone (approved first: what the sync checked out); false (and state InstallFailed) when it fails. <paramref name="activity"/> names the progress.</summary>
    private bool Install(WorktreeLayout layout, Record record, string activity)
    {
        var install = new[] { RepositoryCommands.Install(Config, CheckoutFiles.Folder(layout.Path)) }.OfType<ConfiguredCommand>().ToList();
        EnsureTrusted(install);
        return RunSetupCommands(layout, record, install, activity);
    }

    /// <summary>Runs setup commands (approved by the caller) in the worktree; false (and state InstallFailed) when one fails.</summary>
    private bool RunSetupCommands(WorktreeLayout layout, Record record, IReadOnlyList<ConfiguredCommand> commands, string activity)
    {
        if (commands.Count == 0) return true;
        var log = LogPath(layout.Name, "install");
        foreach (var command in commands)
        {
            var exit = RunIssueCommand(command, layout, record.Ports, log, activity);
            if (exit == 0) continue;
            _registry.SetState(Repo.MainRoot, layout.Issue, WorktreeState.InstallFailed, log);
            _host.Warning($"'{command.Text}' ({command.Key}) failed with exit code {exit} in {layout.Path}. The worktree is kept; " +
                          $"run New-IssueWorktree {layout.Issue} to run the install and hooks again. See the log: {log}");
            return false;
        }
        return true;
    }

    /// <summary>
    /// Runs the issue's before-remove hooks in its worktree (approved first, before anything is changed); a failing
    /// hook stops the removal unless <paramref name="force"/>. Not run again for a removal that already started.
    /// </summary>
    private void BeforeRemove(IssueWorktree w, bool force)
    {
        var hooks = Config.Hooks.BeforeRemove;
        if (hooks.Count == 0 || w.State == WorktreeState.Removing) return;
        if (w.Missing)
        {
            _host.Warning($"hooks.beforeRemove did not run for issue {w.Issue}: its folder {w.Path} is gone.");
            return;
        }
        EnsureTrusted(hooks);
        var log = LogPath(w.Name, "before-remove");
        foreach (var hook in hooks)
        {
            var exit = RunIssueCommand(hook, WorktreeLayout.Of(w), w.Ports, log, "Remove-IssueWorktree");
            if (exit == 0) continue;
            var message = $"The before-remove hook '{hook.Text}' failed with exit code {exit} in {w.Path}. See the log: {log}.";
            if (!force)
                throw new WorktreeToolsException("HookFailed", ErrorKind.InvalidOperation, message + " Nothing was removed; fix it, or use -Force to remove anyway.",
                    w.Issue, recommendedAction: $"Remove-IssueWorktree {w.Issue} -Force");
            _host.Warning(message + " Removing anyway (-Force).");
        }
    }

    /// <summary>Runs a command of the issue in its worktree with its environment, tokens as data; output to <paramref name="log"/>. Returns the exit code.</summary>
    private int RunIssueCommand(ConfiguredCommand command, WorktreeLayout layout, IReadOnlyDictionary<string, int> ports, string log, string activity)
    {
        var line = ShellCommand.Prepare(command.Text, layout.Tokens(Repo, ports));
        _host.Progress(1, activity, $"{command.Text} (log: {log})");
        try
        {
            return ShellCommand.Run(line.Text, layout.Path, line.Environment(IssueEnvironment(layout, ports)), log, _host.Cancellation,
                output => _host.Progress(1, activity, $"{command.Text}: {Truncate(output)}"));
        }
        catch (WorktreeToolsException ex) when (ex.ErrorId == "CommandStartFailed")
        {
            File.AppendAllText(log, ex.Message + System.Environment.NewLine);
            return -1;
        }
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>
    /// The environment an issue's processes (install, dev server, agent, commands) run with: its env file,
    /// then <see cref="Processes.IssueEnvironment"/> (ISSUE_ID, PORT, PORT_&lt;NAME&gt;, artifacts), then
    /// WORKTREE_BRANCH, WORKTREE_PATH, WORKTREE_REPOSITORY and WORKTREE_DATABASE.
    /// </summary>
    public IReadOnlyDictionary<string, string?> IssueEnvironment(WorktreeLayout layout, IReadOnlyDictionary<string, int> ports)
    {
        // The env file, then env.override over it (where the issue's values are when git tracks the env file).
        var fromFile = new Dictionary<string, string?>();
        foreach (var file in new[] { Config.Env.File, Config.Env.Override }.Select(f => System.IO.Path.Combine(layout.Path, f)).Where(File.Exists))
            foreach (var (k, v) in EnvFile.Parse(File.ReadAllText(file))) fromFile[k] = v;
        var env = Processes.IssueEnvironment.For(layout.Issue, layout.Path, fromFile, ports, Config.DevServer.Ready.Port);
        env["WORKTREE_BRANCH"] = layout.Branch;
        env["WORKTREE_PATH"] = layout.Path;
        env["WORKTREE_REPOSITORY"] = Repo.MainRoot;
        if (layout.DatabaseFullPath is { } db) env["WORKTREE_DATABASE"] = db;
        return env;
    }

}
