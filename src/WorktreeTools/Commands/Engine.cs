using System.Runtime.CompilerServices;
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

    // One service per cmdlet invocation and repository: a pipeline of issues finds the repository and parses
    // its configuration once, not once per item. The entry goes when the cmdlet object does.
    private static readonly ConditionalWeakTable<IOperationHost, Tuple<string, WorktreeService>> Services = new();

    public static WorktreeService Worktrees(string path, IOperationHost host)
    {
        if (Services.TryGetValue(host, out var cached) && cached.Item1 == path) return cached.Item2;
        var service = new WorktreeService(path, host);
        Services.AddOrUpdate(host, Tuple.Create(path, service));
        return service;
    }

    public static string ReadPromptFile(string path) => WorktreeService.ReadPromptFile(path);
}
