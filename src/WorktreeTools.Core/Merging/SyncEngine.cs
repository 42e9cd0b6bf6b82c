using System.Diagnostics;
using System.Globalization;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Core.Merging.Migrations;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// Brings the latest base into an issue branch inside its own worktree (Sync-IssueWorktree): rebase (default)
/// or merge, with the lockfile and migration policies. A conflict puts the branch back exactly where it was,
/// unless <see cref="SyncOptions.Stay"/> asks to leave it for the user to resolve.
/// </summary>
public sealed class SyncEngine
{
    private readonly WorktreeConfig _config;
    private readonly IOperationHost _host;
    private readonly TrustStore _trust;

    public SyncEngine(WorktreeConfig config, IOperationHost host, TrustStore? trust = null)
    {
        _config = config;
        _host = host;
        _trust = trust ?? new TrustStore();
    }

    public SyncResult Sync(SyncOptions options)
    {
        GitCli.EnsureVersion();
        var clock = Stopwatch.StartNew();
        var root = RepositoryInfo.Normalize(options.RepositoryRoot);
        var worktree = RepositoryInfo.Normalize(options.WorktreePath);
        var baseName = options.Base ?? _config.Worktrees.Base;
        var remote = options.Remote ?? _config.Worktrees.Remote;
        CheckWorktree(options, worktree);
        var dryRun = !_host.ShouldProcess($"{options.Branch} ({worktree})", $"Sync issue {options.Issue} with {baseName} ({options.Strategy})");

        // A dry run only reads: it takes no lock, so it leaves no merge.lock (nor anything else) behind.
        using var session = dryRun ? null : MergeSession.Open(root, options.LockTimeout, _host);
        var baseState = RemoteBase.Read(root, baseName, remote, fetch: !dryRun && !options.NoFetch);
        var target = baseState.Newest;
        var before = GitQueries.Head(worktree);
        var policies = new List<MergePolicy>();
        SyncResult Result(SyncStatus status, string message) => new()
        {
            Issue = options.Issue, RepositoryRoot = root, Branch = options.Branch, Path = worktree, Strategy = options.Strategy, Status = status,
            Base = baseName, BaseCommit = target, Before = before, After = GitQueries.Head(worktree), Policies = policies.ToList(),
            Duration = clock.Elapsed, Message = message,
        };

        if (GitQueries.IsAncestor(root, target, before))
            return Result(SyncStatus.UpToDate, $"'{options.Branch}' already contains '{baseName}'.");
        var behind = int.Parse(GitCli.Read(root, ["rev-list", "--count", before + ".." + target]).Output.Trim(), CultureInfo.InvariantCulture);
        var suffix = baseState.Relation == BaseRelation.LocalBehind ? $" ('{remote}/{baseName}' is newer than the local '{baseName}' and was used)" : "";
        var migrations = new MigrationPolicy(_config.Merge.Migrations);
        // What the base changed since the branch started among the files that decide the installed dependencies.
        var fork = GitQueries.MergeBase(root, before, target);
        var baseDependencies = DependencyFiles(root, fork ?? before, target);
        if (dryRun) return Forecast(root, before, target, fork ?? target, baseName, migrations, policies) is { Count: > 0 } conflicts
            ? Result(SyncStatus.WouldConflict, $"Would stop on conflicts in {MergeChecklist.Sample(conflicts)}{suffix}. Nothing was changed.")
                with { Behind = behind, ConflictFiles = conflicts, DependencyChanges = baseDependencies }
            : Result(SyncStatus.WouldSync, $"Would bring {behind} commit(s) of '{baseName}' into '{options.Branch}' ({options.Strategy}){suffix}. Nothing was changed.")
                with { Behind = behind, DependencyChanges = baseDependencies };
        if (baseDependencies.Count > 0) options.BeforeDependenciesChange?.Invoke();

        var backup = BackupRefs.NewPrefix(options.Issue);
        BackupRefs.Save(root, backup, new Dictionary<string, string> { ["branch"] = before }, $"worktree-tools: before syncing issue {options.Issue}");
        var runner = MergeCommandRunner.For(_config, root, "sync", options.Issue, options.Branch, baseName, options.TemplateValues, _host.Cancellation);
        var lockfiles = new LockfilePolicy(_config, _trust, runner);
        var rebase = options.Strategy == SyncStrategy.Rebase;
        // Rebasing replays the branch on the base ("ours" is the base); merging brings the base in ("theirs").
        var driver = new ConflictDriver(lockfiles, rebase ? BaseSide.Ours : BaseSide.Theirs, baseName, policies, migrations);
        var operation = rebase ? "rebase" : "merge";
        var message = $"Merge {baseName} into {options.Branch}";
        DriveOutcome drive;
        try
        {
            var started = rebase
                ? GitCli.Run(worktree, ["-c", "rebase.autoStash=false", "rebase", "--no-update-refs", "--quiet", target], check: false)
                : GitCli.Run(worktree, ["merge", "--no-edit", "-m", message, target], check: false);
            drive = driver.Drive(worktree, operation, started);
            if (!drive.Conflicted)
            {
                if (!rebase && GitQueries.OperationInProgress(worktree) == "merge")
                    GitCli.Run(worktree, ["commit", "--quiet", "--no-edit", "-m", message]);
                // What the sync brought next to the issue's own migrations, renamed to apply in order, in one commit.
                var plan = migrations.Plan(worktree, target, target, GitQueries.Head(worktree), baseName);
                policies.AddRange(plan.Policies());
                if (plan.HasChanges) plan.Commit(worktree, $"chore({runner.Tokens["name"]}): renumber migrations to follow {baseName}");
            }
        }
        catch
        {
            // Ctrl+C or a failure (not a conflict): always back to where it was, even with Stay.
            PutBack(worktree, operation, before);
            throw;
        }
        var logPath = runner.Used ? runner.LogPath : null;
        if (drive.Conflicted) return Conflicted(options, worktree, operation, before, drive, Result, policies) with { BackupRef = backup, Behind = behind, LogPath = logPath };
        return Result(SyncStatus.Synced, $"Brought {behind} commit(s) of '{baseName}' into '{options.Branch}' ({options.Strategy}){suffix}.")
            with { BackupRef = backup, Behind = behind, LogPath = logPath, DependencyChanges = DependencyFiles(root, before, GitQueries.Head(worktree)) };
    }

    /// <summary>Aborts what is in progress and puts the branch (and the clean worktree it had) back at <paramref name="before"/>.</summary>
    private static void PutBack(string worktree, string operation, string before)
    {
        if (GitQueries.OperationInProgress(worktree) is not null) GitCli.Run(worktree, [operation, "--abort"], check: false);
        // The worktree was clean when the sync started: everything that differs now is the sync's own doing.
        if (GitQueries.Head(worktree) != before || !GitQueries.NothingStaged(worktree))
            GitCli.Run(worktree, ["reset", "--quiet", "--hard", before], check: false);
    }

    /// <summary>The lockfiles and package manifests that differ between two commits: after a sync, what calls for a new install.</summary>
    private List<string> DependencyFiles(string root, string from, string to) =>
        GitQueries.ChangedPaths(root, from, to)
            .Where(p => PackageManager.DecidesDependencies(p) || _config.Merge.Lockfiles.Files.Contains(Path.GetFileName(p), StringComparer.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    private static void CheckWorktree(SyncOptions options, string worktree)
    {
        if (!Directory.Exists(worktree))
            throw new WorktreeToolsException("WorktreeNotFound", ErrorKind.ObjectNotFound, $"The worktree of issue {options.Issue} ({worktree}) does not exist.", worktree);
        var head = GitCli.Read(worktree, ["symbolic-ref", "-q", "HEAD"], check: false).Output.Trim();
        if (head != "refs/heads/" + options.Branch)
            throw new WorktreeToolsException("WorktreeBranchMismatch", ErrorKind.InvalidOperation,
                $"{worktree} has '{(head.Length == 0 ? "a detached HEAD" : head.Replace("refs/heads/", "", StringComparison.Ordinal))}' checked out, not '{options.Branch}'.", worktree);
        MergeChecklist.EnsureNoOperationInProgress(worktree);
        MergeChecklist.EnsureClean(worktree, options.Issue);
    }

    /// <summary>
    /// The files a sync would stop on, forecast the way the real run goes: the merge of the two tips (one
    /// <c>git merge-tree</c>), less what the migration policy resolves, less lockfiles when only they are left and the
    /// lockfile policy can take them (<see cref="LockfilePolicy.Obstacle"/>: not when the base deleted one).
    /// The policies that would act go to <paramref name="policies"/>.
    /// </summary>
    private List<string> Forecast(string root, string head, string target, string fork, string baseName, MigrationPolicy migrations, List<MergePolicy> policies)
    {
        var merge = MergeForecast.Run(root, [(head, target)])[0];
        var conflicts = merge.ConflictFiles.Order(StringComparer.Ordinal).ToList();
        var plan = migrations.Plan(root, target, fork, head, baseName);
        var rest = conflicts.Where(c => !plan.Covers(c)).ToList();
        if (rest.Count < conflicts.Count && rest.Count > 0 && !LockfilePolicy.OnlyLockfiles(_config.Merge.Lockfiles, rest)) return conflicts;
        policies.AddRange(plan.Policies(forecast: true));
        if (rest.Count == 0) return [];
        // The base is the incoming side of this merge: stage 3 holds the lockfiles it has.
        var withBase = merge.Stages.Where(s => s.Stage == 3).Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        if (!LockfilePolicy.OnlyLockfiles(_config.Merge.Lockfiles, rest)
            || LockfilePolicy.Obstacle(rest, withBase, _config.Merge.Lockfiles.Regenerate is not null, baseName) is not null) return rest;
        // The regenerate command the real sync would run, asked for as it asks (approved, of the merged files).
        var commands = LockfilePolicy.Commands(_config, _trust, CheckoutFiles.Commit(root, merge.Tree), root, rest).Select(c => c.Command.Text).Distinct();
        policies.Add(new MergePolicy("Lockfile", $"{string.Join(", ", rest)}: would take {baseName}'s and regenerate with '{string.Join("', '", commands)}'"));
        return [];
    }

    private static SyncResult Conflicted(SyncOptions options, string worktree, string operation, string before, DriveOutcome drive,
        Func<SyncStatus, string, SyncResult> result, List<MergePolicy> policies)
    {
        var files = MergeChecklist.Sample(drive.ConflictFiles);
        var at = drive.StoppedAt is null ? "" : $" at commit {drive.StoppedAt[..10]}";
        if (options.Stay)
            return result(SyncStatus.Conflicted,
                $"The {operation} stopped{at} on conflicts in {files}. Resolve them in {worktree}, 'git add' them, then " +
                $"'git {operation} --continue'{(operation == "merge" ? " (or 'git commit')" : "")}; or 'git {operation} --abort' to go back to {before[..10]}.")
                with { ConflictFiles = drive.ConflictFiles, ConflictCommit = drive.StoppedAt, InProgress = true };
        // Put back: what a policy resolved on the way was undone with the rest, and the result claims none of it.
        policies.Clear();
        GitCli.Run(worktree, [operation, "--abort"], check: false);
        if (GitQueries.Head(worktree) != before || GitQueries.OperationInProgress(worktree) is not null)
            throw new WorktreeToolsException("SyncAbortFailed", ErrorKind.InvalidOperation,
                $"The {operation} in {worktree} stopped on conflicts and could not be aborted cleanly. Run 'git {operation} --abort' there; " +
                $"the branch's previous tip is kept in the backup refs.", worktree);
        return result(SyncStatus.Conflicted,
            $"Conflicts{at} in {files}; '{options.Branch}' was put back where it was. Run Sync again with Stay to resolve them by hand.")
            with { ConflictFiles = drive.ConflictFiles, ConflictCommit = drive.StoppedAt };
    }
}
