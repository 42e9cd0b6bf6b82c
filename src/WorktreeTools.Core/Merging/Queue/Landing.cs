using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>
/// Lands a tested prefix of a batch: the base's checkout must be able to take it, every pre-merge tip is kept under
/// backup refs, the tip is pushed (with -Push; a rejection changes nothing local), then the base moves once to the
/// tip, the rebased issue branches move (Rebase), and the after-merge command runs. Returns one result per issue.
/// </summary>
internal sealed class Landing(TrainContext ctx)
{
    /// <param name="from">Where the local base is now.</param>
    /// <param name="caughtUp">How many commits of the remote's base the local base gets on the way (it was behind).</param>
    public List<MergeResult> Land(IReadOnlyList<Candidate> prefix, string from, int caughtUp, GateRun? run, Action<string> progress)
    {
        var to = prefix[^1].Built!;
        var merges = prefix.Where(c => !c.NothingNew).ToList();
        BranchMover.EnsureSafe(ctx.Root, ctx.BaseName, ctx.BaseCheckout, from, to, "BaseCheckoutDirty");
        var backups = merges.ToDictionary(c => c, c => BackupRefs.NewPrefix(c.Issue.Issue));
        BackupRefs.Save(ctx.Root, merges.SelectMany(c => new[]
        {
            ($"{backups[c]}/base", Before(prefix, c, from)), ($"{backups[c]}/branch", c.BranchTip), ($"{backups[c]}/result", c.Built!),
        }).ToList(), $"worktree-tools: before merging issue(s) {string.Join(", ", merges.Select(c => c.Issue.Issue))} into {ctx.BaseName}");

        var pushed = ctx.Options.Push && merges.Count > 0;
        if (pushed)
        {
            progress($"pushing {ctx.BaseName} to {ctx.Remote}");
            var push = RemotePush.Push(ctx.Root, ctx.Remote, PushUpdates(merges, to));
            if (!push.Accepted) return prefix.Select(c => Rejected(c, push.Detail, backups.GetValueOrDefault(c), from)).ToList();
        }

        progress($"moving {ctx.BaseName}");
        // Checked above; again only after a push (the network can take seconds, time enough to edit a file).
        BranchMover.Move(ctx.Root, ctx.BaseName, ctx.BaseCheckout, from, to,
            $"worktree-tools: merge issue(s) {string.Join(", ", merges.Select(c => c.Issue.Issue))} ({ctx.Strategy})", "BaseCheckoutDirty", checkedSafe: !pushed);
        var notes = merges.ToDictionary(c => c, _ => new List<string>());
        if (ctx.Strategy == MergeStrategy.Rebase)
            foreach (var c in merges.Where(c => c.Built != c.BranchTip)) MoveIssueBranch(c, notes[c]);
        if (merges.Count > 0)
            foreach (var hook in ctx.AfterMerge) RunAfterMerge(hook, merges[^1], notes[merges[^1]]);

        var others = merges.Count > 1 ? merges : [];
        return prefix.Select(c => c.NothingNew
            ? c.Result(MergeStatus.UpToDate, Before(prefix, c, from), merges.Count == 0 ? to : Before(prefix, c, from), UpToDateMessage(c, prefix, from, to, caughtUp))
            : c.Result(MergeStatus.Merged, Before(prefix, c, from), c.Built!, MergedMessage(c, others, run, caughtUp, c == merges[0], notes[c])) with
            {
                Commits = c.Added,
                BackupRef = backups[c],
                Pushed = ctx.Options.Push,
                TestExitCode = run?.ExitCode,
                TestRun = run?.Id,
                TestedCommit = run?.Commit,
                LogPath = run?.LogPath ?? (c.Runner.Used ? c.Runner.LogPath : null),
            }).ToList();
    }

    /// <summary>Where the base was before <paramref name="c"/>'s merge: the merge before it in the prefix, or the local base.</summary>
    private static string Before(IReadOnlyList<Candidate> prefix, Candidate c, string from) =>
        prefix.TakeWhile(o => o != c).LastOrDefault(o => !o.NothingNew)?.Built ?? from;

    private string MergedMessage(Candidate c, IReadOnlyList<Candidate> batch, GateRun? run, int caughtUp, bool first, List<string> notes)
    {
        var text = $"Merged '{c.Issue.Branch}' into '{ctx.BaseName}' ({ctx.Strategy}): {c.Added.Count} new commit(s) on '{ctx.BaseName}'" +
                   (ctx.Options.Push ? $" and pushed to '{ctx.Remote}'" : "") + ".";
        if (batch.Count > 1)
            text += $" It landed together with issue(s) {string.Join(", ", batch.Where(o => o != c).Select(o => o.Issue.Issue))}: '{ctx.BaseName}' moved once, to {batch[^1].Built![..10]}" +
                    (run is null ? "." : $", whose tree passed gate run {run.Id}.");
        else if (run is not null)
            text += $" Gate run {run.Id} passed on it.";
        if (first && caughtUp > 0)
            text += $" '{ctx.BaseName}' also caught up with {caughtUp} commit(s) of '{ctx.Remote}/{ctx.BaseName}' it lacked.";
        return text + string.Concat(notes.Select(n => " " + n));
    }

    private string UpToDateMessage(Candidate c, IReadOnlyList<Candidate> prefix, string from, string to, int caughtUp)
    {
        var before = prefix.TakeWhile(o => o != c).Where(o => !o.NothingNew).Select(o => o.Issue.Issue).ToList();
        var text = before.Count == 0
            ? $"'{ctx.BaseName}' already contains everything on '{c.Issue.Branch}'."
            : $"'{ctx.BaseName}' with the merges of issue(s) {string.Join(", ", before)} before it already contains everything on '{c.Issue.Branch}'.";
        if (c == prefix[0] && caughtUp > 0 && from != to)
            text += $" The local '{ctx.BaseName}' was {caughtUp} commit(s) behind '{ctx.Remote}/{ctx.BaseName}' and was moved to it.";
        return text;
    }

    private MergeResult Rejected(Candidate c, string detail, string? backup, string from)
    {
        var issueBranch = detail.Contains("refs/heads/" + c.Issue.Branch + " ", StringComparison.Ordinal);
        var next = issueBranch
            ? $"'{c.Issue.Branch}' moved on '{ctx.Remote}' meanwhile: bring its new commits into the issue's branch " +
              (c.Worktree is null ? "" : $"(git -C \"{c.Worktree}\" pull --rebase) ") + "and merge again."
            : $"merge again: '{ctx.BaseName}' is fetched first and the merge built on the remote's new tip.";
        return c.Result(MergeStatus.PushRejected, from, from,
            $"'{ctx.Remote}' rejected the push ({detail}); nothing changed locally." +
            (backup is null ? "" : $" The merged result is kept at {backup}/result;") + " " + next) with { BackupRef = backup };
    }

    private List<PushUpdate> PushUpdates(IReadOnlyList<Candidate> merges, string to)
    {
        var updates = new List<PushUpdate> { new(to, ctx.BaseName) };
        if (ctx.Strategy == MergeStrategy.Rebase)
            foreach (var c in merges.Where(c => c.Built != c.BranchTip))
                updates.Add(new PushUpdate(c.Built!, c.Issue.Branch, GitQueries.ResolveCommit(ctx.Root, $"refs/remotes/{ctx.Remote}/{c.Issue.Branch}") ?? ""));
        return updates;
    }

    /// <summary>Rebase: the issue branch becomes the rebased commits (its old tip is in the backup refs).</summary>
    private void MoveIssueBranch(Candidate c, List<string> notes)
    {
        try
        {
            BranchMover.Move(ctx.Root, c.Issue.Branch, c.Worktree, c.BranchTip, c.Built!,
                $"worktree-tools: rebase issue {c.Issue.Issue} onto {ctx.BaseName}", "IssueWorktreeDirty");
            notes.Add($"'{c.Issue.Branch}' now points at the rebased commits.");
        }
        catch (WorktreeToolsException ex)
        {
            ctx.Host.Warning($"'{ctx.BaseName}' has the merge, but '{c.Issue.Branch}' was left where it was: {ex.Message}");
            notes.Add($"'{c.Issue.Branch}' was left at its old tip ({ex.ErrorId}).");
        }
    }

    private void RunAfterMerge(MergeCommand command, Candidate c, List<string> notes)
    {
        if (ctx.BaseCheckout is null)
        {
            c.Policies.Add(new MergePolicy("AfterMerge", $"'{command}' not run: '{ctx.BaseName}' is not checked out anywhere"));
            return;
        }
        var exit = c.Runner.Run(command, ctx.BaseCheckout, "after-merge");
        c.Policies.Add(new MergePolicy("AfterMerge", $"'{command}' ran in {ctx.BaseCheckout} (exit code {exit})"));
        if (exit == 0) return;
        ctx.Host.Warning($"The after-merge command '{command}' failed (exit code {exit}); the merge itself is done. Log: {c.Runner.LogPath}");
        notes.Add($"The after-merge command failed (exit code {exit}).");
    }
}
