namespace WorktreeTools.Core.Merging.Queue;

/// <summary>One run of the test gate on one commit.</summary>
/// <param name="Id"><c>&lt;train&gt;#&lt;n&gt;</c>.</param>
/// <param name="ExitCode">The test's exit code (the install's when <paramref name="InstallFailed"/>); null after a timeout.</param>
/// <param name="LogPath">The test's log, or the install's when <paramref name="InstallFailed"/>.</param>
/// <param name="Step">What ran last (and failed, when the run is red): the test, a before-merge hook, or the install.</param>
internal sealed record GateRun(string Id, string Commit, int? ExitCode, bool TimedOut, bool InstallFailed, string LogPath, string Step)
{
    public bool Passed => !InstallFailed && ExitCode == 0;
}

/// <summary>
/// Runs the gate on a commit, in the staging worktree made to hold exactly that commit and its dependencies
/// (<see cref="StagingDependencies"/>): the install when they changed, the test, then the before-merge hooks. The
/// verdict is about that tree and nothing else. Each step runs in a process tree of its own that ends with it (or at
/// <c>TestTimeout</c>, or on Ctrl+C); anything still working in the staging worktree afterwards is ended too. A commit
/// is tested at most once per train.
/// </summary>
internal sealed class Gate(TrainContext ctx, StagingDependencies dependencies)
{
    private readonly Dictionary<string, GateRun> _runs = new(StringComparer.Ordinal);

    /// <summary>How many times the gate ran in this train.</summary>
    public int Count => _runs.Count;

    /// <summary>Tests <paramref name="tested"/>[^1].Built, the commit holding the merges of <paramref name="tested"/> on the base.</summary>
    public GateRun Run(IReadOnlyList<Candidate> tested, Action<string> progress)
    {
        var last = tested[^1];
        var commit = last.Built!;
        if (_runs.TryGetValue(commit, out var known)) return known;
        var n = _runs.Count + 1;
        var id = $"{ctx.TrainId}#{n}";
        var issues = string.Join(" ", tested.Select(c => c.Issue.Issue));
        var environment = new Dictionary<string, string?> { ["WORKTREE_TOOLS_ISSUES"] = issues, ["WORKTREE_TOOLS_TEST_RUN"] = id };

        progress($"gate run {n}: installing for {issues}");
        var staging = ctx.Session.Staging(commit);
        StagingWorktree.StopSurvivors(ctx.Root, ctx.Host);
        var install = dependencies.Prepare(staging, commit, last, environment, ctx.LogPath("install", n));
        GateRun run;
        if (!install.Ok)
        {
            run = new GateRun(id, commit, install.ExitCode, install.TimedOut, InstallFailed: true, install.LogPath!, "the install of the dependencies");
        }
        else
        {
            progress($"gate run {n}: testing {issues}");
            var log = ctx.LogPath("gate", n);
            run = new GateRun(id, commit, 0, false, InstallFailed: false, log, "");
            var steps = (ctx.Test is null ? [] : new[] { (ctx.Test, "test", $"the test gate '{ctx.Test}'") })
                .Concat(ctx.BeforeMerge.Select(h => (h, "before-merge", $"the before-merge hook '{h}'")));
            foreach (var (command, phase, what) in steps)
            {
                var outcome = last.Runner.RunTree(command, staging.Path, phase, log, ctx.Options.TestTimeout, environment);
                run = run with { ExitCode = outcome.ExitCode, TimedOut = outcome.TimedOut, Step = what };
                if (!run.Passed) break;
            }
        }
        StagingWorktree.StopSurvivors(ctx.Root, ctx.Host);
        _runs[commit] = run;
        return run;
    }
}
