using System.Diagnostics;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Every script in examples/ runs to the end in a clean process (PwshHost, the module from disk).</summary>
public sealed class ExampleTests
{
    public static TheoryData<string> Examples() =>
        new(Directory.GetFiles(Path.Combine(TestEnvironment.RepoRoot, "examples"), "*.ps1").Select(f => Path.GetFileName(f)!));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_runs_to_the_end(string example)
    {
        var host = Path.Combine(TestEnvironment.RepoRoot, "tools", "PwshHost", "bin", "PwshHost.dll");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = TestEnvironment.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { host, "-NoProfile", "-File", Path.Combine(TestEnvironment.RepoRoot, "examples", example),
                     "-Sandbox", Path.Combine(TestEnvironment.Root, "example-" + Path.GetFileNameWithoutExtension(example)) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{example} exited {p.ExitCode}\n{stdout}\n{stderr.Result}");
        Assert.DoesNotContain("Exception", stdout);
        Assert.Contains("== ", stdout);
    }
}
