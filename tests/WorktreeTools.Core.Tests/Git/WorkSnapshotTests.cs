using WorktreeTools.Core.Git;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Git;

public sealed class WorkSnapshotTests
{
    private static string Show(TestRepo repo, string rev) => repo.Git("show", rev);

    [Fact]
    public void A_snapshot_keeps_the_staged_and_the_working_version_and_touches_nothing()
    {
        using var repo = new TestRepo();
        var head = repo.Git("rev-parse", "HEAD");
        repo.Write("README.md", "staged version\n");
        repo.Git("add", "README.md");
        repo.Write("README.md", "working version\n");
        repo.Write("notes/new.md", "untracked\n");
        repo.Write(".env", "SECRET=ignored\n");
        var index = Path.Combine(repo.Root, ".git", "index");
        var indexBefore = File.ReadAllBytes(index);
        var statusBefore = repo.Git("status", "--porcelain");

        var s = WorkSnapshot.Take(repo.Root, "test snapshot");

        Assert.Equal(head, s.Head);
        Assert.Equal("staged version", Show(repo, s.IndexCommit + ":README.md"));
        Assert.Equal("working version", Show(repo, s.Commit + ":README.md"));
        Assert.Equal("untracked", Show(repo, s.Commit + ":notes/new.md"));
        Assert.Throws<InvalidOperationException>(() => Show(repo, s.Commit + ":.env"));
        Assert.Equal($"{head} {s.IndexCommit}", repo.Git("log", "-1", "--format=%P", s.Commit));
        Assert.Equal(s.WorkTree, repo.Git("rev-parse", s.Commit + "^{tree}"));
        Assert.Equal(s.WorkTree, WorkSnapshot.WorkingTree(repo.Root));
        // The worktree, its index and its refs are as they were.
        Assert.Equal(indexBefore, File.ReadAllBytes(index));
        Assert.Equal(statusBefore, repo.Git("status", "--porcelain"));
        Assert.Equal(head, repo.Git("rev-parse", "HEAD"));
        Assert.Equal("", repo.Git("stash", "list"));
    }

    [Fact]
    public void The_working_tree_is_what_add_all_would_commit()
    {
        using var repo = new TestRepo();
        repo.Write("a.txt", "a\n");
        repo.Git("add", "a.txt");
        File.Delete(Path.Combine(repo.Root, "README.md"));
        repo.Write("sub/b.txt", "b\n");
        var tree = WorkSnapshot.WorkingTree(repo.Root);

        repo.Git("add", "-A");
        Assert.Equal(repo.Git("write-tree"), tree);
    }

    [Fact]
    public void A_conflict_in_progress_still_gives_both_trees()
    {
        using var repo = new TestRepo();
        repo.Git("switch", "-q", "-c", "other");
        repo.Write("README.md", "theirs\n");
        repo.Commit("theirs");
        repo.Git("switch", "-q", "main");
        repo.Write("README.md", "ours\n");
        repo.Write("clean.txt", "clean\n");
        repo.Commit("ours");
        Assert.Throws<InvalidOperationException>(() => repo.Git("merge", "-q", "other"));
        repo.Write("staged.txt", "staged\n");
        repo.Git("add", "staged.txt");

        var s = WorkSnapshot.Take(repo.Root, "during a conflict");

        Assert.Equal("staged", Show(repo, s.IndexCommit + ":staged.txt"));
        Assert.Throws<InvalidOperationException>(() => Show(repo, s.IndexCommit + ":README.md")); // no single staged version
        Assert.Contains("<<<<<<<", Show(repo, s.Commit + ":README.md"));
        Assert.Equal(3, repo.Git("ls-files", "-u").Split('\n').Length); // the conflict is still there
    }
}
