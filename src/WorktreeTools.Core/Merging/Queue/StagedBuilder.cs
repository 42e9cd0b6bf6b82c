using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Migrations;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>What building a merge in the staging worktree produced.</summary>
/// <param name="Result">The commit the base should move to (equal to the base tip when nothing came in); null on conflict or refusal.</param>
/// <param name="RefusedBy">A hook refused the operation: which hooks could have, and what git said.</param>
internal sealed record StagedOutcome(string? Result, DriveOutcome Drive, string? RefusedBy = null);

/// <summary>Everything one staged merge needs.</summary>
internal sealed record StagedMergeInput(
    string BaseName, string BaseTip, string IssueTip, IReadOnlyList<string> Picks,
    string MergeMessage, string SquashMessage, string RenumberMessage);

/// <summary>
/// Builds the merged result of one issue in the staging worktree with git's own commands, for each strategy: Merge
/// (<c>git merge --no-ff</c>), Squash (<c>git merge --squash</c> and <c>git commit</c>), Rebase (the issue's commits
/// replayed on the base) and CherryPick (chosen commits), so that git runs every hook it runs for that operation.
/// Migrations: for Merge and Squash the issue side is renamed first (a separate commit), for Rebase and CherryPick
/// the replayed result is (stops in migration paths are resolved by the driver); lockfile conflicts are resolved by
/// the driver. The policies are reported only when the build succeeded. A step that fails without a conflict while a hook that can refuse it exists is
/// reported as refused by the hook. Nothing outside the staging worktree changes here.
/// </summary>
internal sealed class StagedBuilder(StagingWorktree staging, MigrationPolicy migrations, ConflictDriver driver, List<MergePolicy> policies,
    IReadOnlyList<string> refusingHooks)
{
    private readonly List<MergePolicy> _migrationPolicies = [];

    private string Dir => staging.Path;

    public StagedOutcome Build(MergeStrategy strategy, StagedMergeInput input)
    {
        StagedOutcome outcome;
        try
        {
            outcome = strategy switch
            {
                MergeStrategy.Merge => Merge(input),
                MergeStrategy.Squash => Squash(input),
                MergeStrategy.Rebase => Rebase(input),
                MergeStrategy.CherryPick => CherryPick(input),
                _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
            };
        }
        catch (WorktreeToolsException ex) when (ex.ErrorId == "GitCommandFailed" && refusingHooks.Count > 0)
        {
            return new StagedOutcome(null, DriveOutcome.Done, $"{string.Join(" or ", refusingHooks)}: {ex.Message}");
        }
        if (outcome.Result is not null) policies.InsertRange(0, _migrationPolicies.Where(p => !policies.Contains(p)));
        return outcome;
    }

    private StagedOutcome Merge(StagedMergeInput input)
    {
        var incoming = RenumberIssueSide(input);
        staging.Checkout(input.BaseTip);
        // A plain "git merge" that commits by itself runs pre-merge-commit, prepare-commit-msg and commit-msg as the user's would.
        var drive = driver.Drive(Dir, "merge", GitCli.Run(Dir, ["merge", "--no-ff", "--no-edit", "-m", input.MergeMessage, incoming], check: false));
        if (drive.Conflicted) return new StagedOutcome(null, drive);
        // Conflicts the lockfile policy resolved: conclude the merge as "git commit" would.
        if (GitQueries.OperationInProgress(Dir) == "merge") GitCli.Run(Dir, ["commit", "--quiet", "--no-edit", "-m", input.MergeMessage]);
        return new StagedOutcome(GitQueries.Head(Dir), drive);
    }

    private StagedOutcome Squash(StagedMergeInput input)
    {
        var incoming = RenumberIssueSide(input);
        staging.Checkout(input.BaseTip);
        var drive = driver.Drive(Dir, "merge", GitCli.Run(Dir, ["merge", "--squash", incoming], check: false), squashed: incoming);
        if (drive.Conflicted) return new StagedOutcome(null, drive);
        if (GitQueries.NothingStaged(Dir)) return new StagedOutcome(input.BaseTip, drive);
        GitCli.Run(Dir, ["commit", "--quiet", "-m", input.SquashMessage]);
        return new StagedOutcome(GitQueries.Head(Dir), drive);
    }

    private StagedOutcome Rebase(StagedMergeInput input)
    {
        // Renamed after the replay: a rename commit replayed last would meet the stops the driver already resolved.
        staging.Checkout(input.IssueTip);
        var drive = driver.Drive(Dir, "rebase", GitCli.Run(Dir, ["-c", "rebase.autoStash=false", "rebase", "--no-update-refs", "--quiet", input.BaseTip], check: false));
        if (drive.Conflicted) return new StagedOutcome(null, drive);
        return new StagedOutcome(Renumber(input, input.BaseTip, GitQueries.Head(Dir)), drive);
    }

    private StagedOutcome CherryPick(StagedMergeInput input)
    {
        staging.Checkout(input.BaseTip);
        foreach (var commit in input.Picks)
        {
            var drive = driver.Drive(Dir, "cherry-pick", GitCli.Run(Dir, ["cherry-pick", commit], check: false));
            if (drive.Conflicted) return new StagedOutcome(null, drive with { StoppedAt = drive.StoppedAt ?? commit });
        }
        var picked = GitQueries.Head(Dir);
        return new StagedOutcome(Renumber(input, input.BaseTip, picked), DriveOutcome.Done);
    }

    /// <summary>The issue tip, or a renaming commit on top of it when its new migrations would apply wrongly after the base's.</summary>
    private string RenumberIssueSide(StagedMergeInput input)
    {
        var mergeBase = GitQueries.MergeBase(Dir, input.BaseTip, input.IssueTip);
        return mergeBase is null ? input.IssueTip : Renumber(input, mergeBase, input.IssueTip);
    }

    /// <summary>The migrations added between <paramref name="from"/> and <paramref name="to"/>, renamed to follow the base's in a commit on <paramref name="to"/>.</summary>
    private string Renumber(StagedMergeInput input, string from, string to)
    {
        var plan = migrations.Plan(Dir, input.BaseTip, from, to, input.BaseName);
        _migrationPolicies.AddRange(plan.Policies());
        if (!plan.HasChanges) return to;
        if (GitQueries.Head(Dir) != to) staging.Checkout(to);
        return plan.Commit(Dir, input.RenumberMessage);
    }
}
