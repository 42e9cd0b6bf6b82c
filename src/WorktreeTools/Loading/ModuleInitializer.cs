using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace WorktreeTools.Loading;

/// <summary>
/// Runs when PowerShell imports the module: routes the engine assembly to its private load context and the
/// shared contract (WorktreeTools.Models) to the module folder. Nothing else is touched.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
    private static readonly Lazy<EngineLoadContext> Engine =
        new(() => new EngineLoadContext(Path.Combine(ModuleDirectory, "dependencies")));

    public void OnImport() => AssemblyLoadContext.Default.Resolving += Resolve;

    public void OnRemove(PSModuleInfo module) => AssemblyLoadContext.Default.Resolving -= Resolve;

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        switch (name.Name)
        {
            case "WorktreeTools.Core":
                return Engine.Value.LoadFromAssemblyName(name);
            case "WorktreeTools.Models":
                var file = Path.Combine(ModuleDirectory, "WorktreeTools.Models.dll");
                return File.Exists(file) ? context.LoadFromAssemblyPath(file) : null;
            default:
                return null;
        }
    }
}
