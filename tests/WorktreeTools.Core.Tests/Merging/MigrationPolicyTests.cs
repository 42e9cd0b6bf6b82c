using System.Text.Json.Nodes;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;
using WorktreeTools.Core.Merging;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Core.Merging.Migrations;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>
/// Migrations as real projects write them, merged for real (MergeEngine, every strategy) on real repositories: numbered
/// files, timestamped files, Prisma's folders, Drizzle's journal and snapshots, and what the policy leaves alone.
/// </summary>
public sealed class MigrationPolicyTests
{
    internal static MergeSettings In(string directory, bool? outOfOrder = null) =>
        new() { Migrations = new MigrationSettings { Directory = directory, OutOfOrder = outOfOrder } };

    private static MergeRepo WithMainFiles(params (string File, string Content)[] files)
    {
        var repo = new MergeRepo();
        foreach (var (file, content) in files) repo.Repo.Write(file, content);
        repo.Repo.Commit("migrations so far");
        repo.Git("push", "-q", "origin", "main");
        return repo;
    }

    // ------------------------------------------------------------------ timestamps

    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Rebase)]
    public void An_older_timestamp_merged_later_keeps_its_name(MergeStrategy strategy)
    {
        using var repo = WithMainFiles(("db/migrations/20261101090000_init.sql", "create table users (id int);\n"));
        var a = repo.Issue("101", ("db/migrations/20261129120000_add_posts.sql", "create table posts (id int);\n"));
        var b = repo.Issue("102", ("db/migrations/20261129110000_add_tags.sql", "create table tags (id int);\n"));

        var results = repo.Engine(In("db/migrations")).Train(repo.Options(strategy), [a, b]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Empty(results[1].Policies);
        // Rails, Prisma, Knex, dbmate apply the pending older migration; renaming it would make the author's database run it twice.
        Assert.Equal(["20261101090000_init.sql", "20261129110000_add_tags.sql", "20261129120000_add_posts.sql"], repo.Files("db/migrations"));
    }

    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Squash)]
    [InlineData(MergeStrategy.Rebase)]
    [InlineData(MergeStrategy.CherryPick)]
    public void A_timestamp_the_base_has_moves_to_the_next_valid_instant(MergeStrategy strategy)
    {
        using var repo = WithMainFiles(("db/migrations/20261101090000_init.sql", "create table users (id int);\n"));
        var a = repo.Issue("101", ("db/migrations/20261231235959_add_posts.sql", "create table posts (id int);\n"));
        var b = repo.Issue("102", ("db/migrations/20261231235959_add_tags.sql", "create table tags (id int);\n"),
            ("db/migrations/20270101000000_tag_index.sql", "create index on tags (id);\n"));

        var results = repo.Engine(In("db/migrations")).Train(repo.Options(strategy), [a, b]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], results.Select(r => r.Status));
        // Never 20261231235960: one second after the last second of 2026 is the first of 2027; the issue's next one follows.
        Assert.Equal(["20261101090000_init.sql", "20261231235959_add_posts.sql", "20270101000000_add_tags.sql", "20270101000001_tag_index.sql"],
            repo.Files("db/migrations"));
        var policy = Assert.Single(results[1].Policies);
        Assert.Equal([new FileRename("db/migrations/20261231235959_add_tags.sql", "db/migrations/20270101000000_add_tags.sql"),
            new FileRename("db/migrations/20270101000000_tag_index.sql", "db/migrations/20270101000001_tag_index.sql")], policy.Renames);
        Assert.Equal("create index on tags (id);\n", repo.Git("show", "main:db/migrations/20270101000001_tag_index.sql") + "\n");
    }

    [Fact]
    public void With_outOfOrder_false_every_new_timestamp_follows_the_bases_newest()
    {
        using var repo = WithMainFiles(("db/migrations/20261101090000_init.sql", "create table users (id int);\n"));
        var a = repo.Issue("101", ("db/migrations/20261231235959_add_posts.sql", "create table posts (id int);\n"));
        var b = repo.Issue("102", ("db/migrations/20261129110000_add_tags.sql", "create table tags (id int);\n"),
            ("db/migrations/20280101000000_later.sql", "select 1;\n"));

        var results = repo.Engine(In("db/migrations", outOfOrder: false)).Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Equal(MergeStatus.Merged, results[1].Status);
        // golang-migrate, goose, Flyway: a version below the newest applied is never run, so it moves after it; one already after stays.
        Assert.Equal(["20261101090000_init.sql", "20261231235959_add_posts.sql", "20270101000000_add_tags.sql", "20280101000000_later.sql"],
            repo.Files("db/migrations"));
    }

    // ------------------------------------------------------------------ numbered files

    [Fact]
    public void Up_and_down_files_of_one_migration_keep_one_number()
    {
        using var repo = WithMainFiles(("sql/migrations/000001_init.up.sql", "create table users (id int);\n"), ("sql/migrations/000001_init.down.sql", "drop table users;\n"));
        var a = repo.Issue("101", ("sql/migrations/000002_posts.up.sql", "create table posts (id int);\n"), ("sql/migrations/000002_posts.down.sql", "drop table posts;\n"));
        var b = repo.Issue("102", ("sql/migrations/000002_tags.up.sql", "create table tags (id int);\n"), ("sql/migrations/000002_tags.down.sql", "drop table tags;\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Equal(MergeStatus.Merged, results[1].Status);
        Assert.Equal(["000001_init.down.sql", "000001_init.up.sql", "000002_posts.down.sql", "000002_posts.up.sql", "000003_tags.down.sql", "000003_tags.up.sql"],
            repo.Files("sql/migrations"));
    }

    [Fact]
    public void Two_migrations_of_the_same_name_are_not_a_conflict()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("migrations/0002_add_index.sql", "create index a on t (id);\n"));
        var b = repo.Issue("102", ("migrations/0002_add_index.sql", "create index b on t (id);\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Equal("create index a on t (id);\n", repo.Git("show", "main:migrations/0002_add_index.sql") + "\n");
        Assert.Equal("create index b on t (id);\n", repo.Git("show", "main:migrations/0003_add_index.sql") + "\n");
    }

    [Fact]
    public void A_conflicted_merge_claims_no_policy()
    {
        using var repo = new MergeRepo();
        var a = repo.Issue("101", ("migrations/0002_a.sql", "a\n"), ("src/a.txt", "a1 by 101\na2\na3\n"));
        var b = repo.Issue("102", ("migrations/0002_b.sql", "b\n"), ("src/a.txt", "a1 by 102\na2\na3\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge) with { ContinueOnError = true }, [a, b]);

        Assert.Equal(MergeStatus.Conflicted, results[1].Status);
        Assert.Equal(["src/a.txt"], results[1].ConflictFiles);
        Assert.Empty(results[1].Policies); // the renumbering commit was thrown away with the merge
    }

    // ------------------------------------------------------------------ Prisma

    internal static MergeRepo PrismaRepo() => WithMainFiles(
        ("prisma/schema.prisma", "model User { id Int @id }\n"),
        ("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n"),
        ("prisma/migrations/20261101090000_init/migration.sql", "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL);\n"));

    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Rebase)]
    public void A_Prisma_folder_of_a_name_the_base_has_moves_to_the_next_second(MergeStrategy strategy)
    {
        using var repo = PrismaRepo();
        var a = repo.Issue("101", ("prisma/migrations/20261129110000_add_index/migration.sql", "CREATE INDEX \"a\" ON \"User\"(\"id\");\n"));
        var b = repo.Issue("102", ("prisma/migrations/20261129110000_add_index/migration.sql", "CREATE INDEX \"b\" ON \"User\"(\"id\");\n"));

        var results = repo.Engine().Train(repo.Options(strategy), [a, b]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], results.Select(r => r.Status));
        Assert.Equal(["20261101090000_init/migration.sql", "20261129110000_add_index/migration.sql", "20261129110001_add_index/migration.sql", "migration_lock.toml"],
            repo.Files("prisma/migrations"));
        Assert.Equal([new FileRename("prisma/migrations/20261129110000_add_index", "prisma/migrations/20261129110001_add_index")],
            Assert.Single(results[1].Policies).Renames);
        Assert.Contains("\"b\"", repo.Git("show", "main:prisma/migrations/20261129110001_add_index/migration.sql"));
    }

    [Fact]
    public void Prisma_folders_of_different_names_are_left_as_Prisma_applies_them()
    {
        using var repo = PrismaRepo();
        var a = repo.Issue("101", ("prisma/migrations/20261129120000_add_posts/migration.sql", "CREATE TABLE \"Post\" (\"id\" INTEGER);\n"));
        var b = repo.Issue("102", ("prisma/migrations/20261129110000_add_tags/migration.sql", "CREATE TABLE \"Tag\" (\"id\" INTEGER);\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Equal(MergeStatus.Merged, results[1].Status);
        Assert.Empty(results[1].Policies);
        Assert.Contains("20261129110000_add_tags/migration.sql", repo.Files("prisma/migrations"));
    }

    [Fact]
    public void With_outOfOrder_false_a_Prisma_folder_moves_after_the_newest_whole_and_leaves_no_empty_folder()
    {
        using var repo = PrismaRepo();
        var a = repo.Issue("101", ("prisma/migrations/20261129120000_add_posts/migration.sql", "CREATE TABLE \"Post\" (\"id\" INTEGER);\n"));
        var b = repo.Issue("102", ("prisma/migrations/20261129110000_add_tags/migration.sql", "CREATE TABLE \"Tag\" (\"id\" INTEGER);\n"),
            ("prisma/migrations/20261129110000_add_tags/README.md", "why\n"));
        repo.Engine(In("auto", outOfOrder: false)).Merge(repo.Options(), a);

        var result = Engine(repo, In("auto", outOfOrder: false)).Sync(SyncOptions(repo, "102", SyncStrategy.Rebase));

        Assert.Equal(SyncStatus.Synced, result.Status);
        Assert.Equal(["20261101090000_init/migration.sql", "20261129120000_add_posts/migration.sql", "20261129120001_add_tags/README.md",
            "20261129120001_add_tags/migration.sql", "migration_lock.toml"], repo.Files("prisma/migrations", "feature/issue-102"));
        Assert.False(Directory.Exists(Path.Combine(repo.WorktreeOf("102"), "prisma/migrations/20261129110000_add_tags")));
        Assert.Equal("", repo.Git("-C", repo.WorktreeOf("102"), "status", "--porcelain", "--untracked-files=all"));
    }

    [Fact]
    public void Diesel_folders_keep_their_dashes()
    {
        using var repo = WithMainFiles(("migrations/2026-11-01-090000_init/up.sql", "create table users (id int);\n"), ("migrations/2026-11-01-090000_init/down.sql", "drop table users;\n"));
        var a = repo.Issue("101", ("migrations/2026-12-31-235959_posts/up.sql", "a\n"), ("migrations/2026-12-31-235959_posts/down.sql", "a\n"));
        var b = repo.Issue("102", ("migrations/2026-12-31-235959_posts/up.sql", "b\n"), ("migrations/2026-12-31-235959_posts/down.sql", "b\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Equal(MergeStatus.Merged, results[1].Status);
        Assert.Contains("2027-01-01-000000_posts/up.sql", repo.Files("migrations"));
        Assert.Contains("2027-01-01-000000_posts/down.sql", repo.Files("migrations"));
    }

    // ------------------------------------------------------------------ Drizzle

    private const string Zero = "00000000-0000-0000-0000-000000000000";

    private static string Journal(params (int Idx, long When, string Tag)[] entries) => new JsonObject
    {
        ["version"] = "7",
        ["dialect"] = "postgresql",
        ["entries"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
        {
            ["idx"] = e.Idx, ["version"] = "7", ["when"] = e.When, ["tag"] = e.Tag, ["breakpoints"] = true,
        }).ToArray()),
    }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    private static JsonObject Table(string name, params string[] columns) => new()
    {
        ["name"] = name,
        ["schema"] = "",
        ["columns"] = new JsonObject(columns.Select(c => KeyValuePair.Create(c, (JsonNode?)new JsonObject
        {
            ["name"] = c, ["type"] = c == "id" ? "serial" : "text", ["primaryKey"] = c == "id", ["notNull"] = true,
        }))),
        ["indexes"] = new JsonObject(),
    };

    private static string Snapshot(string id, string prevId, params JsonObject[] tables) => new JsonObject
    {
        ["id"] = id,
        ["prevId"] = prevId,
        ["version"] = "7",
        ["dialect"] = "postgresql",
        ["tables"] = new JsonObject(tables.Select(t => KeyValuePair.Create("public." + t["name"], (JsonNode?)t))),
        ["enums"] = new JsonObject(),
        ["_meta"] = new JsonObject { ["columns"] = new JsonObject(), ["schemas"] = new JsonObject(), ["tables"] = new JsonObject() },
    }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    private const long When0 = 1_764_000_000_000, When101 = 1_764_400_000_000, When102 = 1_764_300_000_000;
    private const string Id0 = "a1a1a1a1-0000-4000-8000-000000000000", Id101 = "b2b2b2b2-0000-4000-8000-000000000000", Id102 = "c3c3c3c3-0000-4000-8000-000000000000";

    /// <summary>drizzle-kit's folder after 'generate' on main, then one 'generate' in each of two issues, from the same snapshot.</summary>
    internal static (MergeRepo Repo, IssueToMerge A, IssueToMerge B) DrizzleRepo(JsonObject? users102 = null)
    {
        var repo = WithMainFiles(
            ("drizzle/0000_init.sql", "CREATE TABLE \"users\" (\"id\" serial PRIMARY KEY NOT NULL);\n"),
            ("drizzle/meta/_journal.json", Journal((0, When0, "0000_init"))),
            ("drizzle/meta/0000_snapshot.json", Snapshot(Id0, Zero, Table("users", "id"))));
        var a = repo.Issue("101");
        repo.CommitFiles("101", "feat(issue-101): posts",
            ("drizzle/0001_brave_posts.sql", "CREATE TABLE \"posts\" (\"id\" serial PRIMARY KEY NOT NULL);\n"),
            ("drizzle/meta/_journal.json", Journal((0, When0, "0000_init"), (1, When101, "0001_brave_posts"))),
            ("drizzle/meta/0001_snapshot.json", Snapshot(Id101, Id0, Table("users", "id"), Table("posts", "id"))));
        var b = repo.Issue("102");
        repo.CommitFiles("102", "feat(issue-102): tags",
            ("drizzle/0001_calm_tags.sql", "CREATE TABLE \"tags\" (\"id\" serial PRIMARY KEY NOT NULL);\n"),
            ("drizzle/meta/_journal.json", Journal((0, When0, "0000_init"), (1, When102, "0001_calm_tags"))),
            ("drizzle/meta/0001_snapshot.json", Snapshot(Id102, Id0, users102 ?? Table("users", "id"), Table("tags", "id"))));
        return (repo, a, b);
    }

    /// <summary>What drizzle-kit and Drizzle's migrator need of a folder after both issues landed on <paramref name="branch"/>.</summary>
    private static void AssertDrizzleFolderHoldsBoth(MergeRepo repo, string branch = "main")
    {
        Assert.Equal(["0000_init.sql", "0001_brave_posts.sql", "0002_calm_tags.sql", "meta/0000_snapshot.json", "meta/0001_snapshot.json",
            "meta/0002_snapshot.json", "meta/_journal.json"], repo.Files("drizzle", branch));
        var entries = JsonNode.Parse(repo.Git("show", $"{branch}:drizzle/meta/_journal.json"))!["entries"]!.AsArray();
        Assert.Equal(["0000_init", "0001_brave_posts", "0002_calm_tags"], entries.Select(e => (string)e!["tag"]!));
        Assert.Equal([0, 1, 2], entries.Select(e => (int)e!["idx"]!));
        // The migrator applies an entry only when its 'when' is after the newest applied one.
        Assert.Equal([When0, When101, When101 + 1], entries.Select(e => (long)e!["when"]!));
        var snapshot = JsonNode.Parse(repo.Git("show", $"{branch}:drizzle/meta/0002_snapshot.json"))!;
        Assert.Equal((Id102, Id101), ((string)snapshot["id"]!, (string)snapshot["prevId"]!)); // one chain: drizzle-kit refuses two children of one snapshot
        Assert.Equal(["public.users", "public.posts", "public.tags"], snapshot["tables"]!.AsObject().Select(t => t.Key)); // 101's table too
        Assert.Equal(Id101, (string)JsonNode.Parse(repo.Git("show", $"{branch}:drizzle/meta/0001_snapshot.json"))!["id"]!);
        Assert.Contains("\"tags\"", repo.Git("show", $"{branch}:drizzle/0002_calm_tags.sql"));
    }

    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Squash)]
    [InlineData(MergeStrategy.Rebase)]
    [InlineData(MergeStrategy.CherryPick)]
    public void Drizzle_migrations_journal_and_snapshots_follow_the_base(MergeStrategy strategy)
    {
        var (repo, a, b) = DrizzleRepo();
        using var _ = repo;

        var results = repo.Engine(In("drizzle")).Train(repo.Options(strategy), [a, b]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], results.Select(r => r.Status));
        AssertDrizzleFolderHoldsBoth(repo);
        var renames = results[1].Policies.Where(p => p.Name == "Migrations").SelectMany(p => p.Renames).ToList();
        Assert.Contains(new FileRename("drizzle/0001_calm_tags.sql", "drizzle/0002_calm_tags.sql"), renames);
        Assert.Contains(new FileRename("drizzle/meta/0001_snapshot.json", "drizzle/meta/0002_snapshot.json"), renames);
        Assert.DoesNotContain(results[1].Policies, p => p.Detail.StartsWith("not handled", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SyncStrategy.Rebase)]
    [InlineData(SyncStrategy.Merge)]
    public void Sync_brings_the_Drizzle_journal_up_to_date_and_the_merge_then_renames_nothing(SyncStrategy strategy)
    {
        var (repo, a, b) = DrizzleRepo();
        using var _ = repo;
        repo.Engine().Merge(repo.Options(), a);

        var synced = Engine(repo).Sync(SyncOptions(repo, "102", strategy));

        Assert.Equal(SyncStatus.Synced, synced.Status);
        AssertDrizzleFolderHoldsBoth(repo, "feature/issue-102");
        Assert.Equal("", repo.Git("-C", repo.WorktreeOf("102"), "status", "--porcelain", "--untracked-files=all"));
        var merged = repo.Engine().Merge(repo.Options(MergeStrategy.Merge), b);
        Assert.Equal(MergeStatus.Merged, merged.Status);
        Assert.Empty(merged.Policies);
        AssertDrizzleFolderHoldsBoth(repo);
    }

    [Theory]
    [InlineData(MergeStrategy.Merge)]
    [InlineData(MergeStrategy.Rebase)]
    public void A_lockfile_and_a_Drizzle_journal_conflicting_at_one_stop_are_both_resolved(MergeStrategy strategy)
    {
        var (repo, a, b) = DrizzleRepo();
        using var _ = repo;
        repo.Repo.Write("deps/react", "1\n");
        repo.Repo.Write("pnpm-lock.yaml", "react\n");
        repo.Repo.Commit("lockfile");
        foreach (var (issue, dependency) in new[] { ("101", "left-pad"), ("102", "right-pad") })
        {
            repo.Git("-C", repo.WorktreeOf(issue), "rebase", "-q", "main");
            // One commit with the migration, its journal entry and the dependency: one stop holds both conflicts.
            repo.Git("-C", repo.WorktreeOf(issue), "reset", "-q", "--soft", "main");
            repo.CommitFiles(issue, $"feat(issue-{issue}): migration and {dependency}", ("deps/" + dependency, "1\n"), ("pnpm-lock.yaml", $"react\n{dependency}\n"));
        }

        var results = repo.Engine(new MergeSettings { Lockfiles = repo.FakeRegenerate() }).Train(repo.Options(strategy), [a, b]);

        Assert.Equal([MergeStatus.Merged, MergeStatus.Merged], results.Select(r => r.Status));
        AssertDrizzleFolderHoldsBoth(repo);
        Assert.Equal("left-pad\nreact\nright-pad\n", repo.Git("show", "main:pnpm-lock.yaml") + "\n");
        Assert.Contains(results[1].Policies, p => p.Name == "Lockfile");
    }

    [Fact]
    public void Schema_changes_both_sides_made_to_one_column_are_reported_not_handled()
    {
        var users102 = Table("users", "id");
        users102["columns"]!["id"]!["type"] = "uuid";
        var (repo, a, b) = DrizzleRepo(users102);
        using var _ = repo;
        var users101 = Table("users", "id");
        users101["columns"]!["id"]!["type"] = "bigserial";
        repo.Commit("101", "drizzle/meta/0001_snapshot.json", Snapshot(Id101, Id0, users101, Table("posts", "id")), "feat(issue-101): bigger ids");

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Equal(MergeStatus.Merged, results[1].Status);
        var note = Assert.Single(results[1].Policies, p => p.Detail.StartsWith("not handled", StringComparison.Ordinal));
        Assert.Contains("$.tables.public.users.columns.id.type", note.Detail);
        Assert.Contains("drizzle-kit generate", note.Detail);
    }

    [Fact]
    public void A_forecast_applies_the_same_plan_to_a_tree_and_gets_the_real_result()
    {
        var (repo, a, b) = DrizzleRepo();
        using var _ = repo;
        repo.Engine().Merge(repo.Options(), a);
        var main = repo.Tip();
        var issue = repo.Tip(b.Branch);

        // What the forecast helper does: one merge-tree, then the plan applied to its tree in a temporary index.
        var forecast = MergeForecast.Run(repo.Root, [(main, issue)])[0];
        var plan = new MigrationPolicy(new MigrationSettings()).Plan(repo.Root, main, repo.Git("merge-base", main, issue), issue, "main");
        Assert.False(forecast.Clean);
        Assert.All(forecast.ConflictFiles, f => Assert.True(plan.Covers(f), f + " is not covered"));
        var tree = plan.ApplyToTree(repo.Root, forecast.Tree);
        var refs = repo.Refs();

        var merged = repo.Engine().Merge(repo.Options(MergeStrategy.Merge), b);

        Assert.Equal(MergeStatus.Merged, merged.Status);
        Assert.Equal(repo.Git("rev-parse", "main^{tree}"), tree);
        Assert.NotEqual(refs, repo.Refs());
    }

    // ------------------------------------------------------------------ not handled

    [Fact]
    public void Django_migrations_are_reported_not_renamed()
    {
        using var repo = WithMainFiles(("app/migrations/__init__.py", ""), ("app/migrations/0001_initial.py", "class Migration: pass\n"));
        var a = repo.Issue("101", ("app/migrations/0002_posts.py", "dependencies = [('app', '0001_initial')]\n"));
        var b = repo.Issue("102", ("app/migrations/0002_tags.py", "dependencies = [('app', '0001_initial')]\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Equal(MergeStatus.Merged, results[1].Status);
        var note = Assert.Single(results[1].Policies);
        Assert.Equal("Migrations", note.Name);
        Assert.StartsWith("not handled: app/migrations/0002_tags.py", note.Detail);
        Assert.Empty(note.Renames);
        Assert.Equal(["0001_initial.py", "0002_posts.py", "0002_tags.py", "__init__.py"], repo.Files("app/migrations"));
    }

    [Fact]
    public void Numbered_files_elsewhere_are_no_migrations()
    {
        using var repo = WithMainFiles(("docs/reports/01_summary.sql", "select 1;\n"));
        var a = repo.Issue("101", ("docs/reports/02_sales.sql", "select 2;\n"));
        var b = repo.Issue("102", ("docs/reports/02_costs.sql", "select 3;\n"));

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), [a, b]);

        Assert.Empty(results[1].Policies);
        Assert.Equal(["01_summary.sql", "02_costs.sql", "02_sales.sql"], repo.Files("docs/reports"));
    }

    // ------------------------------------------------------------------ versions

    [Theory]
    [InlineData("20261231235959", "20270101000000")]
    [InlineData("20261231235960", "20270101000000")] // an impossible one an older renumbering wrote: the next real instant
    [InlineData("20260228235959", "20260301000000")]
    [InlineData("20280228235959", "20280229000000")]
    [InlineData("20261399000000", "20270101000000")]
    [InlineData("20261130240000", "20261201000000")]
    [InlineData("202612312359", "202701010000")]
    [InlineData("2026-12-31-235959", "2027-01-01-000000")]
    [InlineData("1764400000000", "1764400000001")]
    [InlineData("0009", "0010")]
    [InlineData("999", "1000")]
    public void The_next_version_is_a_real_one_in_the_same_layout(string version, string next)
    {
        var v = MigrationVersion.Parse(version)!.Value;
        Assert.Equal(next, v.Next(v.Value).Text);
    }

    // ------------------------------------------------------------------ helpers

    private static SyncEngine Engine(MergeRepo repo, MergeSettings? merge = null) => new(MergeRepo.Config(repo.Root, merge), new TestHost());

    private static SyncOptions SyncOptions(MergeRepo repo, string issue, SyncStrategy strategy) => new()
    {
        RepositoryRoot = repo.Root, Issue = issue, Branch = "feature/issue-" + issue, WorktreePath = repo.WorktreeOf(issue), Strategy = strategy,
    };
}
