using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>
/// The queue's dry run (-WhatIf, or an issue declined at -Confirm): what merging one issue would do, without changing
/// anything and without fetching, forecast by the forecast engine (<see cref="TrainForecast"/>) on top of the forecasts
/// of the issues before it.
/// </summary>
internal sealed class DryRun(TrainContext ctx) : IDisposable
{
    // The dry run asks for the lockfile's regenerate command as the real run does (approved, of the merged files).
    private readonly TrainForecast _forecast = new(ctx.Root, ctx.Config.Merge, ctx.BaseName, (tree, lockfiles) =>
        LockfilePolicy.Commands(ctx.Config, ctx.Trust, CheckoutFiles.Commit(ctx.Root, tree), ctx.Root, lockfiles).Select(c => c.Command.Text));

    public MergeResult Forecast(Candidate c)
    {
        var baseState = RemoteBase.ReadForMerge(ctx.Root, ctx.BaseName, ctx.BaseCheckout, ctx.HasRemote ? ctx.Remote : null, fetch: false);
        var (realBase, local) = (baseState.Newest, baseState.Local);
        var onto = _forecast.Onto(realBase);
        var incoming = ctx.Strategy == MergeStrategy.CherryPick
            ? GitQueries.Describe(ctx.Root, c.Picks(onto))
            : GitQueries.Commits(ctx.Root, onto + ".." + c.BranchTip);
        if (incoming.Count == 0)
            return c.Result(MergeStatus.UpToDate, local, local, $"'{ctx.BaseName}' already contains everything on '{c.Issue.Branch}'.");

        var stopsAt = ctx.Options.ContinueOnError ? null : _forecast.FirstConflict;
        var f = _forecast.Next(c.Issue.Issue, realBase, c.BranchTip, ctx.Strategy);
        var message = f.Status switch
                      {
                          MergeStatus.WouldMerge => $"Would merge {incoming.Count} commit(s) of '{c.Issue.Branch}' into '{ctx.BaseName}' ({ctx.Strategy})",
                          MergeStatus.UpToDate => $"'{ctx.BaseName}' would already contain the changes of '{c.Issue.Branch}'",
                          _ => $"Would stop on conflicts in {MergeChecklist.Sample(f.ConflictFiles)}" + (f.Detail is null ? "" : $" ({f.Detail})"),
                      }
                      + (onto == realBase ? "" : ", after the issues forecast before it in this train")
                      + (baseState.Note is null ? "" : $"; {baseState.Note}")
                      + (ctx.Test is null || f.Status != MergeStatus.WouldMerge ? "" : $"; the test gate '{ctx.Test}' would run first")
                      + (ctx.Strategy is MergeStrategy.Rebase or MergeStrategy.CherryPick ? " (forecast of the combined change; a commit-by-commit replay can stop elsewhere)" : "")
                      + (stopsAt is null ? "" : $"; without ContinueOnError the real run stops at issue {stopsAt}'s conflict and skips this one")
                      + ". Nothing was changed.";
        return c.Result(f.Status, local, local, message) with { Commits = incoming, ConflictFiles = f.ConflictFiles, Policies = f.Policies };
    }

    public void Dispose() => _forecast.Dispose();
}
