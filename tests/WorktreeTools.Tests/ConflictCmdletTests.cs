using WorktreeTools.Merging;
using WorktreeTools.Testing;
using WorktreeTools.Worktrees;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Get-IssueConflict and the planned train through a real PowerShell engine: binding, errors, the table and the matrix. Ports 164xx, 166xx–168xx.</summary>
public sealed class ConflictCmdletTests
{
    /// <summary>Issues 101 and 102 change the same line, 103 another file, 104 has no commits yet.</summary>
    private static (TestRepo Repo, PowerShellSession Ps) FourIssues(string ports)
    {
        var repo = new TestRepo();
        repo.Write(".worktree-tools.yml", $"ports: {{ web: {ports} }}\n");
        repo.Write("shared.txt", "one\ntwo\nthree\n");
        repo.Commit("config");
        var ps = new PowerShellSession(repo.Root);
        foreach (var w in ps.Run("101, 102, 103, 104 | New-IssueWorktree -NoInstall").Objects<IssueWorktree>().Where(w => w.Issue != "104"))
        {
            File.WriteAllText(Path.Combine(w.Path, w.Issue == "103" ? "own.txt" : "shared.txt"), $"one\ntwo by {w.Issue}\nthree\n");
            TestRepo.Run(w.Path, "add", "-A");
            TestRepo.Run(w.Path, "commit", "-q", "-m", $"feat(issue-{w.Issue}): work");
        }
        return (repo, ps);
    }

    [Fact]
    public void Pairs_bind_from_the_pipeline_and_by_id_and_only_conflicts_show_unless_All()
    {
        var (repo, ps) = FourIssues("16701-16799");
        using var _ = repo;
        using var __ = ps;

        var piped = ps.Run("Get-IssueWorktree | Where-Object Ahead | Get-IssueConflict");
        Assert.Empty(piped.Errors);
        var pair = Assert.Single(piped.Objects<IssueConflict>());
        Assert.Equal(("101", "102", ConflictStatus.Conflict), (pair.Issue, pair.Other, pair.Status));
        Assert.Equal([new ConflictFile("shared.txt", ConflictKind.Content)], pair.Files);

        // Numbers bind by value; every pair and each issue against its base with -All.
        var all = ps.Run("101, 103 | Get-IssueConflict -All").Objects<IssueConflict>().ToList();
        Assert.Equal(["101 x main Clean", "101 x 103 Clean", "103 x main Clean"], all.Select(p => $"{p.Issue} x {p.Other} {p.Status}"));
        Assert.Single(ps.Run("Get-IssueConflict -Issue 102, 101").Objects<IssueConflict>());
        Assert.Single(ps.Run("Get-IssueConflict").Objects<IssueConflict>());

        // An unknown issue is an error of its own; the others are still compared.
        var bad = ps.Run("Get-IssueConflict 101, 999, 102");
        Assert.Equal(["IssueWorktreeNotFound"], bad.ErrorIds);
        Assert.Single(bad.Objects<IssueConflict>());
        Assert.Equal(["InvalidIssueId"], ps.Run("Get-IssueConflict 'no good'").ErrorIds);
    }

    [Fact]
    public void The_table_and_the_matrix_read_at_a_glance_in_80_columns()
    {
        var (repo, ps) = FourIssues("16801-16899");
        using var _ = repo;
        using var __ = ps;

        var table = ps.Render("Get-IssueConflict");
        Assert.Matches(@"Issue\s+Other\s+Status\s+Files", table);
        Assert.Matches(@"101\s+102\s+Conflict\s+shared\.txt \(Content\)", table);

        var matrix = Assert.Single(ps.Run("Get-IssueConflict -Matrix").Objects<IssueConflictMatrix>());
        Assert.Equal(["101", "102", "103", "104"], matrix.Issues);
        Assert.Equal(4 + 6, matrix.Pairs.Count);
        Assert.All(matrix.Lines, l => Assert.True(l.Length <= 80, l));
        // Ten issues with five-character ids still fit.
        var ten = new IssueConflictMatrix { Issues = Enumerable.Range(0, 10).Select(i => $"issue{i}").ToList(), Base = "main" };
        Assert.All(ten.Lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        var text = ps.Render("Get-IssueConflict -Matrix");
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).SequenceEqual(["101", ".", "-", "1", ".", "."]));
        Assert.Contains("n = paths that conflict", text);
    }

    [Fact]
    public void Merge_IssueWorktree_Order_Planned_says_why_each_issue_sits_where_it_does()
    {
        var (repo, ps) = FourIssues("16401-16499");
        using var _ = repo;
        using var __ = ps;
        var main = repo.Git("rev-parse", "main");

        var r = ps.Run("102, 101, 103 | Merge-IssueWorktree -Order Planned -NoTest -NoFetch -ContinueOnError -WhatIf");

        Assert.Empty(r.Errors);
        var results = r.Objects<MergeResult>().ToList();
        Assert.Equal(["102", "101", "103"], results.Select(x => x.Issue));
        Assert.Equal([MergeStatus.WouldMerge, MergeStatus.WouldConflict, MergeStatus.WouldMerge], results.Select(x => x.Status));
        Assert.All(results, x => Assert.StartsWith("Input order kept: no other order lands more (2 of 3).", x.OrderReason));
        Assert.Contains("conflicts with 102 (shared.txt), which lands before it", results[1].OrderReason);
        Assert.Equal(main, repo.Git("rev-parse", "main"));
    }

    [Fact]
    public void IncludeUncommitted_sees_staged_unstaged_and_untracked_work_and_touches_no_worktree()
    {
        var (repo, ps) = FourIssues("16601-16699");
        using var _ = repo;
        using var __ = ps;
        var w = ps.Run("Get-IssueWorktree").Objects<IssueWorktree>().ToDictionary(x => x.Issue, x => x.Path);
        File.WriteAllText(Path.Combine(w["103"], "shared.txt"), "one\ntwo by 103, not committed\nthree\n");   // unstaged
        File.WriteAllText(Path.Combine(w["104"], "own.txt"), "104's own, untracked\n");                         // untracked
        File.WriteAllText(Path.Combine(w["104"], "staged.txt"), "staged\n");
        TestRepo.Run(w["104"], "add", "staged.txt");                                                              // staged
        foreach (var issue in new[] { "103", "104" }) File.WriteAllText(Path.Combine(w[issue], ".env"), $"IGNORED={issue}\n");  // ignored
        var before = w.Values.Select(State).ToList();

        Assert.Equal(["101 x 102"], Pairs(ps.Run("Get-IssueConflict").Objects<IssueConflict>()));
        var r = ps.Run("Get-IssueConflict -IncludeUncommitted");
        Assert.Empty(r.Errors);
        var pairs = r.Objects<IssueConflict>().ToList();
        Assert.Equal(["101 x 102", "101 x 103: shared.txt", "102 x 103: shared.txt", "103 x 104: own.txt"],
            pairs.Select(p => $"{p.Issue} x {p.Other}" + (p.IncludesUncommitted ? ": " + string.Join(", ", p.ConflictFiles) : "")));
        Assert.Equal(ConflictKind.AddAdd, pairs[3].Files.Single().Kind);
        Assert.Matches(@"103\*\s+104\s+Conflict\s+own\.txt \(AddAdd\)", ps.Render("Get-IssueConflict -IncludeUncommitted"));
        Assert.Equal(before, w.Values.Select(State).ToList());   // no worktree's files, index or status changed

        // What the forecast saw is what committing that work gives.
        foreach (var issue in new[] { "103", "104" })
        {
            TestRepo.Run(w[issue], "add", "-A");
            TestRepo.Run(w[issue], "commit", "-q", "-m", "the uncommitted work");
        }
        Assert.Equal(pairs.Select(p => (p.Issue, p.Other, p.Status, string.Join(", ", p.Files))),
            ps.Run("Get-IssueConflict").Objects<IssueConflict>().Select(p => (p.Issue, p.Other, p.Status, string.Join(", ", p.Files))));
    }

    private static IEnumerable<string> Pairs(IEnumerable<IssueConflict> pairs) => pairs.Select(p => $"{p.Issue} x {p.Other}");

    /// <summary>Everything of a worktree the forecast must not change: status, the index's bytes, every file's bytes.</summary>
    private static string State(string worktree)
    {
        var index = Path.Combine(TestRepo.Run(worktree, "rev-parse", "--absolute-git-dir"), "index");
        var files = Directory.EnumerateFiles(worktree, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".git").Order(StringComparer.Ordinal)
            .Select(f => f + "=" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
        return TestRepo.Run(worktree, "--no-optional-locks", "status", "--porcelain") + "\n" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(index)))
               + "\n" + File.GetLastWriteTimeUtc(index).Ticks + "\n" + string.Join("\n", files);
    }
}
