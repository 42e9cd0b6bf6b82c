using System.Security.Cryptography;
using System.Text;
using WorktreeTools.Configuration;
using WorktreeTools.Core.State;

namespace WorktreeTools.Core.Config;

/// <summary>
/// Commands written in a repository's <c>.worktree-tools.yml</c> run only after the user approved that exact
/// text for that repository (as direnv does). Approvals are per user; commands from the user's own file
/// and WorktreeTools' own detected defaults are trusted.
/// </summary>
public sealed class TrustStore
{
    public sealed class Document
    {
        public List<Approval> Approvals { get; set; } = [];
    }

    public sealed class Approval
    {
        public string Repository { get; set; } = "";
        public string Key { get; set; } = "";
        public string Command { get; set; } = "";
        public string Sha256 { get; set; } = "";
        public DateTime ApprovedAt { get; set; }
    }

    private readonly StateFile<Document> _file;

    public TrustStore(string? stateDirectory = null) =>
        _file = new StateFile<Document>(Path.Combine(stateDirectory ?? ToolPaths.StateDirectory, "trust.json"));

    public static string Hash(string repository, string command) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RepoKey(repository) + "\n" + command))).ToLowerInvariant();

    private static string RepoKey(string repository) =>
        OperatingSystem.IsWindows() ? repository.ToLowerInvariant() : repository;

    /// <summary>Every command in the configuration.</summary>
    public static IEnumerable<ConfiguredCommand> Commands(WorktreeConfig c) =>
        new[] { c.Setup.Install, c.DevServer.Command, c.Agent.Command, c.Merge.Test, c.Merge.AfterMerge, c.Merge.Lockfiles.Regenerate }
            .OfType<ConfiguredCommand>();

    public bool IsTrusted(WorktreeConfig config, ConfiguredCommand command) =>
        command.Source != ConfigSource.Repository ||
        _file.Read().Approvals.Any(a => a.Sha256 == Hash(config.RepositoryRoot, command.Text));

    /// <summary>Repository commands not yet approved.</summary>
    public IReadOnlyList<ConfiguredCommand> Pending(WorktreeConfig config)
    {
        var approved = _file.Read().Approvals.Select(a => a.Sha256).ToHashSet();
        return Commands(config).Where(c => c.Source == ConfigSource.Repository && !approved.Contains(Hash(config.RepositoryRoot, c.Text))).ToList();
    }

    /// <summary>Throws <c>CommandNotApproved</c> unless <paramref name="command"/> may run.</summary>
    public void EnsureTrusted(WorktreeConfig config, ConfiguredCommand command)
    {
        if (IsTrusted(config, command)) return;
        throw new WorktreeToolsException("CommandNotApproved", ErrorKind.SecurityError,
            $"{config.RepositoryFile} asks to run '{command.Text}' ({command.Key}), which you have not approved. " +
            "Commands from a repository's file never run by surprise: review it, then run 'Approve-WorktreeConfig' " +
            $"(in {config.RepositoryRoot}) to approve it.",
            command.Text, recommendedAction: "Approve-WorktreeConfig");
    }

    public void Approve(WorktreeConfig config, IEnumerable<ConfiguredCommand> commands)
    {
        var list = commands.ToList();
        if (list.Count == 0) return;
        _file.Update(doc =>
        {
            foreach (var c in list)
            {
                var hash = Hash(config.RepositoryRoot, c.Text);
                doc.Approvals.RemoveAll(a => a.Sha256 == hash);
                doc.Approvals.Add(new Approval { Repository = config.RepositoryRoot, Key = c.Key, Command = c.Text, Sha256 = hash, ApprovedAt = DateTime.UtcNow });
            }
            return list.Count;
        });
    }
}
