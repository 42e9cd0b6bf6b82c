using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>
/// The merge queue behind a Merge-IssueWorktree train (the model: GitHub merge queue, bors, Zuul). Issues are taken
/// in order, up to <see cref="MergeOptions.BatchSize"/> at a time, each merge built on the one before it; the gate
/// runs once, on the batch's tip. Green: the base moves once, to that tip. Red: prefixes of the batch are tested by
/// bisection until the first issue whose merge turns the gate red is found; it is ejected with the run that
/// convicted it, the longest green prefix lands, and the issues after it are built again on the new base. A merge
/// that cannot be built on the issues before it (a conflict, a hook's refusal) is final only once those issues have
/// landed; otherwise it is built again. The base only ever moves to a commit whose exact tree passed the gate (or,
/// with no gate, to the batch's tip). Results come out in the order the issues came in.
/// </summary>
internal sealed class MergeQueue : IDisposable
{
    /// <summary>An issue waiting in line: its place, and its checklist once done (an issue built again keeps it).</summary>
    private sealed record Waiting(int Index, IssueToMerge Issue, Candidate? Checked = null);

    /// <summary>A candidate in a batch, with how many built merges come before it.</summary>
    private sealed record Slot(Candidate C, int MergesBefore);

    private readonly TrainContext _ctx;
    private readonly StagingDependencies _dependencies;
    private readonly Gate _gate;
    private readonly Landing _landing;
    private readonly DryRun _dryRun;
    private readonly LinkedList<Waiting> _waiting;
    private readonly OrderedResults _results;
    private readonly Action<IssueToMerge, WorktreeToolsException>? _onError;
    private readonly string _activity;
    private string? _stoppedBy;
    private BaseState? _base;

    /// <param name="orderReasons">With a planned order: why each issue sits where it does (stamped on its result).</param>
    public MergeQueue(TrainContext ctx, IReadOnlyList<IssueToMerge> issues, Action<MergeResult>? onResult, Action<IssueToMerge, WorktreeToolsException>? onError,
        IReadOnlyList<string?>? orderReasons = null)
    {
        _ctx = ctx;
        _dependencies = new StagingDependencies(ctx);
        _gate = new Gate(ctx, _dependencies);
        _landing = new Landing(ctx);
        _dryRun = new DryRun(ctx);
        _waiting = new LinkedList<Waiting>(issues.Select((issue, i) => new Waiting(i, issue)));
        _results = new OrderedResults(issues.Count, ctx.Root, onResult, orderReasons);
        _onError = onError;
        _activity = $"Merging {issues.Count} issue(s) into {ctx.BaseName} ({ctx.Strategy})";
    }

    /// <summary>How many gate runs the train made.</summary>
    public int GateRuns => _gate.Count;

    public IReadOnlyList<MergeResult> Run()
    {
        try
        {
            while (_waiting.Count > 0)
            {
                _base = null;
                var batch = FillBatch();
                var members = batch.Where(s => s.C.Built is not null).Select(s => s.C).ToList();
                var landed = members.Count == 0 ? 0 : Resolve(members);
                Settle(batch, landed);
            }
        }
        finally
        {
            _ctx.Host.Progress(1, _activity, "done", 100, completed: true);
        }
        return _results.All;
    }

    /// <summary>Takes waiting issues through the checklist and builds their merges one on another, up to a batch.</summary>
    private List<Slot> FillBatch()
    {
        var slots = new List<Slot>();
        var merges = 0;
        var statuses = _stoppedBy is null ? ReadStatuses(_waiting.Where(w => w.Checked is null).Take(_ctx.BatchSize).ToList()) : [];
        while (_waiting.Count > 0 && merges < _ctx.BatchSize)
        {
            var w = _waiting.First!.Value;
            _waiting.RemoveFirst();
            if (_stoppedBy is not null)
            {
                _results.Set(w.Index, Skipped(w.Issue, $"Not attempted: issue {_stoppedBy} failed earlier in the train (use ContinueOnError to go on after a failure)."));
                continue;
            }
            Progress($"issue {w.Issue.Issue} ({w.Index + 1}/{_results.Count}): checking");
            var c = Guarded(w, () => w.Checked ?? Candidate.Check(_ctx, w.Index, w.Issue, _base?.Local ?? LocalTip(), statuses.GetValueOrDefault(w.Index)));
            if (c is null) continue;
            if (w.Checked is null && !_ctx.Host.ShouldProcess($"{w.Issue.Branch} -> {_ctx.BaseName}", $"Merge issue {w.Issue.Issue} ({_ctx.Strategy})"))
            {
                var forecast = Guarded(w, () => _dryRun.Forecast(c));
                if (forecast is null) continue;
                _results.Set(w.Index, forecast);
                // A dry run goes on past a forecast conflict, as the real run does with ContinueOnError (and says where it would stop).
                if (!forecast.Succeeded && forecast.Status != MergeStatus.WouldConflict) Stop(w.Issue);
                continue;
            }
            _ctx.Session.Lock();
            Progress($"issue {w.Issue.Issue} ({w.Index + 1}/{_results.Count}): building the merge");
            if (Guarded(w, () =>
                {
                    _base ??= RemoteBase.ReadForMerge(_ctx.Root, _ctx.BaseName, _ctx.BaseCheckout, _ctx.HasRemote ? _ctx.Remote : null, fetch: !_ctx.Options.NoFetch);
                    if (_base.Note is not null) _ctx.Host.Verbose(_base.Note);
                    c.Build(slots.LastOrDefault(s => s.C.Built is not null)?.C.Built ?? _base.Newest, _dependencies);
                    return c;
                }) is null) continue;
            slots.Add(new Slot(c, merges));
            if (c.Built is not null) merges++;
            // Without ContinueOnError the train stops at a merge that cannot be built, once that is confirmed.
            else if (!_ctx.Options.ContinueOnError) break;
        }
        return slots;
    }

    /// <summary>
    /// The status of the worktrees of the issues about to be checked, read side by side (git status of a large checkout is
    /// most of a clean merge's checklist, and git runs several at once faster than one after another). Nothing of the
    /// batch is changed before they are checked; an issue whose status could not be read here is read again by its check.
    /// </summary>
    private Dictionary<int, WorktreeStatus> ReadStatuses(List<Waiting> next)
    {
        var found = new System.Collections.Concurrent.ConcurrentDictionary<int, WorktreeStatus>();
        if (next.Count < 2) return [];
        var worktrees = next.Select(w => (w.Index, Path: Candidate.WorktreeOf(_ctx, w.Issue))).Where(w => w.Path is not null).ToList();
        Parallel.ForEach(worktrees, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2), CancellationToken = _ctx.Host.Cancellation }, w =>
        {
            try { found[w.Index] = WorktreeStatus.Read(w.Path!); }
            catch (WorktreeToolsException) { }
        });
        return found.ToDictionary();
    }

    /// <summary>Gates and lands the batch's merges; returns how many of them (a prefix) landed.</summary>
    private int Resolve(List<Candidate> members)
    {
        if (!_ctx.HasGate || members.All(m => m.NothingNew)) return Land(members, null) ? members.Count : 0;
        var run = Gate(members);
        if (run is null) return 0;
        if (run.Passed) return Land(members, run) ? members.Count : 0;

        // Bisect: prefix 0 (the base) is taken as green and prefix hi as red; find the first red one.
        var (lo, hi, green, red) = (0, members.Count, (GateRun?)null, run);
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            var r = Gate(members[..mid]);
            if (r is null) return 0;
            if (r.Passed) (lo, green) = (mid, r);
            else (hi, red) = (mid, r);
        }
        var landed = lo > 0 && Land(members[..lo], green) ? lo : 0;
        var culprit = members[hi - 1];
        var local = _base!.Local;
        _results.Set(culprit.Index, Convicted(culprit, members[..(hi - 1)], green, red, local));
        Stop(culprit.Issue);
        return landed;
    }

    private MergeResult Convicted(Candidate c, IReadOnlyList<Candidate> before, GateRun? green, GateRun red, string local)
    {
        var what = red.TimedOut ? $"{Capital(red.Step)} did not finish within {_ctx.Options.TestTimeout}" : $"{Capital(red.Step)} failed (exit code {red.ExitCode})";
        var onTop = before.Any(b => !b.NothingNew)
            ? $" on top of issue(s) {string.Join(", ", before.Where(b => !b.NothingNew).Select(b => b.Issue.Issue))}" +
              (green is null ? "" : $" (which passed alone, gate run {green.Id})")
            : "";
        return c.Result(red.InstallFailed ? MergeStatus.InstallFailed : MergeStatus.TestFailed, local, local,
            $"{what} in gate run {red.Id} on the merge of '{c.Issue.Branch}'{onTop}; '{_ctx.BaseName}' was not changed by it. Log: {red.LogPath}") with
        {
            TestExitCode = red.InstallFailed ? null : red.ExitCode,
            TestRun = red.Id,
            TestedCommit = red.Commit,
            LogPath = red.LogPath,
        };
    }

    /// <summary>Runs the gate on the tip of <paramref name="tested"/>; an error (a command not approved) is reported for each of them, and null returned.</summary>
    private GateRun? Gate(IReadOnlyList<Candidate> tested)
    {
        try
        {
            return _gate.Run(tested, Progress);
        }
        catch (WorktreeToolsException ex) when (_onError is not null)
        {
            Failed([.. tested.Select(c => (c.Index, c.Issue))], ex);
            return null;
        }
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Lands a prefix; false when the push was rejected or an error was reported (then nothing moved).</summary>
    private bool Land(IReadOnlyList<Candidate> prefix, GateRun? run)
    {
        Progress($"landing {string.Join(", ", prefix.Select(c => c.Issue.Issue))}");
        List<MergeResult> results;
        try
        {
            results = _landing.Land(prefix, _base!.Local, _base.Relation == BaseRelation.LocalBehind ? _base.Behind : 0, run, Progress);
        }
        catch (WorktreeToolsException ex) when (_onError is not null)
        {
            Failed([.. prefix.Select(c => (c.Index, c.Issue))], ex);
            return false;
        }
        foreach (var (c, r) in prefix.Zip(results)) _results.Set(c.Index, r);
        if (results.Any(r => r.Status == MergeStatus.PushRejected))
        {
            Stop(prefix[0].Issue);
            return false;
        }
        _base = _base with { Local = prefix[^1].Built!, Relation = BaseRelation.Same, Behind = 0 };
        return true;
    }

    /// <summary>
    /// After a batch: a merge blocked on top of issues that all landed is final; a merge after the culprit, or
    /// blocked on top of one that did not land, waits in line again (at the front, in order) to be built anew.
    /// </summary>
    private void Settle(List<Slot> batch, int landed)
    {
        var again = new List<Waiting>();
        foreach (var (c, mergesBefore) in batch)
        {
            if (_results.IsSet(c.Index)) continue; // landed, convicted, rejected, or reported as an error
            if (c.Blocked is not null && mergesBefore <= landed)
            {
                _results.Set(c.Index, c.Blocked with { BaseBefore = _base?.Local ?? c.Onto, BaseAfter = _base?.Local ?? c.Onto, Duration = c.Elapsed });
                Stop(c.Issue);
                continue;
            }
            again.Add(new Waiting(c.Index, c.Issue, c));
        }
        for (var i = again.Count - 1; i >= 0; i--) _waiting.AddFirst(again[i]);
    }

    /// <summary>Runs a step for a waiting issue; an error goes to onError (the issue gets no result) or, without one, ends the train.</summary>
    private T? Guarded<T>(Waiting w, Func<T> step) where T : class
    {
        try
        {
            return step();
        }
        catch (WorktreeToolsException ex) when (_onError is not null)
        {
            Failed([(w.Index, w.Issue)], ex);
            return null;
        }
    }

    /// <summary>Reports an error for each issue (which then gets no result) and stops the train at the first.</summary>
    private void Failed(IReadOnlyList<(int Index, IssueToMerge Issue)> issues, WorktreeToolsException ex)
    {
        foreach (var (index, issue) in issues)
        {
            _onError!(issue, ex);
            _results.Drop(index);
        }
        Stop(issues[0].Issue);
    }

    private void Stop(IssueToMerge issue)
    {
        if (!_ctx.Options.ContinueOnError) _stoppedBy ??= issue.Issue;
    }

    private void Progress(string status)
    {
        _ctx.Host.Cancellation.ThrowIfCancellationRequested();
        _ctx.Host.Progress(1, _activity, status, _results.Done * 100 / Math.Max(1, _results.Count));
    }

    public void Dispose() => _dryRun.Dispose();

    private string LocalTip() => _ctx.BranchTip(_ctx.BaseName, "BaseNotFound", "base");

    private MergeResult Skipped(IssueToMerge issue, string message)
    {
        var tip = GitQueries.ResolveCommit(_ctx.Root, "refs/heads/" + _ctx.BaseName) ?? "";
        return new MergeResult
        {
            Issue = issue.Issue, Branch = issue.Branch, Strategy = _ctx.Strategy, Status = MergeStatus.Skipped, Into = _ctx.BaseName,
            BaseBefore = tip, BaseAfter = tip, Message = message,
        };
    }
}

/// <summary>
/// Results in the order the issues go (stamped with the repository and, with a planned order, why each sits where it
/// does), each handed on as soon as every one before it is known.
/// </summary>
internal sealed class OrderedResults(int count, string repositoryRoot, Action<MergeResult>? onResult, IReadOnlyList<string?>? orderReasons = null)
{
    private readonly MergeResult?[] _results = new MergeResult?[count];
    private readonly bool[] _settled = new bool[count];
    private int _next;

    public List<MergeResult> All { get; } = [];
    public int Count => count;
    public int Done => _settled.Count(s => s);

    public bool IsSet(int index) => _settled[index];

    public void Set(int index, MergeResult result)
    {
        _results[index] = result with { RepositoryRoot = repositoryRoot, OrderReason = orderReasons?[index] };
        Settle(index);
    }

    /// <summary>The issue was reported as an error instead.</summary>
    public void Drop(int index) => Settle(index);

    private void Settle(int index)
    {
        _settled[index] = true;
        for (; _next < count && _settled[_next]; _next++)
            if (_results[_next] is { } r)
            {
                All.Add(r);
                onResult?.Invoke(r);
            }
    }
}
