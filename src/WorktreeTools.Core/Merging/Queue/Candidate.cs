using System.Diagnostics;
using System.Text.RegularExpressions;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging.Migrations;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>
/// One issue in the queue: the checklist (before anything is asked or changed), then its merge built on top of a
/// commit (the base, or the issues before it in the batch). Building changes nothing the user can see: a clean
/// merge is written as a tree and a commit object only (no checkout); a conflict, a migration renumbering or a hook
/// git would run takes the staging worktree and git's own merge, rebase or cherry-pick.
/// </summary>
internal sealed partial class Candidate
{
    private readonly TrainContext _ctx;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private Candidate(TrainContext ctx, int index, IssueToMerge issue, string branchTip, string? worktree, IReadOnlyList<string> picks)
    {
        _ctx = ctx;
        Index = index;
        Issue = issue;
        BranchTip = branchTip;
        Worktree = worktree;
        ExplicitPicks = picks;
        Runner = MergeCommandRunner.For(ctx.Config, ctx.Root, "merge", issue.Issue, issue.Branch, ctx.BaseName, issue.TemplateValues, ctx.Host.Cancellation);
    }

    /// <summary>Position in the caller's list (results come out in this order).</summary>
    public int Index { get; }
    public IssueToMerge Issue { get; }
    public string BranchTip { get; }
    /// <summary>The issue's worktree, when it still exists.</summary>
    public string? Worktree { get; }
    /// <summary>CherryPick -Commit, resolved and checked.</summary>
    private IReadOnlyList<string> ExplicitPicks { get; }
    /// <summary>Runs the issue's own commands (lockfile regeneration, after-merge) into one log.</summary>
    public MergeCommandRunner Runner { get; }
    public List<MergePolicy> Policies { get; } = [];

    /// <summary>What the last <see cref="Build"/> made: the commit it was built on and the commit holding the merge (null when blocked).</summary>
    public string Onto { get; private set; } = "";
    public string? Built { get; private set; }
    /// <summary>The commits the merge adds on top of <see cref="Onto"/> (for Merge: the issue's and the merge commit).</summary>
    public IReadOnlyList<MergeCommit> Added { get; private set; } = [];
    /// <summary>Nothing to add on top of <see cref="Onto"/>: the base or the issues before it already hold the issue's changes.</summary>
    public bool NothingNew { get; private set; }
    /// <summary>Why the merge could not be built on <see cref="Onto"/> (Conflicted or HookRefused), or null.</summary>
    public MergeResult? Blocked { get; private set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// The checklist; throws its <see cref="WorktreeToolsException"/> before anything is asked or changed.
    /// <paramref name="status"/>: the status of the issue's worktree, read a moment ago (see <see cref="WorktreeOf"/>).
    /// </summary>
    public static Candidate Check(TrainContext ctx, int index, IssueToMerge issue, string baseTip, WorktreeStatus? status = null)
    {
        var root = ctx.Root;
        if (issue.Branch == ctx.BaseName)
            throw new WorktreeToolsException("SameBranch", ErrorKind.InvalidArgument, $"Issue {issue.Issue}'s branch is '{ctx.BaseName}' itself; nothing to merge.", issue.Branch);
        var branchTip = ctx.BranchTip(issue.Branch, "BranchNotFound", "issue");
        var worktree = WorktreeOf(ctx, issue);
        MergeChecklist.EnsureNoOperationInProgress(root, ctx.BaseCheckout, worktree);
        MergeChecklist.EnsureClean(worktree, issue.Issue, status);
        var picks = ctx.Strategy == MergeStrategy.CherryPick ? ResolvePicks(root, issue, branchTip) : [];
        MergeChecklist.EnsureNoConflictMarkers(root, issue.Issue, picks.Count > 0 ? picks : null, baseTip, branchTip);
        if (ctx.Strategy == MergeStrategy.Rebase && ctx.Options.Push) IssueBranchOnRemote.EnsureNotBehind(ctx, issue, branchTip, worktree);
        return new Candidate(ctx, index, issue, branchTip, worktree, picks);
    }

    /// <summary>The issue's worktree; a worktree deleted by hand is no worktree (the issue is merged from its branch).</summary>
    public static string? WorktreeOf(TrainContext ctx, IssueToMerge issue) =>
        issue.WorktreePath is { } p && Directory.Exists(p) ? RepositoryInfo.Normalize(p) : TrainContext.CheckoutOf(ctx.Worktrees, issue.Branch);

    /// <summary>
    /// Builds the merge on <paramref name="onto"/>: afterwards exactly one of <see cref="Built"/> (with
    /// <see cref="NothingNew"/> when it equals <paramref name="onto"/>) and <see cref="Blocked"/> is set.
    /// </summary>
    public void Build(string onto, StagingDependencies dependencies)
    {
        Onto = onto;
        Built = null;
        Blocked = null;
        NothingNew = false;
        Added = [];
        Policies.RemoveAll(p => p.Name is "Lockfile" or "Migrations");
        var picks = _ctx.Strategy == MergeStrategy.CherryPick ? Picks(onto) : [];
        var incoming = IncomingCommits(onto, picks);
        if (incoming.Count == 0)
        {
            NothingNew = true;
            Built = onto;
            return;
        }

        var tokens = new Dictionary<string, string>(Runner.Tokens) { ["subject"] = Subject(incoming) };
        var mergeMessage = CommitMessage.Clean(Template.Expand(_ctx.Options.Message ?? _ctx.Config.Merge.Message, tokens));
        var squashMessage = CommitMessage.Clean(SquashMessage(tokens, incoming));
        var migrations = new MigrationPolicy(_ctx.Config.Merge.Migrations);

        if (_ctx.Strategy is MergeStrategy.Merge or MergeStrategy.Squash && !_ctx.Hooks.AnyFor(_ctx.Strategy)
            && NoMigrationPolicy(migrations, onto)
            && TreeMerge.TryBuild(_ctx.Root, _ctx.Strategy, onto, BranchTip, _ctx.Strategy == MergeStrategy.Merge ? mergeMessage : squashMessage) is { } fast)
        {
            Built = fast;
            NothingNew = fast == onto;
            Added = NothingNew ? [] : _ctx.Strategy == MergeStrategy.Merge
                ? [.. incoming.Select(c => c.Commit), new MergeCommit(fast, CommitMessage.Subject(mergeMessage))]
                : [new MergeCommit(fast, CommitMessage.Subject(squashMessage))];
            return;
        }

        var ranBefore = Runner.Runs;
        var staging = _ctx.Session.Staging(onto);
        var lockfiles = new LockfilePolicy(_ctx.Config, _ctx.Trust, Runner);
        var builder = new StagedBuilder(staging, migrations, new ConflictDriver(lockfiles, BaseSide.Ours, _ctx.BaseName, Policies, migrations), Policies,
            _ctx.Hooks.Refusers(_ctx.Strategy));
        var built = builder.Build(_ctx.Strategy, new StagedMergeInput(_ctx.BaseName, onto, BranchTip, picks, mergeMessage, squashMessage,
            $"chore({tokens["name"]}): renumber migrations to follow {_ctx.BaseName}"));
        // A regenerate command ran in the staging worktree: what is installed there no longer matches any fingerprint.
        if (Runner.Runs != ranBefore) dependencies.Forget();
        if (built.RefusedBy is { } refusal)
        {
            Blocked = Result(MergeStatus.HookRefused, onto, onto,
                $"A git hook refused the {_ctx.Strategy} of '{Issue.Branch}' ({refusal}); '{_ctx.BaseName}' was not changed. " +
                "Fix what the hook reports on the issue's branch, then merge again.");
            return;
        }
        if (built.Result is null)
        {
            Blocked = Conflicted(built.Drive, onto);
            return;
        }
        Built = built.Result;
        NothingNew = built.Result == onto;
        Added = NothingNew ? [] : GitQueries.Commits(staging.Path, onto + ".." + built.Result);
    }

    /// <summary>CherryPick's commits: the ones asked for, or every non-merge commit of the branch not in <paramref name="onto"/>.</summary>
    public List<string> Picks(string onto) => ExplicitPicks.Count > 0 ? ExplicitPicks.ToList()
        : GitCli.Read(_ctx.Root, ["rev-list", "--reverse", "--no-merges", onto + ".." + BranchTip]).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>True when the migration policy has nothing to do or say for this merge (then it can be built as a tree).</summary>
    private bool NoMigrationPolicy(MigrationPolicy migrations, string onto) =>
        migrations.NothingToPlan(_ctx.Root, onto, BranchTip) || !migrations.Plan(_ctx.Root, onto, GitQueries.MergeBase(_ctx.Root, onto, BranchTip) ?? onto, BranchTip, _ctx.BaseName).Policies().Any();

    /// <summary>A result of this issue (Duration and the issue's policies filled in).</summary>
    public MergeResult Result(MergeStatus status, string baseBefore, string baseAfter, string message) => new()
    {
        Issue = Issue.Issue,
        Branch = Issue.Branch,
        Strategy = _ctx.Strategy,
        Status = status,
        Into = _ctx.BaseName,
        BaseBefore = baseBefore,
        BaseAfter = baseAfter,
        Policies = Policies.ToList(),
        Duration = _clock.Elapsed,
        LogPath = Runner.Used ? Runner.LogPath : null,
        Remote = _ctx.HasRemote ? _ctx.Remote : null,
        Message = message,
    };

    private MergeResult Conflicted(DriveOutcome drive, string onto)
    {
        var at = drive.StoppedAt is null ? "" : $" at commit {drive.StoppedAt[..10]}";
        var forward = _ctx.Strategy is MergeStrategy.Rebase or MergeStrategy.CherryPick && HasMergeCommits(onto)
            ? $" '{Issue.Branch}' holds merge commits (such as a Sync-IssueWorktree -Strategy Merge): {_ctx.Strategy} replays its commits one by one " +
              "without the resolutions those merges made, so syncing again cannot help. Land it with -Strategy Merge or -Strategy Squash, which keep them."
            : $" Resolve them in the issue worktree (for example Sync-IssueWorktree {Issue.Issue} -Stay) and merge again.";
        var message = $"Conflicts{at} in {MergeChecklist.Sample(drive.ConflictFiles)}; '{_ctx.BaseName}' was not changed." +
                      (drive.Detail is null ? "" : " " + drive.Detail) + forward;
        // Whatever a policy did in staging was thrown away with the merge: the result claims none of it.
        return Result(MergeStatus.Conflicted, onto, onto, message) with { ConflictFiles = drive.ConflictFiles, ConflictCommit = drive.StoppedAt, Policies = [] };
    }

    private bool HasMergeCommits(string onto) =>
        GitCli.Read(_ctx.Root, ["rev-list", "--merges", "-n", "1", onto + ".." + BranchTip]).Output.Trim().Length > 0;

    /// <summary>The commits coming in (with whether each is a merge commit): the picks, or the branch's commits not in <paramref name="onto"/>.</summary>
    private List<(MergeCommit Commit, bool IsMerge)> IncomingCommits(string onto, IReadOnlyList<string> picks)
    {
        if (_ctx.Strategy == MergeStrategy.CherryPick)
            return GitQueries.Describe(_ctx.Root, picks).Select(c => (c, false)).ToList();
        var output = GitCli.Read(_ctx.Root, ["log", "-z", "--reverse", "--format=%H%x1f%P%x1f%s", onto + ".." + BranchTip, "--"]).Output;
        return GitQueries.SplitZ(output).Select(e => e.Split('\x1f', 3))
            .Select(p => (new MergeCommit(p[0].Trim(), p.Length > 2 ? p[2] : ""), p.Length > 1 && p[1].Contains(' ', StringComparison.Ordinal))).ToList();
    }

    /// <summary>CherryPick -Commit: each must exist, be no merge commit and be on the issue's branch.</summary>
    private static List<string> ResolvePicks(string root, IssueToMerge issue, string branchTip) =>
        issue.Commits.Select(c =>
        {
            var sha = GitQueries.ResolveCommit(root, c)
                ?? throw new WorktreeToolsException("CommitNotFound", ErrorKind.ObjectNotFound, $"'{c}' is not a commit of this repository.", c);
            if (GitQueries.ParentCount(root, sha) > 1)
                throw new WorktreeToolsException("CannotPickMergeCommit", ErrorKind.InvalidArgument,
                    $"'{c}' is a merge commit; pick the commits it brought in instead.", c);
            if (!GitQueries.IsAncestor(root, sha, branchTip))
                throw new WorktreeToolsException("CommitNotOnBranch", ErrorKind.InvalidArgument,
                    $"'{c}' ({sha[..10]}) is not on '{issue.Branch}': it is not issue {issue.Issue}'s work. Pick commits of the issue's own branch, " +
                    "or merge the issue whose branch holds it.", c);
            return sha;
        }).ToList();

    /// <summary>
    /// Squash: <c>merge.squashMessage</c> with {subject} = the subject of the branch's oldest commit (a conventional
    /// <c>type(scope):</c> prefix dropped, since the template adds its own); more than one commit are listed in the body.
    /// </summary>
    private string SquashMessage(IReadOnlyDictionary<string, string> tokens, List<(MergeCommit Commit, bool IsMerge)> incoming)
    {
        var own = incoming.Where(c => !c.IsMerge).Select(c => c.Commit).ToList();
        var subject = Template.Expand(_ctx.Options.Message ?? _ctx.Config.Merge.SquashMessage, tokens);
        return own.Count <= 1 ? subject : subject + "\n\n" + string.Join("\n", own.Select(c => "* " + c.Subject));
    }

    private string Subject(List<(MergeCommit Commit, bool IsMerge)> incoming)
    {
        var first = incoming.FirstOrDefault(c => !c.IsMerge).Commit;
        var subject = first is null ? "" : ConventionalPrefix().Replace(first.Subject, "").Trim();
        return subject.Length > 0 ? subject : $"issue {Issue.Issue}";
    }

    [GeneratedRegex(@"^\w+(\([^)]*\))?!?:\s*")]
    private static partial Regex ConventionalPrefix();
}
