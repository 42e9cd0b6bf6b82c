using System.Diagnostics;

namespace WorktreeTools.Testing;

/// <summary>
/// A real npm project in a test repository, with no network: its dependencies are tarballs made by <c>npm pack</c>
/// and committed under <c>vendor/</c> (<c>file:vendor/&lt;name&gt;-1.0.0.tgz</c>), its test is <c>node test.js</c>
/// requiring them, and <c>package-lock.json</c> is written by <c>npm install</c>.
/// </summary>
public static class NpmProject
{
    /// <summary>Writes package.json, .npmrc, test.js and the packages into <paramref name="dir"/> and runs npm install (lockfile).</summary>
    public static void Create(string dir, params string[] dependencies)
    {
        File.WriteAllText(Path.Combine(dir, ".npmrc"), "audit=false\nfund=false\nupdate-notifier=false\n");
        foreach (var d in dependencies) Pack(dir, d);
        WritePackageJson(dir, dependencies);
        WriteTest(dir, dependencies);
        Npm(dir, "install");
    }

    /// <summary>Makes <c>vendor/&lt;name&gt;-1.0.0.tgz</c> with <c>npm pack</c>: a module exporting a function that returns its name.</summary>
    public static void Pack(string dir, string name)
    {
        var source = Path.Combine(Path.GetDirectoryName(dir)!, "packages-src", name);
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "package.json"), $"{{\"name\":\"{name}\",\"version\":\"1.0.0\",\"main\":\"index.js\"}}\n");
        File.WriteAllText(Path.Combine(source, "index.js"), $"module.exports = () => '{name}';\n");
        Directory.CreateDirectory(Path.Combine(dir, "vendor"));
        Npm(source, "pack", "--silent", "--pack-destination", Path.Combine(dir, "vendor"));
    }

    public static void WritePackageJson(string dir, IEnumerable<string> dependencies)
    {
        var deps = string.Join(",", dependencies.Select(d => $"\"{d}\":\"file:vendor/{d}-1.0.0.tgz\""));
        File.WriteAllText(Path.Combine(dir, "package.json"),
            $"{{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"scripts\":{{\"test\":\"node test.js\"}},\"dependencies\":{{{deps}}}}}\n");
    }

    /// <summary>A test that needs every one of <paramref name="required"/> to be installed.</summary>
    public static void WriteTest(string dir, IEnumerable<string> required) =>
        File.WriteAllText(Path.Combine(dir, "test.js"),
            string.Concat(required.Select(d => $"if (require('{d}')() !== '{d}') process.exit(2);\n")) + "console.log('all tests passed');\n");

    /// <summary>Runs npm in <paramref name="dir"/>; returns its exit code, output and errors.</summary>
    public static (int ExitCode, string Output) TryNpm(string dir, params string[] args) => TryRun("npm", dir, args);

    /// <summary>Runs <paramref name="program"/> in <paramref name="dir"/>; returns its exit code, output and errors.</summary>
    public static (int ExitCode, string Output) TryRun(string program, string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    public static string Npm(string dir, params string[] args)
    {
        var (code, output) = TryNpm(dir, args);
        return code == 0 ? output : throw new InvalidOperationException($"npm {string.Join(' ', args)} failed in {dir} (exit {code}): {output}");
    }

    /// <summary>
    /// Clones <paramref name="repository"/> at <paramref name="commit"/> into a new folder, installs and runs
    /// <c>npm test</c> there, as a colleague pulling that commit would; returns the test's exit code and output.
    /// </summary>
    public static (int ExitCode, string Output) TestFreshClone(string repository, string commit)
    {
        var clone = FreshClone(repository, commit);
        var install = TryNpm(clone, "install");
        return install.ExitCode != 0 ? install : TryNpm(clone, "test");
    }

    /// <summary>A new clone of <paramref name="repository"/> with <paramref name="commit"/> checked out (detached); returns its folder.</summary>
    public static string FreshClone(string repository, string commit)
    {
        var clone = Path.Combine(Path.GetDirectoryName(repository)!, "clone-" + commit[..10]);
        TestRepo.Run(Path.GetDirectoryName(repository)!, "clone", "-q", "--no-checkout", repository, clone);
        TestRepo.Run(clone, "checkout", "-q", "--detach", commit);
        return clone;
    }
}
