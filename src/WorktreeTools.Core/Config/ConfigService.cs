using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Config;

/// <summary>Finds the repository of a path and loads its effective configuration.</summary>
public static class ConfigService
{
    public static (RepositoryInfo Repo, WorktreeConfig Config) Load(string path)
    {
        var repo = RepositoryInfo.Discover(path);
        return (repo, ConfigLoader.Load(repo.MainRoot, ToolPaths.UserConfigFile));
    }

    /// <summary>Writes the commented starter file; refuses to overwrite unless <paramref name="force"/>.</summary>
    public static string WriteStarter(string repositoryRoot, bool force)
    {
        var file = Path.Combine(repositoryRoot, ConfigLoader.RepositoryFileName);
        if (File.Exists(file) && !force)
            throw new WorktreeToolsException("ConfigFileExists", ErrorKind.ResourceExists,
                $"{file} already exists. Use -Force to replace it.", file);
        var temp = file + ".tmp";
        File.WriteAllText(temp, StarterConfig.Text);
        File.Move(temp, file, overwrite: true);
        return file;
    }
}
