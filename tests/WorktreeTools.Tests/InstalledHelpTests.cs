using System.Diagnostics;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// Help as a user sees it after installing: the manifest and module/ copied to a folder on PSModulePath
/// (the layout build.ps1 -Task Package makes: the manifest, en-US/ and module/), in a separate PowerShell process that knows nothing of the
/// tests. Cmdlet help comes from module/en-US/*-Help.xml and about_WorktreeTools (en-US/) is found, once.
/// </summary>
public sealed class InstalledHelpTests : IDisposable
{
    private readonly string _modules = Path.Combine(TestEnvironment.Root, "psmodules-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Installed_module_shows_cmdlet_help_and_the_about_topic()
    {
        var version = (string)ModuleManifest.Read()["ModuleVersion"]!;
        var target = Path.Combine(_modules, "WorktreeTools", version);
        Directory.CreateDirectory(target);
        File.Copy(TestEnvironment.ManifestPath, Path.Combine(target, "WorktreeTools.psd1"));
        foreach (var folder in new[] { "module", "en-US" })
        {
            var from = Path.Combine(TestEnvironment.RepoRoot, folder);
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".pdb", StringComparison.Ordinal)))
            {
                var copy = Path.Combine(target, folder, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
        }

        var synopsis = HelpPage.Read("Get-WorktreeConfig").Synopsis;
        var (exit, output) = Pwsh("""
            Get-Help about_WorktreeTools
            'topics=' + @(Get-Help about_WorktreeTools).Count
            Import-Module WorktreeTools -ErrorAction Stop
            'base=' + (Get-Module WorktreeTools).ModuleBase
            'synopsis=' + (Get-Help Get-WorktreeConfig).Synopsis
            """);

        Assert.True(exit == 0, output);
        Assert.Contains("base=" + target, output);
        Assert.Contains("synopsis=" + synopsis, output);
        Assert.Contains("about_WorktreeTools", output);
        Assert.Contains("topics=1", output);
        Assert.Contains("TRUST AND APPROVAL", output);
    }

    private (int Exit, string Output) Pwsh(string script)
    {
        var (exit, output, error) = PwshProcess.Run(TestEnvironment.Root,
            new Dictionary<string, string> { ["PSModulePath"] = _modules }, "-NoProfile", "-Command", script);
        return (exit, output + error);
    }

    public void Dispose() => TestRepo.ForceDelete(_modules);
}
