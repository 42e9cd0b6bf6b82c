using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Every script in examples/ runs to the end in a clean process (the real pwsh, the module from disk).</summary>
public sealed class ExampleTests
{
    public static TheoryData<string> Examples() =>
        new(Directory.GetFiles(Path.Combine(TestEnvironment.RepoRoot, "examples"), "*.ps1").Select(f => Path.GetFileName(f)!));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_runs_to_the_end(string example)
    {
        var (exit, stdout, stderr) = PwshProcess.Run(TestEnvironment.Root, "-NoProfile", "-File",
            Path.Combine(TestEnvironment.RepoRoot, "examples", example),
            "-Sandbox", Path.Combine(TestEnvironment.Root, "example-" + Path.GetFileNameWithoutExtension(example)));
        Assert.True(exit == 0, $"{example} exited {exit}\n{stdout}\n{stderr}");
        Assert.DoesNotContain("Exception", stdout);
        Assert.Contains("== ", stdout);
    }
}
