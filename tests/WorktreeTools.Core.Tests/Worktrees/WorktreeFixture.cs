using WorktreeTools.Core.Config;
using WorktreeTools.Core.Resources;
using WorktreeTools.Core.Worktrees;
using WorktreeTools.Testing;

namespace WorktreeTools.Core.Tests.Worktrees;

/// <summary>A repository plus a WorktreeService over it with its own lease registry.</summary>
public sealed class WorktreeFixture : IDisposable
{
    public WorktreeFixture(string? config = null, bool approve = true, string repoName = "app")
    {
        Repo = new TestRepo(repoName);
        Registry = new LeaseRegistry(Path.Combine(Repo.Parent, "registry"));
        if (config is not null)
        {
            Repo.Write(ConfigLoader.RepositoryFileName, config);
            Repo.Commit("configure worktree tools");
            if (approve)
            {
                var c = ConfigService.Load(Repo.Root).Config;
                new TrustStore().Approve(c, TrustStore.Commands(c));
            }
        }
    }

    public TestRepo Repo { get; }
    public LeaseRegistry Registry { get; }
    public SilentHost Host { get; } = new();
    public WorktreeService Service => new(Repo.Root, Host, Registry);
    public string WorktreesRoot => Path.Combine(Repo.Parent, Path.GetFileName(Repo.Root) + "-worktrees");

    public void Dispose()
    {
        foreach (var r in Registry.ForRepository(Repo.Root)) Registry.Release(r.Repository, r.Issue);
        Repo.Dispose();
    }

    public string Branches() => Repo.Git("branch", "--list", "--format=%(refname:short)");
}
