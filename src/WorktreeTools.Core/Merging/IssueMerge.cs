using System.Diagnostics;
using System.Text.RegularExpressions;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Core.Merging.Migrations;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// Merges one issue, in this order: checklist (issue worktree clean, nothing in progress, base up to date with its
/// remote) → dry run stops here → build the result in staging (policies applied) → test gate → base checkout can
/// take it → backup refs → push (with -Push) → move the base → (Rebase) move the issue branch → after-merge command.
/// Everything before "move the base" changes nothing the user can see but the backup refs.
/// </summary>
internal sealed partial class IssueMerge(
    WorktreeConfig config, IOperationHost host, TrustStore trust, MergeSession session, MergeOptions options,
    IssueToMerge issue, MergeStrategy strategy, string baseName, TrainForecast forecast)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<MergePolicy> _policies = [];
    private readonly string _root = session.Root;
    private string _baseBefore = "";

    /// <summary>What the checklist found out about the issue, its base and the commands to run.</summary>
    private sealed record Checked(string BranchTip, string? IssueWorktree, string? BaseCheckout, string Remote, MergeCommand? Test,
        IReadOnlyList<MergeCommand> BeforeMerge, IReadOnlyList<MergeCommand> AfterMerge);

    public MergeResult Run(Action<string> phase)
    {
        phase("checking");
        var c = Check();
        var dryRun = !host.ShouldProcess($"{issue.Branch} -> {baseName}", $"Merge issue {issue.Issue} ({strategy})");
        var baseState = RemoteBase.ReadForMerge(_root, baseName, c.BaseCheckout, c.Remote, fetch: !dryRun && !options.NoFetch);
        _baseBefore = baseState.Local;
        var onto = dryRun ? forecast.Onto(baseState.Newest) : baseState.Newest;
        if (baseState.Note is not null) host.Verbose(baseState.Note);

        var picks = strategy == MergeStrategy.CherryPick ? ResolvePicks(onto, c.BranchTip) : [];
        var incoming = strategy == MergeStrategy.CherryPick ? GitQueries.Describe(_root, picks) : GitQueries.Commits(_root, onto + ".." + c.BranchTip);
        if (incoming.Count == 0)
            return Result(MergeStatus.UpToDate, _baseBefore, $"'{baseName}' already contains everything on '{issue.Branch}'.");
        if (dryRun) return Forecast(baseState.Newest, onto, c.BranchTip, incoming, c.Test, baseState.Note);

        phase("building the merge");
        var runner = MergeCommandRunner.For(config, _root, "merge", issue.Issue, issue.Branch, baseName, issue.TemplateValues, host.Cancellation);
        var staging = session.Staging(onto);
        var built = Build(staging, runner, onto, c.BranchTip, picks);
        if (built.Result is null) return Conflicted(built.Drive, runner);
        if (built.Result == onto)
            return Result(MergeStatus.UpToDate, _baseBefore, $"'{baseName}' already contains the changes of '{issue.Branch}'.", runner);

        if (c.Test is not null)
        {
            phase("testing");
            var exit = runner.Run(c.Test, staging.Path, "test");
            if (exit != 0)
                return Result(MergeStatus.TestFailed, _baseBefore,
                    $"The test gate '{c.Test}' failed (exit code {exit}) on the merged result; '{baseName}' was not changed. Log: {runner.LogPath}", runner)
                    with { TestExitCode = exit };
        }
        foreach (var hook in c.BeforeMerge)
        {
            phase("before-merge hook");
            var exit = runner.Run(hook, staging.Path, "before-merge");
            if (exit != 0)
                return Result(MergeStatus.TestFailed, _baseBefore,
                    $"The before-merge hook '{hook}' failed (exit code {exit}) on the merged result; '{baseName}' was not changed. Log: {runner.LogPath}", runner)
                    with { TestExitCode = exit };
        }
        host.Cancellation.ThrowIfCancellationRequested();
        return Land(phase, c, built, onto, runner);
    }

    /// <summary>The checklist, before anything is asked or changed: refs exist, nothing in progress, issue worktree clean, commands allowed.</summary>
    private Checked Check()
    {
        if (issue.Branch == baseName)
            throw new WorktreeToolsException("SameBranch", ErrorKind.InvalidArgument, $"Issue {issue.Issue}'s branch is '{baseName}' itself; nothing to merge.", issue.Branch);
        var branchTip = GitQueries.BranchTip(_root, issue.Branch, "BranchNotFound", "issue");
        _baseBefore = GitQueries.BranchTip(_root, baseName, "BaseNotFound", "base");
        var worktrees = GitWorktree.List(_root);
        var issueWorktree = issue.WorktreePath is { } p ? RepositoryInfo.Normalize(p) : CheckoutOf(worktrees, issue.Branch);
        var baseCheckout = CheckoutOf(worktrees, baseName);
        MergeChecklist.EnsureNoOperationInProgress(_root, baseCheckout, issueWorktree);
        MergeChecklist.EnsureClean(issueWorktree, issue.Issue);
        var remote = options.Remote ?? config.Worktrees.Remote;
        if (options.Push && !GitQueries.HasRemote(_root, remote))
            throw new WorktreeToolsException("RemoteNotFound", ErrorKind.ObjectNotFound, $"Cannot push: the repository has no remote '{remote}'.", remote);
        var test = options.NoTest ? null
            : options.Test is { Length: > 0 } t ? MergeCommand.Explicit("-Test", t)
            : config.Merge.Test is { } ct ? MergeCommand.FromConfig(config, trust, ct) : null;
        var beforeMerge = config.Hooks.BeforeMerge.Select(h => MergeCommand.FromConfig(config, trust, h)).ToList();
        var afterMerge = options.NoAfterMerge ? [] : config.Hooks.AfterMerge.Select(h => MergeCommand.FromConfig(config, trust, h)).ToList();
        return new Checked(branchTip, issueWorktree, baseCheckout, remote, test, beforeMerge, afterMerge);
    }

    /// <summary>Builds the merged result in the staging worktree, with the lockfile and migration policies.</summary>
    private StagedOutcome Build(StagingWorktree staging, MergeCommandRunner runner, string onto, string branchTip, List<string> picks)
    {
        var own = GitQueries.Commits(_root, "--no-merges", onto + ".." + branchTip);
        var tokens = new Dictionary<string, string>(runner.Tokens) { ["subject"] = Subject(own) };
        var lockfiles = new LockfilePolicy(config, trust, runner);
        var migrations = new MigrationPolicy(config.Merge.Migrations);
        var builder = new StagedBuilder(staging, migrations, new ConflictDriver(lockfiles, BaseSide.Ours, baseName, _policies, migrations), _policies);
        return builder.Build(strategy, new StagedMergeInput(baseName, onto, branchTip, picks,
            Template.Expand(options.Message ?? config.Merge.Message, tokens),
            SquashMessage(tokens, own),
            $"chore({tokens["name"]}): renumber migrations to follow {baseName}"));
    }

    /// <summary>
    /// The result is final: check the base checkout can take it, keep backup refs, push (a rejection changes nothing
    /// local), move the base, then (Rebase) the issue branch, then run the after-merge command.
    /// </summary>
    private MergeResult Land(Action<string> phase, Checked c, StagedOutcome built, string onto, MergeCommandRunner runner)
    {
        var merged = built.Result!;
        // Checked before anything is written or pushed (and again by the move itself, right before it).
        BranchMover.EnsureSafe(_root, baseName, c.BaseCheckout, _baseBefore, merged, "BaseCheckoutDirty");
        var backup = BackupRefs.NewPrefix(issue.Issue);
        BackupRefs.Save(_root, backup, new Dictionary<string, string> { ["base"] = _baseBefore, ["branch"] = c.BranchTip, ["result"] = merged },
            $"worktree-tools: before merging issue {issue.Issue} into {baseName}");

        if (options.Push)
        {
            phase("pushing");
            var push = RemotePush.Push(_root, c.Remote, PushUpdates(c.Remote, merged, built.IssueTip, c.BranchTip));
            if (!push.Accepted)
                return Result(MergeStatus.PushRejected, _baseBefore,
                    $"'{c.Remote}' rejected the push ({push.Detail}); nothing changed locally. The merged result is kept at {backup}/result; " +
                    "merge again to build it on the remote's new tip.", runner) with { BackupRef = backup };
        }

        phase($"moving {baseName}");
        BranchMover.Move(_root, baseName, c.BaseCheckout, _baseBefore, merged, $"worktree-tools: merge issue {issue.Issue} ({strategy})", "BaseCheckoutDirty");
        var notes = new List<string>();
        if (built.IssueTip is { } rebased && rebased != c.BranchTip) MoveIssueBranch(c.IssueWorktree, c.BranchTip, rebased, notes);
        foreach (var hook in c.AfterMerge) RunAfterMerge(hook, c.BaseCheckout, runner, notes);

        var commits = GitQueries.Commits(_root, onto + ".." + merged);
        var message = $"Merged {commits.Count} commit(s) of '{issue.Branch}' into '{baseName}' ({strategy})" +
                      (options.Push ? $" and pushed to '{c.Remote}'" : "") + "." + string.Concat(notes.Select(n => " " + n));
        return Result(MergeStatus.Merged, merged, message, runner) with
        {
            Commits = commits,
            BackupRef = backup,
            Pushed = options.Push,
            Undo = c.BaseCheckout is not null
                ? $"git -C \"{c.BaseCheckout}\" reset --keep {_baseBefore}"
                : $"git update-ref refs/heads/{baseName} {_baseBefore} {merged}",
        };
    }

    private MergeResult Forecast(string realBase, string onto, string branchTip, IReadOnlyList<MergeCommit> incoming, MergeCommand? test, string? baseNote)
    {
        var stopsAt = options.ContinueOnError ? null : forecast.FirstConflict;
        var f = forecast.Next(issue.Issue, realBase, branchTip, strategy);
        _policies.AddRange(f.Policies);
        var message = f.Status switch
                      {
                          MergeStatus.WouldMerge => $"Would merge {incoming.Count} commit(s) of '{issue.Branch}' into '{baseName}' ({strategy})",
                          MergeStatus.UpToDate => $"'{baseName}' would already contain the changes of '{issue.Branch}'",
                          _ => $"Would stop on conflicts in {MergeChecklist.Sample(f.ConflictFiles)}" + (f.Detail is null ? "" : $" ({f.Detail})"),
                      }
                      + (onto == realBase ? "" : ", after the issues forecast before it in this train")
                      + (baseNote is null ? "" : $"; {baseNote}")
                      + (test is null || f.Status != MergeStatus.WouldMerge ? "" : $"; the test gate '{test}' would run first")
                      + (strategy is MergeStrategy.Rebase or MergeStrategy.CherryPick ? " (forecast of the combined change; a commit-by-commit replay can stop elsewhere)" : "")
                      + (stopsAt is null ? "" : $"; without ContinueOnError the real run stops at issue {stopsAt}'s conflict and skips this one")
                      + ". Nothing was changed.";
        return Result(f.Status, _baseBefore, message) with { Commits = incoming, ConflictFiles = f.ConflictFiles };
    }

    private MergeResult Conflicted(DriveOutcome drive, MergeCommandRunner runner)
    {
        var at = drive.StoppedAt is null ? "" : $" at commit {drive.StoppedAt[..10]}";
        var message = $"Conflicts{at} in {MergeChecklist.Sample(drive.ConflictFiles)}; '{baseName}' was not changed." +
                      (drive.Detail is null ? "" : " " + drive.Detail) +
                      $" Resolve them in the issue worktree (for example Sync-IssueWorktree {issue.Issue}) and merge again.";
        // Whatever a policy did in staging was thrown away with the merge: the result claims none of it.
        return Result(MergeStatus.Conflicted, _baseBefore, message, runner) with { ConflictFiles = drive.ConflictFiles, ConflictCommit = drive.StoppedAt, Policies = [] };
    }

    private MergeResult Result(MergeStatus status, string baseAfter, string message, MergeCommandRunner? runner = null) => new()
    {
        Issue = issue.Issue,
        Branch = issue.Branch,
        Strategy = strategy,
        Status = status,
        Into = baseName,
        BaseBefore = _baseBefore,
        BaseAfter = baseAfter,
        Policies = _policies.ToList(),
        Duration = _clock.Elapsed,
        LogPath = runner is { Used: true } ? runner.LogPath : null,
        Message = message,
    };

    /// <summary>The folder where <paramref name="branch"/> is checked out, or null.</summary>
    private static string? CheckoutOf(IEnumerable<GitWorktree> worktrees, string branch) =>
        worktrees.FirstOrDefault(w => !w.Bare && w.Branch == branch)?.Path;

    /// <summary>CherryPick's commits: the ones asked for, or every non-merge commit of the branch not in the base.</summary>
    private List<string> ResolvePicks(string onto, string branchTip)
    {
        if (issue.Commits.Count == 0)
            return GitCli.Read(_root, ["rev-list", "--reverse", "--no-merges", onto + ".." + branchTip]).Output
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return issue.Commits.Select(c =>
        {
            var sha = GitQueries.ResolveCommit(_root, c)
                ?? throw new WorktreeToolsException("CommitNotFound", ErrorKind.ObjectNotFound, $"'{c}' is not a commit of this repository.", c);
            if (GitQueries.ParentCount(_root, sha) > 1)
                throw new WorktreeToolsException("CannotPickMergeCommit", ErrorKind.InvalidArgument,
                    $"'{c}' is a merge commit; pick the commits it brought in instead.", c);
            return sha;
        }).ToList();
    }

    private List<PushUpdate> PushUpdates(string remote, string merged, string? rebasedIssue, string branchTip)
    {
        var updates = new List<PushUpdate> { new(merged, baseName) };
        if (rebasedIssue is not null && rebasedIssue != branchTip)
            updates.Add(new PushUpdate(rebasedIssue, issue.Branch, GitQueries.ResolveCommit(_root, $"refs/remotes/{remote}/{issue.Branch}") ?? ""));
        return updates;
    }

    /// <summary>Rebase: the issue branch becomes the rebased commits (its old tip is in the backup refs).</summary>
    private void MoveIssueBranch(string? issueWorktree, string from, string to, List<string> notes)
    {
        try
        {
            BranchMover.Move(_root, issue.Branch, issueWorktree, from, to, $"worktree-tools: rebase issue {issue.Issue} onto {baseName}", "IssueWorktreeDirty");
            notes.Add($"'{issue.Branch}' now points at the rebased commits.");
        }
        catch (WorktreeToolsException ex)
        {
            host.Warning($"'{baseName}' has the merge, but '{issue.Branch}' was left where it was: {ex.Message}");
            notes.Add($"'{issue.Branch}' was left at its old tip ({ex.ErrorId}).");
        }
    }

    private void RunAfterMerge(MergeCommand command, string? baseCheckout, MergeCommandRunner runner, List<string> notes)
    {
        if (baseCheckout is null)
        {
            _policies.Add(new MergePolicy("AfterMerge", $"'{command}' not run: '{baseName}' is not checked out anywhere"));
            return;
        }
        var exit = runner.Run(command, baseCheckout, "after-merge");
        _policies.Add(new MergePolicy("AfterMerge", $"'{command}' ran in {baseCheckout} (exit code {exit})"));
        if (exit == 0) return;
        host.Warning($"The after-merge command '{command}' failed (exit code {exit}); the merge itself is done. Log: {runner.LogPath}");
        notes.Add($"The after-merge command failed (exit code {exit}).");
    }

    /// <summary>
    /// Squash: <c>merge.squashMessage</c> with {subject} = the subject of the branch's oldest commit (a conventional
    /// <c>type(scope):</c> prefix dropped, since the template adds its own); more than one commit are listed in the body.
    /// </summary>
    private string SquashMessage(IReadOnlyDictionary<string, string> tokens, IReadOnlyList<MergeCommit> own)
    {
        var subject = Template.Expand(options.Message ?? config.Merge.SquashMessage, tokens);
        return own.Count <= 1 ? subject : subject + "\n\n" + string.Join("\n", own.Select(c => "* " + c.Subject));
    }

    private string Subject(IReadOnlyList<MergeCommit> own)
    {
        var subject = own.Count == 0 ? "" : ConventionalPrefix().Replace(own[0].Subject, "").Trim();
        return subject.Length > 0 ? subject : $"issue {issue.Issue}";
    }

    [GeneratedRegex(@"^\w+(\([^)]*\))?!?:\s*")]
    private static partial Regex ConventionalPrefix();
}
