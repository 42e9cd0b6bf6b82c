using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace WorktreeTools.Loading;

/// <summary>
/// The private load context of the engine and its dependencies (LibGit2Sharp, YamlDotNet, SQLite), loaded
/// from the module's <c>dependencies/</c> folder, so another module's copies can never clash with ours.
/// Native libraries come from <c>dependencies/runtimes/&lt;rid&gt;/native</c>, since pwsh ignores a module's deps.json.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _directory;
    private readonly string[] _nativeDirectories;

    public EngineLoadContext(string directory) : base("WorktreeTools.Engine", isCollectible: false)
    {
        _directory = directory;
        _nativeDirectories = RuntimeIdentifiers().Select(rid => Path.Combine(directory, "runtimes", rid, "native")).Where(System.IO.Directory.Exists).ToArray();
    }

    protected override Assembly? Load(AssemblyName name)
    {
        var file = Path.Combine(_directory, name.Name + ".dll");
        // Anything not shipped in dependencies/ (the framework, the shared WorktreeTools.Models) comes from the default context.
        return File.Exists(file) ? LoadFromAssemblyPath(file) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = FindNative(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>The file for a native library name such as <c>git2-5853918</c> or <c>e_sqlite3</c>, or null.</summary>
    public string? FindNative(string name)
    {
        string[] candidates = OperatingSystem.IsWindows()
            ? [name, name + ".dll"]
            : OperatingSystem.IsMacOS() ? [name, "lib" + name + ".dylib", name + ".dylib"] : [name, "lib" + name + ".so", name + ".so"];
        foreach (var dir in _nativeDirectories)
            foreach (var c in candidates)
            {
                var path = Path.Combine(dir, c);
                if (File.Exists(path)) return path;
            }
        return null;
    }

    /// <summary>The runtime identifiers to look under, most specific first (linux-musl-x64 before linux-x64).</summary>
    public static IEnumerable<string> RuntimeIdentifiers() =>
        RuntimeIdentifiers(
            OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux",
            IsMusl(),
            RuntimeInformation.ProcessArchitecture);

    public static IEnumerable<string> RuntimeIdentifiers(string os, bool musl, Architecture arch)
    {
        var a = arch switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            _ => arch.ToString().ToLowerInvariant(),
        };
        if (os == "linux" && musl) yield return $"linux-musl-{a}";
        yield return $"{os}-{a}";
    }

    private static bool IsMusl() =>
        OperatingSystem.IsLinux() &&
        (RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase) || File.Exists("/etc/alpine-release"));
}
