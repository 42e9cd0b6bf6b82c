using System.Collections.Concurrent;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>
/// What a clean train costs in git processes (issue 8 §6; the time itself is measured in bench/, never asserted): the
/// git status of a large checkout is most of a clean merge's checklist, so each checkout is read once, and the base's
/// checkout only where the merge changes it.
/// </summary>
public sealed class MergeTrainCostTests
{
    [Fact]
    public void A_clean_train_reads_each_issue_worktree_once_and_the_base_checkout_only_where_the_merge_changes_it()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        File.WriteAllText(Path.Combine(repo.Root, "README.md"), "# a local edit the merge does not touch\n");
        var calls = new ConcurrentQueue<(string Dir, IReadOnlyList<string> Args)>();
        void Record(string dir, IReadOnlyList<string> args)
        {
            if (dir.StartsWith(repo.Repo.Parent, StringComparison.Ordinal)) calls.Enqueue((RepositoryInfo.Normalize(dir), args));
        }

        IReadOnlyList<MergeResult> results;
        GitCli.Starting += Record;
        try
        {
            results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), issues);
        }
        finally
        {
            GitCli.Starting -= Record;
        }

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        var statuses = calls.Where(c => c.Args.Contains("status")).ToList();
        Assert.Equal(issues.Select(i => RepositoryInfo.Normalize(i.WorktreePath!)).Order(StringComparer.Ordinal),
            statuses.Where(s => s.Dir != RepositoryInfo.Normalize(repo.Root)).Select(s => s.Dir).Order(StringComparer.Ordinal));
        // The base moved once for the three: its checkout was read once, for the four files the merges change.
        var onBase = Assert.Single(statuses, s => s.Dir == RepositoryInfo.Normalize(repo.Root));
        Assert.Equal(["src/a.txt", "src/b.txt", "src/c.txt", "src/new-101.txt"], onBase.Args.SkipWhile(a => a != "--").Skip(1).Order(StringComparer.Ordinal));
        Assert.Equal("# a local edit the merge does not touch\n", File.ReadAllText(Path.Combine(repo.Root, "README.md")));
    }
}
