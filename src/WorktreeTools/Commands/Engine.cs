using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Worktrees;

namespace WorktreeTools.Commands;

/// <summary>
/// The one place the cmdlets reach into the engine for shared steps. Its methods are compiled only when first
/// called, after the module initializer has set up the engine's load context; no engine type appears in a
/// cmdlet's signature, field or base class.
/// </summary>
internal static class Engine
{
    public static WorktreeConfig LoadConfig(string path) => ConfigService.Load(path).Config;

    public static WorktreeService Worktrees(string path, IOperationHost host) => new(path, host);

    public static string ReadPromptFile(string path) => WorktreeService.ReadPromptFile(path);
}
