using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// Every pair of tests/Pester/PipelinePairs.ps1 (what users pipe × each cmdlet that takes an issue) through the
/// hosted engine; tests/Pester/PipelineBinding.Tests.ps1 runs the same pairs in real pwsh. Ports 161xx.
/// </summary>
public sealed class PipelineBindingTests
{
    private static string PairsScript => Path.Combine(TestEnvironment.RepoRoot, "tests", "Pester", "PipelinePairs.ps1");

    [LinuxFact]
    public void Every_pair_binds_the_issue_and_repository_it_was_meant_for()
    {
        var folder = Path.Combine(TestEnvironment.Root, "pairs-" + Guid.NewGuid().ToString("N")[..8]);
        var outside = Directory.CreateDirectory(Path.Combine(folder, "elsewhere")).FullName;
        using var ps = new PowerShellSession(outside);
        var vars = new Dictionary<string, object?> { ["pairs"] = PairsScript, ["folder"] = folder, ["outside"] = outside };
        try
        {
            var setup = ps.Run(". $pairs; $repository = New-PipelineFixture -Folder $folder -FirstPort 16101", vars);
            Assert.True(setup.Errors.Count == 0, string.Join("\n", setup.Errors));
            var r = ps.Run("""
                foreach ($p in $PipelineProducers.Keys) {
                    foreach ($c in $PipelineConsumers.Keys) { Test-PipelinePair (Invoke-PipelinePair $p $c $repository $outside) $repository }
                }
                """);
            Assert.Empty(r.Errors);
            Assert.True(r.Output.Count == 0, $"{r.Output.Count} pairs bound wrongly:\n" + string.Join("\n", r.Output));
        }
        finally
        {
            ps.Run("if ($repository) { Remove-PipelineFixture -Repository $repository }");
            Procs.Kill(Procs.WorkingIn(folder));
        }
    }
}
