using System.Management.Automation;
using WorktreeTools.Processes;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// Write-Progress on what is slow: a sync, a dev server's stop, and waits for several servers at once, each issue
/// with a bar of its own (one shared id made the bars of servers started side by side overwrite each other).
/// Ports 171xx.
/// </summary>
public sealed class ProgressTests
{
    [LinuxFact]
    public void Sync_stop_and_start_show_one_bar_per_issue_and_close_it()
    {
        using var repo = new ProcessRepo("ports: { web: 17101-17199 }\ndevServer: { command: node server.js }\n",
            new Dictionary<string, string> { ["server.js"] = ProcessRepo.ServerJs });
        repo.NewWorktrees("1", "2");
        repo.Repo.Write("base.txt", "moved on\n");
        repo.Repo.Commit("base moves");

        var bars = Bars(repo, "'1', '2' | Start-DevServer");
        Assert.Equal(2, bars.Select(b => b.ActivityId).Distinct().Count());
        Assert.Contains(bars, b => b.Activity.Contains("issue 1", StringComparison.Ordinal));
        Assert.Contains(bars, b => b.Activity.Contains("issue 2", StringComparison.Ordinal));

        bars = Bars(repo, "Stop-DevServer 1, 2");
        Assert.Equal(2, bars.Select(b => b.ActivityId).Distinct().Count());
        Assert.Contains(bars, b => b.Activity == "Stopping the dev server of issue 1");

        bars = Bars(repo, "Sync-IssueWorktree 1, 2 -NoFetch");
        Assert.Contains(bars, b => b.Activity == "Syncing issue 1");
        Assert.Contains(bars, b => b.Activity == "Syncing issue 2");
    }

    /// <summary>The progress records of <paramref name="script"/>; fails unless every bar that was opened was closed.</summary>
    private static List<ProgressRecord> Bars(ProcessRepo repo, string script)
    {
        var before = repo.Ps.Host.Progress.Count;
        repo.Ok("$ProgressPreference = 'Continue'; " + script);
        var records = repo.Ps.Host.Progress.Skip(before).ToList();
        foreach (var bar in records.GroupBy(b => b.ActivityId))
            Assert.True(bar.Last().RecordType == ProgressRecordType.Completed, $"the bar '{bar.First().Activity}' was left open");
        return records;
    }
}
