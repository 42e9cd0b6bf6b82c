using System.Security.Cryptography;
using System.Text;
using WorktreeTools.Configuration;
using WorktreeTools.Core.State;

namespace WorktreeTools.Core.Config;

/// <summary>
/// Commands of a repository (written in its <c>.worktree-tools.yml</c>, or detected: its package manager's install
/// and its package.json "dev" script) run only after the user approved that key with that exact text and those
/// scripts for that repository (as direnv does), or trusted the whole repository once. Approvals are per user;
/// commands from the user's own file are trusted.
/// </summary>
public sealed class TrustStore
{
    public sealed class Document
    {
        public List<Approval> Approvals { get; set; } = [];
        /// <summary>Repositories whose every command is trusted, now and after it changes (Approve-WorktreeConfig -All).</summary>
        public List<string> TrustedRepositories { get; set; } = [];
    }

    public sealed class Approval
    {
        public string Repository { get; set; } = "";
        public string Key { get; set; } = "";
        public string Command { get; set; } = "";
        public List<string>? Scripts { get; set; }
        public string Sha256 { get; set; } = "";
        public DateTime ApprovedAt { get; set; }
    }

    private readonly StateFile<Document> _file;

    public TrustStore(string? stateDirectory = null) =>
        _file = new StateFile<Document>(Path.Combine(stateDirectory ?? ToolPaths.StateDirectory, "trust.json"));

    /// <summary>Puts aside a damaged trust.json and brings back its last good copy (Repair); what it did, or null.</summary>
    public string? Recover() => _file.Recover();

    /// <summary>What an approval stands for: the repository, the key, the text and the scripts, together.</summary>
    public static string Hash(string repository, ConfiguredCommand command) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join("\n", [RepoKey(repository), command.Key, command.Text, .. command.Scripts])))).ToLowerInvariant();

    private static string RepoKey(string repository) =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? repository.ToLowerInvariant() : repository;

    /// <summary>Every command in the configuration.</summary>
    public static IEnumerable<ConfiguredCommand> Commands(WorktreeConfig c) =>
        new[] { c.Setup.Install, c.DevServer.Command, c.Agent.Command, c.Merge.Test, c.Merge.Lockfiles.Regenerate }
            .OfType<ConfiguredCommand>().Concat(c.Hooks.All);

    private static bool NeedsApproval(ConfiguredCommand command) => command.Source is ConfigSource.Repository or ConfigSource.Detected;

    /// <summary>True when <paramref name="doc"/> trusts the whole repository of <paramref name="config"/> (Approve-WorktreeConfig -All).</summary>
    private static bool TrustsRepository(Document doc, WorktreeConfig config) =>
        doc.TrustedRepositories.Any(r => RepoKey(r) == RepoKey(config.RepositoryRoot));

    /// <summary>
    /// The commands of <paramref name="commands"/> not yet approved, each with the text approved before under its
    /// key (<see cref="ConfiguredCommand.Previous"/>) when there is one: what changed since.
    /// </summary>
    public IReadOnlyList<ConfiguredCommand> Pending(WorktreeConfig config, IEnumerable<ConfiguredCommand> commands)
    {
        var needed = commands.Where(NeedsApproval).ToList();
        if (needed.Count == 0) return [];
        var doc = _file.Read();
        if (TrustsRepository(doc, config)) return [];
        var mine = doc.Approvals.Where(a => RepoKey(a.Repository) == RepoKey(config.RepositoryRoot)).ToList();
        return needed.Where(c => !mine.Any(a => a.Sha256 == Hash(config.RepositoryRoot, c)))
            .Select(c => mine.LastOrDefault(a => a.Key == c.Key) is { } before ? c with { Previous = Describe(before) } : c)
            .ToList();
    }

    /// <summary>The configuration's commands not yet approved.</summary>
    public IReadOnlyList<ConfiguredCommand> Pending(WorktreeConfig config) => Pending(config, Commands(config));

    /// <summary>Throws <c>CommandNotApproved</c> unless <paramref name="command"/> may run.</summary>
    public void EnsureTrusted(WorktreeConfig config, ConfiguredCommand command) => EnsureTrusted(config, [command]);

    /// <summary>Throws <c>CommandNotApproved</c> for the first of <paramref name="commands"/> that may not run (trust.json is read once).</summary>
    public void EnsureTrusted(WorktreeConfig config, IEnumerable<ConfiguredCommand> commands)
    {
        if (Pending(config, commands).FirstOrDefault() is not { } command) return;
        var origin = command.Source == ConfigSource.Detected
            ? $"The repository {config.RepositoryRoot} would run '{command.Text}' ({command.Key}, detected from its files)"
            : $"{config.RepositoryFile} asks to run '{command.Text}' ({command.Key})";
        var scripts = command.Scripts.Count == 0 ? "" : $", which runs the repository's scripts: {string.Join("; ", command.Scripts)}";
        throw new WorktreeToolsException("CommandNotApproved", ErrorKind.SecurityError,
            $"{origin}{scripts}. You have not approved it, and commands of a repository never run by surprise. Nothing was changed. " +
            $"Review it, then run 'Approve-WorktreeConfig' in {config.RepositoryRoot} (or 'Approve-WorktreeConfig -All' to trust this repository once and for all).",
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
                var hash = Hash(config.RepositoryRoot, c);
                doc.Approvals.RemoveAll(a => a.Sha256 == hash);
                doc.Approvals.Add(new Approval
                {
                    Repository = config.RepositoryRoot, Key = c.Key, Command = c.Text, Scripts = c.Scripts.Count == 0 ? null : [.. c.Scripts],
                    Sha256 = hash, ApprovedAt = DateTime.UtcNow,
                });
            }
            return list.Count;
        });
    }

    /// <summary>Trusts every command of the repository, now and after it changes, until <see cref="Revoke"/>.</summary>
    public void TrustRepository(WorktreeConfig config) =>
        _file.Update(doc =>
        {
            if (!TrustsRepository(doc, config)) doc.TrustedRepositories.Add(config.RepositoryRoot);
            return 0;
        });

    /// <summary>Withdraws the repository's trust and every approval given for it; returns how many there were.</summary>
    public int Revoke(WorktreeConfig config) =>
        _file.Update(doc =>
            doc.TrustedRepositories.RemoveAll(r => RepoKey(r) == RepoKey(config.RepositoryRoot)) +
            doc.Approvals.RemoveAll(a => RepoKey(a.Repository) == RepoKey(config.RepositoryRoot)));

    private static string Describe(Approval a) =>
        a.Scripts is { Count: > 0 } s ? $"{a.Command} (scripts: {string.Join("; ", s)})" : a.Command;
}
