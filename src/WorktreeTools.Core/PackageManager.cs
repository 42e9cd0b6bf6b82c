namespace WorktreeTools.Core;

/// <summary>The JavaScript package manager a checkout uses, detected from its lockfile.</summary>
public sealed record PackageManager(string Name, string Lockfile)
{
    private static readonly PackageManager[] Known =
    [
        new("pnpm", "pnpm-lock.yaml"),
        new("yarn", "yarn.lock"),
        new("bun", "bun.lock"),
        new("bun", "bun.lockb"),
        new("npm", "package-lock.json"),
    ];

    public string InstallCommand => $"{Name} install";

    /// <summary>Runs a package.json script, e.g. <c>pnpm run dev</c>.</summary>
    public string RunCommand(string script) => $"{Name} run {script}";

    /// <summary>The package manager of a checkout: by lockfile, npm for a bare package.json, null without package.json.</summary>
    public static PackageManager? Detect(Config.CheckoutFiles files)
    {
        foreach (var pm in Known)
            if (files.Exists(pm.Lockfile)) return pm;
        return files.Exists("package.json") ? Known[^1] : null;
    }

    /// <summary>Files besides the lockfiles whose change changes what an install puts in node_modules.</summary>
    private static readonly string[] Manifests = ["package.json", "pnpm-workspace.yaml", ".npmrc", ".yarnrc.yml", ".pnpmfile.cjs", "bunfig.toml"];

    /// <summary>True for a lockfile or package manifest (any folder): when one changes, the installed dependencies may be stale.</summary>
    public static bool DecidesDependencies(string path)
    {
        var name = Path.GetFileName(path);
        return Manifests.Contains(name, StringComparer.Ordinal) || ForLockfile(name) is not null;
    }

    /// <summary>The package manager that owns <paramref name="lockfile"/> (a file name), or null.</summary>
    public static PackageManager? ForLockfile(string lockfile) =>
        Known.FirstOrDefault(pm => pm.Lockfile.Equals(Path.GetFileName(lockfile), StringComparison.OrdinalIgnoreCase));
}
