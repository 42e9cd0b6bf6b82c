using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;

namespace WorktreeTools.Commands;

/// <summary>
/// The one place the cmdlets call into the engine for shared steps. Its methods are compiled only when
/// first called, after the module initializer has set up the engine's load context.
/// </summary>
internal static class Engine
{
    public static WorktreeConfig LoadConfig(string path) => ConfigService.Load(path).Config;
}
