using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

/// <summary>What every benchmark uses: timing, medians, the report line, git and the module in a runspace.</summary>
internal static class BenchKit
{
    public static void Report(string what, string gitName, double git, string ourName, double ours, string goal) =>
        Console.WriteLine($"| {what} | {gitName}: {git:F1} ms | {ourName}: {ours:F1} ms | ratio {ours / git:F2}x ({git / ours:F2}x faster) | {goal} |");

    /// <summary>
    /// A new temporary folder for one benchmark, with WorktreeTools' state and the git identity inside it (set for
    /// this process and every child), so a run never touches the user's own.
    /// </summary>
    public static string Isolated(string prefix)
    {
        var root = Path.Combine(Path.GetTempPath(), prefix + Environment.ProcessId);
        Directory.CreateDirectory(root);
        Environment.SetEnvironmentVariable("WORKTREE_TOOLS_HOME", Path.Combine(root, "home"));
        Environment.SetEnvironmentVariable("WORKTREE_TOOLS_CONFIG", Path.Combine(root, "home", "config.yml"));
        var gitConfig = Path.Combine(root, "gitconfig");
        File.WriteAllText(gitConfig, "[user]\n\tname = Bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = main\n");
        Environment.SetEnvironmentVariable("GIT_CONFIG_GLOBAL", gitConfig);
        return root;
    }

    /// <summary>The integer after <paramref name="name"/> in the command line, or <paramref name="fallback"/>.</summary>
    public static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    public static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalMilliseconds;
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>Runs a script in the runspace; its output objects are returned, an error throws.</summary>
    public static List<PSObject> Ps(Runspace runspace, string script)
    {
        using var ps = PowerShell.Create(runspace);
        ps.AddScript(script);
        var output = ps.Invoke().ToList();
        if (ps.HadErrors) throw new InvalidOperationException(string.Join("\n", ps.Streams.Error));
        return output;
    }

    public static string Git(string dir, params string[] args) => Run("git", dir, args);

    public static string Run(string program, string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {err.Result}");
        return output;
    }

    /// <summary>A runspace with the module imported from disk (as pwsh does), working in <paramref name="location"/>.</summary>
    public static Runspace ModuleRunspace(string location)
    {
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        runspace.SessionStateProxy.Path.SetLocation(location);
        Ps(runspace, $"Import-Module '{FindManifest()}'; $ProgressPreference = 'SilentlyContinue'");
        return runspace;
    }

    /// <summary>A generated repository: <paramref name="files"/> small TypeScript files in 100 folders, one commit.</summary>
    public static void Generate(string repo, int files)
    {
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        for (var i = 0; i < files; i++)
        {
            var dir = Path.Combine(repo, "src", $"d{i % 100:D2}");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, $"f{i:D5}.ts"), $"export const value{i} = {i};\n// {new string('x', 200)}\n");
        }
        File.WriteAllText(Path.Combine(repo, ".gitignore"), ".env\n");
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "generated");
    }

    public static string FindManifest()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "WorktreeTools.psd1"))) dir = Path.GetDirectoryName(dir);
        return Path.Combine(dir ?? throw new InvalidOperationException("WorktreeTools.psd1 not found"), "WorktreeTools.psd1");
    }
}
