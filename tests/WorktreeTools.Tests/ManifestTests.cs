using System.Management.Automation;
using System.Reflection;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>WorktreeTools.psd1 agrees with what was built: version, editions, exports, files.</summary>
public sealed class ManifestTests(ModuleFixture module) : IClassFixture<ModuleFixture>
{
    [Fact]
    public void Manifest_exports_exactly_the_cmdlets_in_the_assemblies()
    {
        var manifest = ModuleManifest.CmdletsToExport.Order().ToList();
        var classes = module.CmdletTypes.Keys.Order().ToList();
        Assert.True(manifest.SequenceEqual(classes),
            $"CmdletsToExport ({string.Join(", ", manifest)}) and the cmdlet classes ({string.Join(", ", classes)}) differ: " +
            $"missing from the manifest: {string.Join(", ", classes.Except(manifest))}; no such class: {string.Join(", ", manifest.Except(classes))}.");
        Assert.Equal(manifest, module.Commands.Select(c => c.Name).Order());
    }

    [Fact]
    public void Module_version_is_the_assemblies_version()
    {
        var version = Version.Parse((string)ModuleManifest.Read()["ModuleVersion"]!);
        Assert.NotEmpty(module.Assemblies);
        foreach (var assembly in module.Assemblies)
        {
            var built = assembly.GetName().Version!;
            Assert.True(built.Major == version.Major && built.Minor == version.Minor && built.Build == Math.Max(version.Build, 0),
                $"{assembly.GetName().Name} is version {built}, the manifest says {version}.");
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
            Assert.StartsWith(version.ToString(), informational);
        }
        Assert.Equal(version, module.Module.Version);
    }

    [Fact]
    public void Manifest_is_for_PowerShell_7_4_Core_and_exports_only_cmdlets()
    {
        var manifest = ModuleManifest.Read();
        Assert.Equal(["Core"], ModuleManifest.List(manifest, "CompatiblePSEditions"));
        Assert.True(Version.Parse((string)manifest["PowerShellVersion"]!) >= new Version(7, 4));
        foreach (var key in new[] { "FunctionsToExport", "AliasesToExport", "VariablesToExport" })
        {
            Assert.True(manifest.ContainsKey(key), $"The manifest must say {key} = @() (a missing key exports everything).");
            Assert.Empty(ModuleManifest.List(manifest, key));
        }
        Assert.Empty(module.Module.ExportedFunctions);
        Assert.Empty(module.Module.ExportedAliases);
        Assert.Empty(module.Module.ExportedVariables);
    }

    [Fact]
    public void Every_file_the_manifest_names_exists()
    {
        var manifest = ModuleManifest.Read();
        var files = new[] { "RootModule", "NestedModules", "RequiredAssemblies", "FormatsToProcess", "TypesToProcess" }
            .SelectMany(key => ModuleManifest.List(manifest, key).Select(f => (key, f)));
        foreach (var (key, file) in files)
            Assert.True(File.Exists(Path.Combine(TestEnvironment.RepoRoot, file)), $"{key} names {file}, which does not exist after the build.");
    }

    [Fact]
    public void Test_ModuleManifest_accepts_the_manifest()
    {
        var result = module.Run("Test-ModuleManifest -Path $path", ("path", TestEnvironment.ManifestPath));
        var info = result.Objects<PSModuleInfo>().Single();
        Assert.Equal("WorktreeTools", info.Name);
        Assert.Equal(ModuleManifest.CmdletsToExport.Order(), info.ExportedCmdlets.Keys.Order());
    }
}
