using WorktreeTools.Configuration;
using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging.Forecast;

/// <summary>Merge-IssueWorktree -WhatIf against reality: the fixture as trains in several orders, forecast first, then merged for real.</summary>
public sealed class TrainForecastTests(ConflictFixture fixture) : IClassFixture<ConflictFixture>
{
    public static TheoryData<string, MergeStrategy> Orders => new()
    {
        { "input", MergeStrategy.Merge },
        { "reversed", MergeStrategy.Merge },
        { "shuffled", MergeStrategy.Merge },
        { "shuffled", MergeStrategy.Squash },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void The_forecast_status_of_every_issue_is_the_real_trains(string order, MergeStrategy strategy)
    {
        var issues = order switch
        {
            "reversed" => fixture.Issues.AsEnumerable().Reverse().ToList(),
            "shuffled" => fixture.Issues.OrderBy(i => new Random(int.Parse(i.Issue) * 7919).Next()).ToList(),
            _ => fixture.Issues.ToList(),
        };
        var options = fixture.Repo.Options(strategy) with { ContinueOnError = true, NoFetch = true };
        var refs = fixture.Repo.Refs();

        var forecast = new MergeEngine(MergeRepo.Config(fixture.Repo.Root, fixture.Settings), new TestHost(shouldProcess: false)).Train(options, issues);
        Assert.Equal(refs, fixture.Repo.Refs());
        try
        {
            var real = new MergeEngine(MergeRepo.Config(fixture.Repo.Root, fixture.Settings), new TestHost()).Train(options, issues);

            Assert.Equal(real.Select(r => $"{r.Issue} {r.Status} [{string.Join(", ", r.ConflictFiles.Select(Contested))}]"),
                forecast.Select(r => $"{r.Issue} {Real(r.Status)} [{string.Join(", ", r.ConflictFiles)}]"));
            Assert.Equal(real.Select(r => $"{r.Issue}: {string.Join(", ", r.Policies.Select(p => p.Name))}"),
                forecast.Select(r => $"{r.Issue}: {string.Join(", ", r.Policies.Select(p => p.Name))}"));
            Assert.Contains(real, r => r.Status == MergeStatus.Conflicted);
            Assert.Contains(real, r => r.Policies.Any(p => p.Name == "Lockfile"));
            Assert.Contains(real, r => r.Policies.Any(p => p.Name == "Migrations"));
        }
        finally { fixture.ResetMain(); }
    }

    private static MergeStatus Real(MergeStatus forecast) => forecast switch
    {
        MergeStatus.WouldMerge => MergeStatus.Merged,
        MergeStatus.WouldConflict => MergeStatus.Conflicted,
        _ => forecast,
    };

    /// <summary>A file/directory conflict leaves the file as "name~side"; the forecast names the contested path.</summary>
    private static string Contested(string path) => path.IndexOf('~') is var i and > 0 ? path[..i] : path;
}

/// <summary>-WhatIf against the real train where the migration policy does the most: Drizzle's journal and snapshots, Prisma folders.</summary>
public sealed class MigrationForecastTests
{
    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Squash)]
    [InlineData(MergeStrategy.Rebase)]
    [InlineData(MergeStrategy.CherryPick)]
    public void A_Drizzle_train_is_forecast_with_the_renames_the_real_one_makes(MergeStrategy strategy)
    {
        var (repo, a, b) = MigrationPolicyTests.DrizzleRepo();
        using var _ = repo;
        AssertForecastIsReal(repo, MigrationPolicyTests.In("drizzle"), strategy, a, b);
    }

    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Rebase)]
    public void A_Prisma_train_is_forecast_with_the_renames_the_real_one_makes(MergeStrategy strategy)
    {
        using var repo = MigrationPolicyTests.PrismaRepo();
        var a = repo.Issue("101", ("prisma/migrations/20261129110000_add_index/migration.sql", "CREATE INDEX \"a\" ON \"User\"(\"id\");\n"));
        var b = repo.Issue("102", ("prisma/migrations/20261129110000_add_index/migration.sql", "CREATE INDEX \"b\" ON \"User\"(\"id\");\n"));
        AssertForecastIsReal(repo, new MergeSettings(), strategy, a, b);
    }

    private static void AssertForecastIsReal(MergeRepo repo, MergeSettings settings, MergeStrategy strategy, params IssueToMerge[] issues)
    {
        var options = repo.Options(strategy) with { ContinueOnError = true };
        var forecast = repo.Engine(settings, new TestHost(shouldProcess: false)).Train(options, issues);
        var real = repo.Engine(settings).Train(options, issues);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], real.Select(r => r.Status));
        Assert.Equal([MergeStatus.WouldMerge, MergeStatus.WouldMerge], forecast.Select(r => r.Status));
        Assert.NotEmpty(real[1].Policies.SelectMany(p => p.Renames));
        Assert.Equal(real.Select(r => r.Policies.Select(p => (p.Name, string.Join(", ", p.Renames)))), forecast.Select(r => r.Policies.Select(p => (p.Name, string.Join(", ", p.Renames)))));
    }
}
