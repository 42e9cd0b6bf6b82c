using Microsoft.Data.Sqlite;
using WorktreeTools.Processes;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Get-IssueWorktree's status through the cmdlets, as a user acts on it. Ports 169xx belong to this class.</summary>
public sealed class StatusCmdletTests
{
    private static long Rows(string database)
    {
        using var c = new SqliteConnection($"Data Source={database};Pooling=False");
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = "select count(*) from todo";
        return (long)q.ExecuteScalar()!;
    }

    [LinuxFact]
    public void An_issue_with_a_running_server_and_rows_in_its_database_but_no_commits_is_not_cleaned_up_as_merged()
    {
        using var repo = new ProcessRepo(
            "ports: { web: 16901-16999 }\ndatabase: { path: 'data/issue-{issue}.db' }\ndevServer: { command: 'node server.js', ready: { timeoutSec: 30 } }\n",
            new Dictionary<string, string> { ["server.js"] = ProcessRepo.ServerJs });
        var w = Assert.Single(repo.NewWorktrees("1"));
        var server = repo.Ok("Start-DevServer 1").Objects<DevServer>().Single();
        repo.Track(server.Pid);
        Directory.CreateDirectory(Path.GetDirectoryName(w.Database!)!);
        using (var c = new SqliteConnection($"Data Source={w.Database};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "create table todo (title text); insert into todo values ('made while testing by hand'), ('another');";
            cmd.ExecuteNonQuery();
        }
        repo.Repo.Write("later.txt", "main moves on\n");
        repo.Repo.Commit("main moves on");

        var listed = Assert.Single(repo.Ok("Get-IssueWorktree").Objects<IssueWorktree>());
        Assert.Equal((Integration.Empty, false, 1), (listed.Integration, listed.Merged, listed.Behind));

        // The README's clean-up line leaves it alone: its server keeps running and its rows stay.
        repo.Ok("Get-IssueWorktree | Where-Object Merged | Remove-IssueWorktree -Confirm:$false");
        Assert.True(Directory.Exists(w.Path));
        Assert.Equal(ProcessState.Running, repo.Ok("Get-DevServer 1").Objects<DevServer>().Single().State);
        Assert.Equal(2, Rows(w.Database!));
    }
}
