using WorktreeTools.Merging;
using Xunit;

namespace WorktreeTools.Core.Tests.Merging;

/// <summary>Killing the process halfway through a merge train: main stays at a consistent commit, the next command cleans up.</summary>
public sealed class MergeInterruptionTests
{
    [Fact]
    public void Killing_the_process_in_the_middle_of_a_train_leaves_main_consistent_and_the_next_merge_cleans_up()
    {
        using var repo = new MergeRepo();
        var issues = repo.ThreeIssues();
        var reached = Path.Combine(repo.Repo.Parent, "102-is-being-tested");
        var gate = repo.Script("gate.sh", $"""if [ "$WORKTREE_TOOLS_ISSUE" = 102 ]; then touch '{reached}'; sleep 60; fi""");

        using var child = MergeChildProcess.Start(repo.Root, gate, issues);
        var stderr = child.StandardError.ReadToEndAsync();
        try
        {
            while (!File.Exists(reached))
            {
                Assert.False(child.HasExited, "the merge process ended early: " + (child.HasExited ? stderr.Result : ""));
                Thread.Sleep(20);
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            // The killed process could not delete its own temporary folder (its exit handlers never ran).
            foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), $"wtt-tests-{child.Id}-*"))
                Testing.TestRepo.ForceDelete(dir);
        }

        // 101 landed; 102 was mid-test in the staging worktree; main is at a commit, checked out cleanly.
        Assert.Equal(["Merge issue-101", "base files", "initial"], repo.FirstParentSubjects());
        Assert.Equal(repo.Tip(), repo.Git("rev-parse", "HEAD"));
        Assert.Equal("", repo.Git("status", "--porcelain"));
        Assert.True(Directory.Exists(repo.StagingPath), "the killed merge should have left its staging worktree behind");
        // As if git itself had been killed while writing the staging index.
        File.WriteAllText(Path.Combine(WorktreeTools.Core.Git.WorktreeStatus.GitDirOf(repo.StagingPath)!, "index.lock"), "");

        var results = repo.Engine().Train(repo.Options(MergeStrategy.Merge), issues[1..]);

        Assert.All(results, r => Assert.Equal(MergeStatus.Merged, r.Status));
        Assert.Equal(["Merge issue-103", "Merge issue-102", "Merge issue-101", "base files", "initial"], repo.FirstParentSubjects());
        Assert.True(repo.StagingIsClean());
        Assert.Equal("", repo.Git("status", "--porcelain"));
    }
}
