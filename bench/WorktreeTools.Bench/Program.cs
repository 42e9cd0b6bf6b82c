using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Benchmarks WorktreeTools against the plain git commands the workflow document uses, side by side in one
// run, on a generated repository. Reports medians and ratios; asserts nothing.
//   dotnet run -c Release --project bench/WorktreeTools.Bench [-- --files 10000 --worktrees 20 --runs 7]
var files = Arg("--files", 10_000);
var worktreeCount = Arg("--worktrees", 20);
var runs = Arg("--runs", 7);

var root = Path.Combine(Path.GetTempPath(), "wtt-bench-" + Environment.ProcessId);
var repo = Path.Combine(root, "app");
Directory.CreateDirectory(repo);
Environment.SetEnvironmentVariable("WORKTREE_TOOLS_HOME", Path.Combine(root, "home"));
Environment.SetEnvironmentVariable("WORKTREE_TOOLS_CONFIG", Path.Combine(root, "home", "config.yml"));
var gitConfig = Path.Combine(root, "gitconfig");
File.WriteAllText(gitConfig, "[user]\n\tname = Bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = main\n");
Environment.SetEnvironmentVariable("GIT_CONFIG_GLOBAL", gitConfig);

try
{
    Console.WriteLine($"Generating a repository of {files:N0} files in {repo} ...");
    Git(repo, "init", "-q", "-b", "main");
    for (var i = 0; i < files; i++)
    {
        var dir = Path.Combine(repo, "src", $"d{i % 100:D2}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, $"f{i:D5}.ts"), $"export const value{i} = {i};\n// {new string('x', 200)}\n");
    }
    File.WriteAllText(Path.Combine(repo, ".gitignore"), ".env\n");
    File.WriteAllText(Path.Combine(repo, ".env"), "PORT=3000\nDATABASE_URL=file:./data/agent.db\n");
    File.WriteAllText(Path.Combine(repo, ".worktree-tools.yml"), "env:\n  set: { PORT: '{port.web}' }\nports: { web: 41001-41999 }\n");
    Git(repo, "add", "-A");
    Git(repo, "commit", "-q", "-m", "generated");

    var manifest = FindManifest();
    using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
    runspace.Open();
    runspace.SessionStateProxy.Path.SetLocation(repo);
    Ps(runspace, $"Import-Module '{manifest}'; $ProgressPreference = 'SilentlyContinue'");

    // 1. Creating one worktree: New-IssueWorktree -NoInstall vs git worktree add -b (alternating, same repo).
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
    var scripted = new List<double>();
    var listed = new List<double>();
    for (var i = 0; i < runs + 1; i++)
    {
        scripted.Add(Time(() =>
        {
            var list = Git(repo, "worktree", "list", "--porcelain");
            foreach (var block in list.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                var path = block.Split('\n')[0][9..];
                var branch = block.Split('\n').First(l => l.StartsWith("branch ")).Replace("branch refs/heads/", "");
                Git(path, "status", "--porcelain");
                Git(repo, "rev-list", "--left-right", "--count", $"main...{branch}");
            }
        }));
        listed.Add(Time(() => Ps(runspace, "Get-IssueWorktree")));
    }
    Report($"list {worktreeCount} worktrees with status", "worktree list + status + rev-list each", Median(scripted.Skip(1)),
        "Get-IssueWorktree", Median(listed.Skip(1)), "goal: >= 2x faster");
}
finally
{
    try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
}
return 0;

static void Report(string what, string gitName, double git, string ourName, double ours, string goal) =>
    Console.WriteLine($"| {what} | {gitName}: {git:F1} ms | {ourName}: {ours:F1} ms | ratio {ours / git:F2}x ({git / ours:F2}x faster) | {goal} |");

static double Time(Action action)
{
    var sw = Stopwatch.StartNew();
    action();
    return sw.Elapsed.TotalMilliseconds;
}

static double Median(IEnumerable<double> values)
{
    var v = values.Order().ToArray();
    return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
}

static void Ps(Runspace runspace, string script)
{
    using var ps = PowerShell.Create(runspace);
    ps.AddScript(script);
    ps.Invoke();
    if (ps.HadErrors) throw new InvalidOperationException(string.Join("\n", ps.Streams.Error));
}

static string Git(string dir, params string[] args)
{
    var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in args) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    var err = p.StandardError.ReadToEndAsync();
    var output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {err.Result}");
    return output;
}

static string FindManifest()
{
    var dir = AppContext.BaseDirectory;
    while (dir is not null && !File.Exists(Path.Combine(dir, "WorktreeTools.psd1"))) dir = Path.GetDirectoryName(dir);
    return Path.Combine(dir ?? throw new InvalidOperationException("WorktreeTools.psd1 not found"), "WorktreeTools.psd1");
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}
