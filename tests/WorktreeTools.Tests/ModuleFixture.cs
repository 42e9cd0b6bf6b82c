using System.Management.Automation;
using System.Reflection;

using WorktreeTools.Testing;

namespace WorktreeTools.Tests;

/// <summary>
/// One PowerShell session with the module imported, shared by the tests of a class, and what the loaded
/// module is made of: its cmdlets as the engine sees them and the cmdlet classes in its assemblies.
/// </summary>
public sealed class ModuleFixture : IDisposable
{
    public PowerShellSession Session { get; } = new();

    /// <summary>Runs <paramref name="script"/> with the given variables set; any error fails the test.</summary>
    public RunResult Run(string script, params (string Name, object? Value)[] variables)
    {
        var result = Session.Run(script, variables.ToDictionary(v => v.Name, v => v.Value));
        if (result.Errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"'{script}' wrote errors:\n" + string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return result;
    }

    public PSModuleInfo Module => Run("Get-Module -Name WorktreeTools").Objects<PSModuleInfo>().Single();

    /// <summary>The assemblies the module loaded its cmdlets from (root or nested binary modules).</summary>
    public IReadOnlyList<Assembly> Assemblies =>
        new[] { Module }.Concat(Module.NestedModules).Select(m => m.ImplementingAssembly).OfType<Assembly>().Distinct().ToList();

    /// <summary>Every public, concrete cmdlet class in the module's assemblies, by cmdlet name.</summary>
    public IReadOnlyDictionary<string, Type> CmdletTypes =>
        Assemblies.SelectMany(a => a.GetExportedTypes())
            .Where(t => typeof(Cmdlet).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() is not null)
            .ToDictionary(t => t.GetCustomAttribute<CmdletAttribute>()!.VerbName + "-" + t.GetCustomAttribute<CmdletAttribute>()!.NounName);

    /// <summary>The cmdlet as the engine imported it.</summary>
    public CmdletInfo Command(string name) =>
        Run("Get-Command -Module WorktreeTools -Name $name", ("name", name)).Objects<CmdletInfo>().Single();

    public IReadOnlyList<CmdletInfo> Commands =>
        Run("Get-Command -Module WorktreeTools").Objects<CmdletInfo>().ToList();

    /// <summary>The parameters a help page documents: all but the common ones (-WhatIf and -Confirm are documented).</summary>
    public static IEnumerable<ParameterMetadata> DocumentedParameters(CmdletInfo cmdlet) =>
        cmdlet.Parameters.Values.Where(p => !Cmdlet.CommonParameters.Contains(p.Name));

    public void Dispose() => Session.Dispose();
}
