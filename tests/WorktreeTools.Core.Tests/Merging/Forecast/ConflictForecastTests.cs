using WorktreeTools.Configuration;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Merging;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging.Forecast;

/// <summary>Get-IssueConflict's engine against reality: every pair of the fixture forecast, then really merged.</summary>
public sealed class ConflictForecastTests(ConflictFixture fixture) : IClassFixture<ConflictFixture>
{
    [Fact]
    public void Every_pair_forecast_equals_really_merging_that_pair()
    {
        var forecast = PairForecast.Run(fixture.Repo.Root, fixture.Settings, fixture.Sides());
        Assert.Equal(26 * 25 / 2 + 26, forecast.Count);
        var scratch = Path.Combine(fixture.Repo.Repo.Parent, "scratch-" + Guid.NewGuid().ToString("N")[..6]);
        fixture.Repo.Git("worktree", "add", "-q", "--detach", scratch, "main");
        try
        {
            var mismatches = new List<string>();
            foreach (var pair in forecast)
            {
                var real = RealMerge(scratch, pair.OtherIsBase ? pair.OtherCommit : pair.Commit, pair.OtherIsBase ? pair.Commit : pair.OtherCommit);
                var predicted = pair.Files.Select(f => f.Path).Order(StringComparer.Ordinal).ToList();
                if ((pair.Status == ConflictStatus.Clean) != (real.Count == 0) || !predicted.SequenceEqual(real))
                    mismatches.Add($"{pair.Issue} x {pair.Other}: forecast {pair.Status} [{string.Join(", ", predicted)}], real [{string.Join(", ", real)}]");
            }
            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        }
        finally { fixture.Repo.Git("worktree", "remove", "--force", scratch); }
    }

    [Fact]
    public void Each_conflict_has_its_kind_and_the_policy_that_resolves_it()
    {
        var forecast = PairForecast.Run(fixture.Repo.Root, fixture.Settings, fixture.Sides());
        IssueConflict Pair(string a, string b) => forecast.Single(p => p.Issue == a && p.Other == b);
        (string, ConflictKind, string?)[] Files(string a, string b) => Pair(a, b).Files.Select(f => (f.Path, f.Kind, f.Policy)).ToArray();

        Assert.Equal([("src/a.txt", ConflictKind.Content, null)], Files("101", "102"));
        Assert.Equal([("src/doc.txt", ConflictKind.ModifyDelete, null)], Files("103", "104"));
        Assert.All(Pair("105", "106").Files, f => Assert.Equal(ConflictKind.RenameRename, f.Kind));
        Assert.Contains(Pair("105", "107").Files, f => f.Kind == ConflictKind.RenameDelete);
        Assert.Equal([("src/new.txt", ConflictKind.AddAdd, null)], Files("108", "109"));
        Assert.Equal([("img/logo.bin", ConflictKind.Binary, null)], Files("110", "111"));
        Assert.Equal([("lib/thing", ConflictKind.FileDirectory, null)], Files("112", "113"));
        foreach (var (a, b) in new[] { ("114", "115"), ("116", "117"), ("118", "119"), ("120", "121") })
            Assert.Equal(ConflictStatus.Clean, Pair(a, b).Status);
        Assert.Equal([("pnpm-lock.yaml", ConflictKind.Content, "Lockfile")], Files("122", "123"));
        Assert.Equal([("migrations/0002_same.sql", ConflictKind.AddAdd, "Migrations")], Files("124", "125"));
        Assert.Equal(ConflictStatus.Resolved, Pair("122", "123").Status);
        Assert.Equal(ConflictStatus.Resolved, Pair("124", "125").Status);
        Assert.Contains("0002_same.sql -> 0003_same.sql", Pair("124", "125").Policies.Single());
        Assert.Equal([("src/a.txt", ConflictKind.Content, null)], Files("126", "main"));
        Assert.Equal(ConflictStatus.Conflict, Pair("126", "main").Status);
        // Without the policies, the same conflicts are conflicts.
        var bare = PairForecast.Run(fixture.Repo.Root, new MergeSettings { Lockfiles = new LockfileSettings { Enabled = false }, Migrations = new MigrationSettings { Directory = "none" } }, fixture.Sides());
        Assert.Equal(ConflictStatus.Conflict, bare.Single(p => p.Issue == "122" && p.Other == "123").Status);
        Assert.Equal(ConflictStatus.Conflict, bare.Single(p => p.Issue == "124" && p.Other == "125").Status);
        // Every pair not set up to conflict merges cleanly.
        Assert.Equal(["101 x 102", "103 x 104", "105 x 106", "105 x 107", "106 x 107", "108 x 109", "110 x 111", "112 x 113", "122 x 123", "124 x 125", "126 x main"],
            forecast.Where(p => p.Status != ConflictStatus.Clean).Select(p => $"{p.Issue} x {p.Other}"));
    }

    /// <summary>Really merges <paramref name="theirs"/> into <paramref name="ours"/> in a scratch worktree; the conflicted paths (git's "name~side" copies named by the contested name).</summary>
    private static List<string> RealMerge(string scratch, string ours, string theirs)
    {
        TestRepo.Run(scratch, "reset", "-q", "--hard", ours);
        TestRepo.Run(scratch, "clean", "-fdq");
        var merge = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = scratch, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "merge", "--no-ff", "--no-commit", "-q", theirs }) merge.ArgumentList.Add(a);
        using (var p = System.Diagnostics.Process.Start(merge)!) { p.StandardOutput.ReadToEnd(); p.StandardError.ReadToEnd(); p.WaitForExit(); }
        var unmerged = TestRepo.Run(scratch, "diff", "--name-only", "--diff-filter=U");
        return unmerged.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.EndsWith("~HEAD", StringComparison.Ordinal) ? p[..^5] : p.EndsWith("~" + theirs, StringComparison.Ordinal) ? p[..^(theirs.Length + 1)] : p)
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }
}
