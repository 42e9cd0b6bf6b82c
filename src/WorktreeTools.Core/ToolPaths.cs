namespace WorktreeTools.Core;

/// <summary>
/// Where per-user state and configuration live. <c>WORKTREE_TOOLS_HOME</c> moves both (tests and portable
/// installs); <c>WORKTREE_TOOLS_CONFIG</c> names the user configuration file.
/// </summary>
public static class ToolPaths
{
    public static string StateDirectory
    {
        get
        {
            var home = Environment.GetEnvironmentVariable("WORKTREE_TOOLS_HOME");
            if (!string.IsNullOrEmpty(home)) return Path.GetFullPath(home);
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "WorktreeTools");
            var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (OperatingSystem.IsMacOS())
                return Path.Combine(user, "Library", "Application Support", "WorktreeTools");
            var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(user, ".local", "state") : xdg, "worktree-tools");
        }
    }

    public static string UserConfigFile
    {
        get
        {
            var file = Environment.GetEnvironmentVariable("WORKTREE_TOOLS_CONFIG");
            if (!string.IsNullOrEmpty(file)) return Path.GetFullPath(file);
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WORKTREE_TOOLS_HOME")))
                return Path.Combine(StateDirectory, "config.yml");
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "WorktreeTools", "config.yml");
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(user, ".config") : xdg, "worktree-tools", "config.yml");
        }
    }

    /// <summary>A per-repository folder for logs and records kept outside the worktrees (their git status stays clean).</summary>
    public static string RepositoryStateDirectory(string repositoryRoot)
    {
        var full = Path.GetFullPath(repositoryRoot).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(OperatingSystem.IsWindows() ? full.ToLowerInvariant() : full)))[..12].ToLowerInvariant();
        var name = new string(Path.GetFileName(full).Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return Path.Combine(StateDirectory, "repos", $"{name}-{hash}");
    }
}
