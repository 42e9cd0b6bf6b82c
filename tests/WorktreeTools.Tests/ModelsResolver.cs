using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using WorktreeTools.Testing;

namespace WorktreeTools.Tests;

/// <summary>
/// The tests assert on the module's output types, so they must see the very assembly the module loads:
/// WorktreeTools.Models from module/, not a copy in the test folder.
/// </summary>
internal static class ModelsResolver
{
    [ModuleInitializer]
    internal static void Init() =>
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name == "WorktreeTools.Models"
                ? context.LoadFromAssemblyPath(Path.Combine(TestEnvironment.RepoRoot, "module", "WorktreeTools.Models.dll"))
                : null;
}
