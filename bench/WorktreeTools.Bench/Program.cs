using System.Diagnostics;
using static BenchKit;

// Benchmarks WorktreeTools against the plain git commands the workflow document uses, side by side in one
// run, on a generated repository. Reports medians and ratios; asserts nothing.
//   dotnet run -c Release --project bench/WorktreeTools.Bench [-- --files 10000 --worktrees 20 --runs 7 [--list-only] [--untracked-cache]]
//   dotnet run -c Release --project bench/WorktreeTools.Bench -- merge [--files 10000 --runs 7 --gate-seconds 2 --train-only]
if (args is ["merge", ..]) return MergeBench.Run(args[1..]);
var files = Arg(args, "--files", 10_000);
var worktreeCount = Arg(args, "--worktrees", 20);
var runs = Arg(args, "--runs", 7);

var root = Isolated("wtt-bench-");
var repo = Path.Combine(root, "app");

try
{
    Console.WriteLine($"Generating a repository of {files:N0} files in {repo} ...");
    Generate(repo, files);
    File.WriteAllText(Path.Combine(repo, ".env"), "PORT=3000\nDATABASE_URL=file:./data/agent.db\n");
    File.WriteAllText(Path.Combine(repo, ".worktree-tools.yml"), "env:\n  set: { PORT: '{port.web}' }\nports: { web: 41001-41999 }\n");
    Git(repo, "add", "-A");
    Git(repo, "commit", "-q", "-m", "config");

    using var runspace = ModuleRunspace(repo);
    var manifest = FindManifest();

    // 1. Creating one worktree: New-IssueWorktree -NoInstall vs git worktree add -b (alternating, same repo).
    if (!args.Contains("--list-only"))
    {
        var create = new List<double>();
        var plain = new List<double>();
        for (var i = 0; i < runs + 1; i++)
        {
            // Beside ours, in the same folder: the filesystem places new folders by parent, and that alone moved
            // timings by 2x here.
            var gitPath = Path.Combine(root, "app-worktrees", $"plain-{i}");
            // Alternate who goes first, so that a busy disk or cache weighs on both alike.
            void Plain() => plain.Add(Time(() => Git(repo, "worktree", "add", "-q", "-b", $"plain/issue-{i}", gitPath, "main")));
            void Ours() => create.Add(Time(() => Ps(runspace, $"New-IssueWorktree b{i} -NoInstall -NoFetch")));
            if (i % 2 == 0) { Plain(); Ours(); } else { Ours(); Plain(); }
            Console.WriteLine($"  round {i}: git {plain[^1]:F0} ms, New-IssueWorktree {create[^1]:F0} ms ({(i % 2 == 0 ? "git" : "ours")} first)");
            Git(repo, "worktree", "remove", "--force", gitPath);
            Ps(runspace, $"Remove-IssueWorktree b{i} -Force -DeleteBranch -Confirm:$false");
        }
        // The first round warms up disk caches and the JIT; it is not counted.
        Report("create one worktree", "git worktree add -b", Median(plain.Skip(1)), "New-IssueWorktree -NoInstall", Median(create.Skip(1)), "goal: <= 1.2x");
    }

    // 2. Listing 20 worktrees with status: the workflow document's way vs Get-IssueWorktree.
    Ps(runspace, $"1..{worktreeCount} | ForEach-Object {{ New-IssueWorktree \"l$_\" -NoInstall -NoFetch }} | Out-Null");
    foreach (var i in new[] { 1, 2, 3 })
    {
        var w = Path.Combine(root, "app-worktrees", $"issue-l{i}");
        File.WriteAllText(Path.Combine(w, "src", "d00", "f00000.ts"), "changed\n");
        File.WriteAllText(Path.Combine(w, $"new{i}.txt"), "new\n");
        Git(w, "add", $"new{i}.txt");
        Git(w, "commit", "-q", "-m", $"work {i}");
    }
    // The floor: the same git status Get-IssueWorktree runs (WorktreeStatus.Read), for every worktree, as many side by
    // side as it runs them, and nothing else: no listing that runs git status per worktree can beat it.
    var worktreePaths = Enumerable.Range(1, worktreeCount).Select(i => Path.Combine(root, "app-worktrees", $"issue-l{i}")).ToList();
    // With --untracked-cache the repository keeps git's cache of untracked folders, as a user sets it up
    // (git config core.untrackedCache true), and the user's own git status has written it into each worktree's index.
    if (args.Contains("--untracked-cache"))
    {
        Git(repo, "config", "core.untrackedCache", "true");
        foreach (var w in worktreePaths) Git(w, "status", "--porcelain");
    }
    var scripted = new List<double>();
    var listed = new List<double>();
    var alone = new List<double>();
    for (var i = 0; i < runs + 1; i++)
    {
        // Rotate who goes first, so that a busy disk or cache weighs on all alike.
        var steps = new Action[]
        {
            () => scripted.Add(Time(() =>
            {
                var list = Git(repo, "worktree", "list", "--porcelain");
                foreach (var block in list.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Skip(1))
                {
                    var path = block.Split('\n')[0][9..];
                    var branch = block.Split('\n').First(l => l.StartsWith("branch ")).Replace("branch refs/heads/", "");
                    Git(path, "status", "--porcelain");
                    Git(repo, "rev-list", "--left-right", "--count", $"main...{branch}");
                }
            })),
            () => listed.Add(Time(() => Ps(runspace, "Get-IssueWorktree"))),
            () => alone.Add(Time(() => Parallel.ForEach(worktreePaths, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2) },
                p => Git(p, "-c", "core.quotepath=false", "-c", "color.ui=false", "--no-optional-locks", "status", "--porcelain=v2", "-z", "--no-renames", "--ignore-submodules=dirty")))),
        };
        for (var k = 0; k < steps.Length; k++) steps[(i + k) % steps.Length]();
    }
    Report($"list {worktreeCount} worktrees with status", "worktree list + status + rev-list each", Median(scripted.Skip(1)),
        "Get-IssueWorktree", Median(listed.Skip(1)), "goal: >= 2x faster");
    Report($"list {worktreeCount} worktrees with status", "worktree list + status + rev-list each", Median(scripted.Skip(1)),
        $"the {worktreeCount} git statuses alone, side by side", Median(alone.Skip(1)), "the most a git status per worktree allows");
    Report($"list {worktreeCount} worktrees with status", $"the {worktreeCount} git statuses alone, side by side", Median(alone.Skip(1)),
        "Get-IssueWorktree", Median(listed.Skip(1)), $"cost beyond the statuses: {Median(listed.Skip(1)) - Median(alone.Skip(1)):F0} ms");

    // 3. The same in real pwsh: the loop as a PowerShell user writes it (native git per worktree) vs the cmdlet,
    //    alternating in one pwsh process after a warm-up, each timed with Measure-Command.
    var ps1 = Path.Combine(root, "list.ps1");
    File.WriteAllText(ps1, $$"""
        Import-Module '{{manifest}}'
        Set-Location '{{repo}}'
        $ProgressPreference = 'SilentlyContinue'
        $loop = {
            $paths = git worktree list --porcelain | Where-Object { $_ -like 'worktree *' } | ForEach-Object { $_.Substring(9) } | Select-Object -Skip 1
            foreach ($p in $paths) {
                [pscustomobject]@{
                    Path        = $p
                    Branch      = git -C $p branch --show-current
                    Changes     = @(git -C $p status --porcelain).Count
                    AheadBehind = git -C $p rev-list --left-right --count 'main...HEAD'
                }
            }
        }
        $null = & $loop; $null = Get-IssueWorktree
        $a = @(); $b = @()
        for ($i = 0; $i -lt {{runs}}; $i++) {
            if ($i % 2) { $a += (Measure-Command { $null = & $loop }).TotalMilliseconds; $b += (Measure-Command { $null = Get-IssueWorktree }).TotalMilliseconds }
            else { $b += (Measure-Command { $null = Get-IssueWorktree }).TotalMilliseconds; $a += (Measure-Command { $null = & $loop }).TotalMilliseconds }
        }
        function Median($v) { $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }
        '{0:F1} {1:F1}' -f (Median $a), (Median $b)
        """);
    var pwsh = Run("dotnet", Path.GetDirectoryName(manifest)!, "pwsh", "-NoProfile", "-NonInteractive", "-File", ps1).Trim().Split(' ');
    Report($"list {worktreeCount} worktrees, in real pwsh", "the loop a PowerShell user writes", double.Parse(pwsh[0], System.Globalization.CultureInfo.InvariantCulture),
        "Get-IssueWorktree", double.Parse(pwsh[1], System.Globalization.CultureInfo.InvariantCulture), "goal: >= 3x faster");

    if (args.Contains("--list-only")) return 0;

    // 4. Which pairs conflict: all pairs of the 20 issues and each against the base (190 + 20 merges). Get-IssueConflict
    //    vs clash's way (one git merge-tree process per pair) and vs one raw git merge-tree --stdin fed the same pairs.
    //    Each issue changes the first line of one of seven shared files (issues i and j collide when i % 7 == j % 7) and
    //    a file of its own.
    for (var i = 1; i <= worktreeCount; i++)
    {
        var w = Path.Combine(root, "app-worktrees", $"issue-l{i}");
        foreach (var (k, text) in new[] { (i % 7, $"export const shared = {i};"), (1000 + i, $"export const own = {i};") })
        {
            var file = Path.Combine("src", $"d{k % 100:D2}", $"f{k:D5}.ts");
            var lines = File.ReadAllLines(Path.Combine(w, file));
            lines[0] = text;
            File.WriteAllLines(Path.Combine(w, file), lines);
            Git(w, "add", file);
        }
        Git(w, "commit", "-q", "-m", $"forecast work {i}");
    }
    var forecast = Ps(runspace, "Get-IssueConflict -All");
    var pairs = forecast.Select(p => (bool)p.Properties["OtherIsBase"].Value
        ? ((string)p.Properties["OtherCommit"].Value, (string)p.Properties["Commit"].Value)
        : ((string)p.Properties["Commit"].Value, (string)p.Properties["OtherCommit"].Value)).ToList();
    var ourSets = forecast.Select(p => ((System.Collections.IEnumerable)p.Properties["Files"].Value).Cast<object>()
        .Select(f => (string)f.GetType().GetProperty("Path")!.GetValue(f)!).Order(StringComparer.Ordinal).ToList()).ToList();
    var stdin = string.Concat(pairs.Select(p => $"{p.Item1} {p.Item2}\n"));
    List<List<string>> OnePerPair() => pairs.Select(p =>
    {
        var (exit, output) = GitExit(repo, null, "merge-tree", "--write-tree", "--name-only", "--no-messages", p.Item1, p.Item2);
        return exit == 0 ? [] : output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Distinct().Order(StringComparer.Ordinal).ToList();
    }).ToList();
    List<List<string>> Batch()
    {
        var fields = GitExit(repo, stdin, "merge-tree", "--write-tree", "--stdin", "-z", "--name-only", "--no-messages").Output.Split('\0');
        var sets = new List<List<string>>();
        for (var f = 0; f + 1 < fields.Length && sets.Count < pairs.Count;)
        {
            var clean = fields[f] == "1";
            f += 2;
            var names = new List<string>();
            while (f < fields.Length && fields[f].Length > 0) names.Add(fields[f++]);
            f++;
            sets.Add(clean ? [] : names.Distinct().Order(StringComparer.Ordinal).ToList());
        }
        return sets;
    }
    string Sets(List<List<string>> sets) => string.Join("|", sets.Select(x => string.Join(",", x)));
    if (Sets(OnePerPair()) != Sets(ourSets) || Sets(Batch()) != Sets(ourSets))
        throw new InvalidOperationException("Get-IssueConflict, one merge-tree per pair and one merge-tree --stdin disagree on the conflict sets.");
    Console.WriteLine($"  {pairs.Count} merges, {ourSets.Count(x => x.Count > 0)} conflicting: identical conflict sets from all three");
    var perPair = new List<double>();
    var batched = new List<double>();
    var conflicts = new List<double>();
    for (var i = 0; i < runs + 1; i++)
    {
        // Rotate who goes first, so that a busy disk or cache weighs on all alike.
        var steps = new Action[]
        {
            () => perPair.Add(Time(() => OnePerPair())),
            () => batched.Add(Time(() => Batch())),
            () => conflicts.Add(Time(() => Ps(runspace, "$null = Get-IssueConflict -All"))),
        };
        for (var k = 0; k < steps.Length; k++) steps[(i + k) % steps.Length]();
        Console.WriteLine($"  round {i}: merge-tree per pair {perPair[^1]:F0} ms, merge-tree --stdin {batched[^1]:F0} ms, Get-IssueConflict {conflicts[^1]:F0} ms");
    }
    Report($"forecast {pairs.Count} merges of {worktreeCount} issues", "git merge-tree per pair (clash)", Median(perPair.Skip(1)),
        "Get-IssueConflict -All", Median(conflicts.Skip(1)), "goal: >= 5x faster");
    Report($"forecast {pairs.Count} merges of {worktreeCount} issues", "one git merge-tree --stdin", Median(batched.Skip(1)),
        "Get-IssueConflict -All", Median(conflicts.Skip(1)), "goal: <= 1.3x");

    // 5. What -IncludeUncommitted adds: every worktree's files read into a tree (through a copy of its index) first.
    for (var i = 1; i <= worktreeCount; i++)
        File.WriteAllText(Path.Combine(root, "app-worktrees", $"issue-l{i}", $"draft{i}.txt"), "not committed yet\n");
    var committed = new List<double>();
    var uncommitted = new List<double>();
    for (var i = 0; i < runs + 1; i++)
    {
        void Without() => committed.Add(Time(() => Ps(runspace, "$null = Get-IssueConflict -All")));
        void With() => uncommitted.Add(Time(() => Ps(runspace, "$null = Get-IssueConflict -All -IncludeUncommitted")));
        if (i % 2 == 0) { Without(); With(); } else { With(); Without(); }
    }
    Report($"forecast with the uncommitted work of {worktreeCount} worktrees", "Get-IssueConflict -All", Median(committed.Skip(1)),
        "-IncludeUncommitted", Median(uncommitted.Skip(1)), $"cost added: {Median(uncommitted.Skip(1)) - Median(committed.Skip(1)):F0} ms");
    runspace.Close();
    MergeBench.Run(args);
}
finally
{
    try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
}
return 0;

static (int ExitCode, string Output) GitExit(string dir, string? stdin, params string[] args)
{
    var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
    foreach (var a in args) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    var err = p.StandardError.ReadToEndAsync();
    if (stdin is not null) Task.Run(() => { p.StandardInput.Write(stdin); p.StandardInput.Close(); });
    var output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode > 1) throw new InvalidOperationException($"git {string.Join(' ', args)}: {err.Result}");
    return (p.ExitCode, output);
}
