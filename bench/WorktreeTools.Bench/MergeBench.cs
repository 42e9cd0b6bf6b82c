using static BenchKit;

/// <summary>
/// The merge queue, measured in one run:
/// 1. a train of ten issues with no gate against the raw <c>git merge --no-ff</c> sequence on a copy of the same
///    repository (goal: at most 1.5x);
/// 2. ten issues behind a gate that sleeps: batched against one by one (goal: at most a third of the time), and with
///    one culprit (goal: at most ceil(log2 10) + 1 = 5 gate runs more than the green batch).
/// Reports medians, ratios and gate-run counts; asserts nothing. Part 1 ends with one more train whose git processes are
/// counted and timed by command (git wrapped in a logging script through WORKTREE_TOOLS_GIT; that train is not in the
/// ratio). <c>--train-only</c> runs part 1 alone.
/// </summary>
internal static class MergeBench
{
    private const int Issues = 10;

    public static int Run(string[] args)
    {
        var files = Arg(args, "--files", 10_000);
        var runs = Arg(args, "--runs", 7);
        var gateSeconds = Arg(args, "--gate-seconds", 2);
        var root = Isolated("wtt-merge-bench-");
        try
        {
            Train(root, files, runs);
            if (!args.Contains("--train-only")) Batches(root, gateSeconds);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return 0;
    }

    /// <summary>Ten issues, each one commit to its own file, in worktrees beside the repository; returns main's commit.</summary>
    private static string WithIssues(string repo, int first, Func<int, (string File, string Content)>? change = null)
    {
        for (var i = first; i < first + Issues; i++)
        {
            var wt = Path.Combine(Path.GetDirectoryName(repo)!, Path.GetFileName(repo) + "-worktrees", $"issue-{i}");
            Git(repo, "worktree", "add", "-q", "-b", $"feature/issue-{i}", wt, "main");
            var (file, content) = change?.Invoke(i) ?? ($"src/d{i % 100:D2}/f{i:D5}.ts", $"export const value{i} = 'changed by issue {i}';\n");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(wt, file))!);
            File.WriteAllText(Path.Combine(wt, file), content);
            Git(wt, "add", "-A");
            Git(wt, "commit", "-q", "-m", $"feat: issue {i}");
        }
        return Git(repo, "rev-parse", "main").Trim();
    }

    private static void Train(string root, int files, int runs)
    {
        var repo = Path.Combine(root, "app");
        var plain = Path.Combine(root, "plain");
        Console.WriteLine($"Merge train: generating {files:N0} files and {Issues} issues in {repo} ...");
        Generate(repo, files);
        var start = WithIssues(repo, 1);
        Git(root, "clone", "-q", "--no-local", repo, plain);
        Git(plain, "fetch", "-q", "origin", "refs/heads/feature/*:refs/heads/feature/*");
        // Files checked out within the second their index is written are "racily clean": git re-reads them on every
        // read-only status (which may not write the index back); here that added about 10% to the train (ratio 0.96x
        // instead of 0.84x, 1.44x instead of 1.29-1.40x before the train was made faster). A checkout's index is
        // refreshed as soon as anything runs git status or git add in it a second later; do that here, for both sides.
        Thread.Sleep(1100);
        foreach (var checkout in Directory.GetDirectories(Path.Combine(root, "app-worktrees")).Append(repo).Append(plain))
            Git(checkout, "update-index", "-q", "--refresh");
        using var runspace = ModuleRunspace(repo);

        var git = new List<double>();
        var ours = new List<double>();
        for (var round = 0; round < runs + 1; round++)
        {
            Git(repo, "reset", "-q", "--hard", start);
            Git(plain, "reset", "-q", "--hard", start);
            void Plain() => git.Add(Time(() =>
            {
                for (var i = 1; i <= Issues; i++) Git(plain, "merge", "-q", "--no-ff", "-m", $"Merge issue-{i}", $"feature/issue-{i}");
            }));
            void Ours() => ours.Add(Time(() => Ps(runspace, $"1..{Issues} | Merge-IssueWorktree -NoTest -NoFetch")));
            if (round % 2 == 0) { Plain(); Ours(); } else { Ours(); Plain(); }
            Console.WriteLine($"  round {round}: git {git[^1]:F0} ms, Merge-IssueWorktree {ours[^1]:F0} ms ({(round % 2 == 0 ? "git" : "ours")} first)");
        }
        Report($"merge {Issues} issues, no gate", $"{Issues} x git merge --no-ff", Median(git.Skip(1)),
            "Merge-IssueWorktree -NoTest", Median(ours.Skip(1)), "goal: <= 1.5x");

        // The git processes one train starts, by command, with the time each took (a bash script wraps git, so this
        // train is not timed; not on Windows).
        if (OperatingSystem.IsWindows()) return;
        Git(repo, "reset", "-q", "--hard", start);
        var log = Path.Combine(root, "git-calls.txt");
        var wrapper = Path.Combine(root, "git-logged.sh");
        var realGit = BenchKit.Run("sh", root, "-c", "command -v git").Trim();
        File.WriteAllText(wrapper, $"#!/bin/bash\ns=$(date +%s%N); '{realGit}' \"$@\"; rc=$?; echo \"$(( ($(date +%s%N) - s) / 1000000 )) $*\" >> '{log}'; exit $rc\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Ps(runspace, $"$env:WORKTREE_TOOLS_GIT = '{wrapper}'; try {{ 1..{Issues} | Merge-IssueWorktree -NoTest -NoFetch | Out-Null }} finally {{ $env:WORKTREE_TOOLS_GIT = $null }}");
        // Each line: milliseconds, the global options GitCli adds, then the command ("--version": the check, once per process).
        var calls = File.ReadAllLines(log).Select(l => l.Split(' ')).Where(a => a[1] != "--version")
            .Select(a => (Ms: int.Parse(a[0], System.Globalization.CultureInfo.InvariantCulture),
                          Command: a.Skip(1).SkipWhile(x => x.StartsWith('-') || x.Contains('=', StringComparison.Ordinal)).First())).ToList();
        Console.WriteLine($"| git processes in one {Issues}-issue train: {calls.Count} ({calls.Count / (double)Issues:F1} per issue), {calls.Sum(c => c.Ms)} ms summed over the processes (those that ran side by side count in full) | " +
                          string.Join(", ", calls.GroupBy(c => c.Command).OrderByDescending(g => g.Sum(c => c.Ms)).Select(g => $"{g.Key} {g.Count()} ({g.Sum(c => c.Ms)} ms)")) + " |");
    }

    private static void Batches(string root, int gateSeconds)
    {
        var repo = Path.Combine(root, "gated");
        Console.WriteLine($"Merge queue: {Issues} issues behind a gate that sleeps {gateSeconds} s ...");
        Generate(repo, 200);
        var start = WithIssues(repo, 1);
        // Issues 11..20 are the same, except that 17 breaks the build.
        WithIssues(repo, 11, i => i == 17 ? ("BROKEN", "issue 17 breaks the build\n") : ($"src/d{i % 100:D2}/f{i:D5}.ts", $"export const value{i} = 'changed by issue {i}';\n"));
        var counter = Path.Combine(root, "gate-runs.txt");
        var gate = Path.Combine(root, "gate.sh");
        File.WriteAllText(gate, $"echo run >> '{counter}'\nsleep {gateSeconds}\ntest ! -e BROKEN\n");
        using var runspace = ModuleRunspace(repo);

        (double Ms, int Runs, string Statuses) Train(int first, int? batchSize)
        {
            Git(repo, "reset", "-q", "--hard", start);
            File.WriteAllText(counter, "");
            var statuses = "";
            var ms = Time(() =>
            {
                var results = Ps(runspace, $"{first}..{first + Issues - 1} | Merge-IssueWorktree -Test \"sh '{gate}'\" -NoFetch -ContinueOnError" +
                                           (batchSize is { } b ? $" -BatchSize {b}" : ""));
                statuses = string.Join(" ", results.GroupBy(r => r.Properties["Status"].Value.ToString()).Select(g => $"{g.Count()} {g.Key}"));
            });
            return (ms, File.ReadAllLines(counter).Length, statuses);
        }

        var single = Train(1, 1);
        var batched = Train(1, null);
        var whole = Train(1, Issues);
        Console.WriteLine($"| {Issues} issues, gate sleeping {gateSeconds} s, all green | one by one (-BatchSize 1): {single.Ms / 1000:F1} s, {single.Runs} gate runs " +
                          $"| default batches ({batched.Runs} runs): {batched.Ms / 1000:F1} s, ratio {batched.Ms / single.Ms:F2} " +
                          $"| -BatchSize {Issues} ({whole.Runs} run): {whole.Ms / 1000:F1} s, ratio {whole.Ms / single.Ms:F2} | goal: <= 0.33 |");

        var goal = (int)Math.Ceiling(Math.Log2(Issues)) + 1;
        var culprit = Train(11, Issues);
        var culpritDefault = Train(11, null);
        Console.WriteLine($"| {Issues} issues, one culprit | -BatchSize {Issues}: {culprit.Runs} gate runs ({culprit.Runs - whole.Runs} more than green), {culprit.Ms / 1000:F1} s, {culprit.Statuses} " +
                          $"| default batches: {culpritDefault.Runs} runs ({culpritDefault.Runs - batched.Runs} more than green), {culpritDefault.Ms / 1000:F1} s " +
                          $"| goal: <= {goal} more |");
    }
}
