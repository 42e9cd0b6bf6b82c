using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Migrations;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>Where a git operation that may stop on conflicts ended up.</summary>
internal sealed record DriveOutcome(bool Conflicted, IReadOnlyList<string> ConflictFiles, string? StoppedAt, string? Detail)
{
    public static readonly DriveOutcome Done = new(false, [], null, null);
}

/// <summary>
/// Takes a merge, rebase or cherry-pick that git has started through every stop: conflicts only in migrations (a
/// Drizzle journal, two migrations of one name) and lockfiles are resolved by the migration and lockfile policies and
/// the operation continues; a commit that became empty is skipped; any other conflict ends the drive and is reported
/// (the caller aborts or leaves it).
/// </summary>
internal sealed class ConflictDriver(LockfilePolicy lockfiles, BaseSide side, string baseName, List<MergePolicy> policies, MigrationPolicy? migrations = null)
{
    /// <summary>
    /// <paramref name="operation"/> is <c>merge</c> (single stop; the caller commits), <c>rebase</c> or <c>cherry-pick</c>.
    /// <paramref name="started"/> is the result of the command that started it; <paramref name="squashed"/> the commit a
    /// <c>merge --squash</c> brings in.
    /// </summary>
    public DriveOutcome Drive(string worktree, string operation, GitResult started, string? squashed = null)
    {
        var last = started;
        for (var guard = 0; guard < 100_000; guard++)
        {
            var conflicts = GitQueries.UnmergedPaths(worktree);
            if (conflicts.Count > 0)
            {
                var stoppedAt = StoppedAt(worktree, operation);
                var rest = ResolveMigrations(worktree, operation, conflicts, squashed);
                if (rest.Count > 0)
                {
                    var resolution = lockfiles.TryResolve(worktree, rest, side, baseName);
                    if (!resolution.Resolved) return new DriveOutcome(true, conflicts, stoppedAt, resolution.Failure);
                    if (!policies.Contains(resolution.Policy!)) policies.Add(resolution.Policy!);
                }
                if (operation == "merge") return DriveOutcome.Done;
                last = GitCli.Run(worktree, [operation, "--continue"], check: false);
                continue;
            }
            var inProgress = operation != "merge" && GitQueries.OperationInProgress(worktree) is not null;
            if (!inProgress) return last.Success ? DriveOutcome.Done : throw Failed(operation, last, worktree);
            // Stopped without conflicts: a commit whose changes are already there (skip it), or a real failure.
            if (!GitQueries.NothingStaged(worktree)) throw Failed(operation, last, worktree);
            last = GitCli.Run(worktree, [operation, "--skip"], check: false);
        }
        throw Failed(operation, last, worktree);
    }

    /// <summary>
    /// The conflicts left once the migration policy resolved the ones it covers — only when what is left is for the
    /// lockfile policy (or nothing); otherwise all of them, and nothing was touched.
    /// </summary>
    private IReadOnlyList<string> ResolveMigrations(string worktree, string operation, IReadOnlyList<string> conflicts, string? squashed)
    {
        // No conflict a plan could decide (a lockfile stop): no plan asked for (it costs a handful of git processes).
        if (migrations is null || !conflicts.Any(migrations.MayCover)) return conflicts;
        var plan = migrations.PlanAtStop(worktree, operation, side, baseName, squashed);
        var rest = conflicts.Where(c => !plan.Covers(c)).ToList();
        if (rest.Count == conflicts.Count || rest.Count > 0 && !lockfiles.Handles(rest)) return conflicts;
        plan.ApplyInWorktree(worktree);
        foreach (var policy in plan.Policies()) if (!policies.Contains(policy)) policies.Add(policy);
        return rest;
    }

    private static string? StoppedAt(string worktree, string operation)
    {
        var head = operation switch { "rebase" => "REBASE_HEAD", "cherry-pick" => "CHERRY_PICK_HEAD", _ => null };
        return head is null ? null : GitQueries.ResolveCommit(worktree, head);
    }

    private static WorktreeToolsException Failed(string operation, GitResult r, string worktree) =>
        new("GitCommandFailed", ErrorKind.InvalidOperation, $"git {operation} failed (exit {r.ExitCode}): {(r.Error + r.Output).Trim()}", worktree);
}
