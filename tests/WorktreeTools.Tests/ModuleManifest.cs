using System.Collections;
using System.Management.Automation.Language;

using WorktreeTools.Testing;

namespace WorktreeTools.Tests;

/// <summary>
/// WorktreeTools.psd1 read with PowerShell's own parser (data only, nothing runs), so tests and their theory
/// data can list the exported cmdlets without importing the module.
/// </summary>
public static class ModuleManifest
{
    public static Hashtable Read()
    {
        var ast = Parser.ParseFile(TestEnvironment.ManifestPath, out _, out var errors);
        if (errors.Length > 0)
            throw new InvalidOperationException($"{TestEnvironment.ManifestPath} does not parse: {errors[0]}");
        var table = ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
            ?? throw new InvalidOperationException($"{TestEnvironment.ManifestPath} holds no hashtable.");
        return (Hashtable)table.SafeGetValue();
    }

    /// <summary>A list-valued key (<c>@('a', 'b')</c>, a single string, or missing) as strings.</summary>
    public static IReadOnlyList<string> List(Hashtable manifest, string key) => manifest[key] switch
    {
        null => [],
        string s => [s],
        IEnumerable e => e.Cast<object>().Select(o => o.ToString()!).ToList(),
        var o => [o.ToString()!],
    };

    public static IReadOnlyList<string> CmdletsToExport => List(Read(), "CmdletsToExport");

    /// <summary>Theory data: one row per exported cmdlet, so cmdlets added later are covered without editing tests.</summary>
    public static IEnumerable<object[]> Cmdlets => CmdletsToExport.Select(name => new object[] { name });
}
