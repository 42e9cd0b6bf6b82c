using System.Runtime.Loader;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

public sealed class ModuleLoadingTests
{
    [Fact]
    public void Every_exported_cmdlet_is_listed_with_an_output_type()
    {
        using var ps = new PowerShellSession();
        var r = ps.Run("Get-Command -Module WorktreeTools | ForEach-Object { '{0}|{1}' -f $_.Name, ($_.OutputType.Name -join ',') }");
        var rows = r.Output.Select(o => o.ToString().Split('|')).ToList();
        Assert.Contains(rows, x => x[0] == "New-IssueWorktree");
        Assert.Contains(rows, x => x[0] == "Get-WorktreeConfig");
        Assert.All(rows, x => Assert.False(string.IsNullOrEmpty(x[1]), $"{x[0]} has no [OutputType]"));
    }

    [Fact]
    public void The_engine_and_its_dependencies_load_into_their_own_context()
    {
        using var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", "ports: { web: 31001-31999 }\n");
        using var ps = new PowerShellSession(repo.Root);
        var r = ps.Run("New-IssueWorktree 1 -NoInstall | Out-Null; Get-IssueWorktree");
        Assert.Empty(r.Errors);
        var engine = AssemblyLoadContext.All.Single(c => c.Name == "WorktreeTools.Engine");
        var names = engine.Assemblies.Select(a => a.GetName().Name).ToList();
        Assert.Contains("WorktreeTools.Core", names);
        Assert.Contains("LibGit2Sharp", names);
        Assert.Contains("YamlDotNet", names);
        Assert.DoesNotContain("WorktreeTools.Models", names);
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name is "LibGit2Sharp" or "YamlDotNet" or "WorktreeTools.Core");
    }

    /// <summary>
    /// The proof that loading works in pwsh: the real pwsh 7.6.9, in its own process, which knows nothing of
    /// our dependencies (its deps.json has no LibGit2Sharp, YamlDotNet or SQLite), imports the module from disk
    /// and runs commands that need native libgit2 and native SQLite.
    /// </summary>
    [Fact]
    public void A_clean_process_imports_the_module_from_disk_and_native_libraries_load()
    {
        using var repo = new TestRepo();
        var deps = File.ReadAllText(Path.ChangeExtension(PwshProcess.PwshDll, ".deps.json"));
        Assert.DoesNotContain("LibGit2Sharp", deps);
        Assert.DoesNotContain("YamlDotNet", deps);
        Assert.DoesNotContain("Sqlite", deps, StringComparison.OrdinalIgnoreCase);

        // A seeded database exercises native e_sqlite3; Get-IssueWorktree exercises native libgit2.
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(repo.Root, "seed.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE t(x); INSERT INTO t VALUES (42);";
            cmd.ExecuteNonQuery();
        }
        repo.Write(".worktree-tools.yml", "database: { path: 'data/{issue}.db', seed: seed.db }\n");
        repo.Commit("config");

        var script = $"Import-Module '{TestEnvironment.ManifestPath}'; " +
                     "New-IssueWorktree 5 -NoInstall | Out-Null; " +
                     "$w = Get-IssueWorktree 5; " +
                     "'issue={0} ahead={1} db={2}' -f $w.Issue, $w.Ahead, [IO.File]::Exists($w.Database); " +
                     "[System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'WorktreeTools.Engine' | ForEach-Object { $_.Assemblies.GetName().Name } | Where-Object { $_ -in 'LibGit2Sharp','Microsoft.Data.Sqlite' }";
        var (exit, stdout, stderr) = PwshProcess.Run(repo.Root, "-NoProfile", "-Command", script);
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("issue=5 ahead=0 db=True", stdout);
        Assert.Contains("LibGit2Sharp", stdout);
        Assert.Contains("Microsoft.Data.Sqlite", stdout);
    }
}
