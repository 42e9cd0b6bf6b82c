namespace WorktreeTools.Core.Processes;

/// <summary>Finds programs the way a shell does: on PATH (with PATHEXT on Windows), or relative to a folder when the name has a path.</summary>
public static class Executables
{
    /// <summary>The full path of <paramref name="name"/>, or null when there is no such executable program.</summary>
    /// <param name="pathVariable">The PATH to search; null means this process's PATH.</param>
    public static string? Find(string name, string? workDir = null, string? pathVariable = null)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        if (name.Contains('/') || (OperatingSystem.IsWindows() && name.Contains('\\')))
            return Candidates(Path.GetFullPath(name, workDir ?? Environment.CurrentDirectory)).FirstOrDefault(IsExecutable);
        var dirs = (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return dirs.SelectMany(d => Candidates(Path.Combine(d, name))).FirstOrDefault(IsExecutable);
    }

    private static IEnumerable<string> Candidates(string path)
    {
        yield return path;
        if (!OperatingSystem.IsWindows() || Path.HasExtension(path)) yield break;
        foreach (var ext in (Environment.GetEnvironmentVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").Split(';', StringSplitOptions.RemoveEmptyEntries))
            yield return path + ext;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
