using System.Globalization;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Processes;

namespace WorktreeTools.Core.Merging;

/// <summary>
/// A command the merge runs (test gate, lockfile regeneration, after-merge): either given explicitly by the
/// caller (run verbatim, trusted) or taken from configuration (approved through the trust store, tokens expanded).
/// </summary>
internal sealed record MergeCommand(string Key, string Text, bool Expand)
{
    public static MergeCommand Explicit(string key, string text) => new(key, text, Expand: false);

    /// <summary>A configured command; throws <c>CommandNotApproved</c> if the repository's file asks for it and the user has not approved it.</summary>
    public static MergeCommand FromConfig(WorktreeConfig config, TrustStore trust, ConfiguredCommand command)
    {
        trust.EnsureTrusted(config, command);
        return new MergeCommand(command.Key, command.Text, Expand: true);
    }

    public override string ToString() => Text;
}

/// <summary>
/// Runs <see cref="MergeCommand"/>s for one issue, all output appended to one log file under the repository's state
/// folder. Commands see <c>WORKTREE_TOOLS_ISSUE</c>, <c>_BRANCH</c>, <c>_BASE</c>, <c>_REPOSITORY</c> and <c>_PHASE</c>
/// (test, regenerate, after-merge); configured ones may use {repo} {issue} {name} {branch} {base} {worktree} and the caller's tokens.
/// </summary>
internal sealed class MergeCommandRunner(string logPath, IReadOnlyDictionary<string, string> tokens,
    IReadOnlyDictionary<string, string?> environment, CancellationToken cancel)
{
    public static MergeCommandRunner For(WorktreeConfig config, string root, string kind, string issue, string branch, string baseName,
        IReadOnlyDictionary<string, string> extraTokens, CancellationToken cancel)
    {
        var tokens = new Dictionary<string, string>(extraTokens)
        {
            ["repo"] = Path.GetFileName(root), ["issue"] = issue, ["branch"] = branch, ["base"] = baseName,
        };
        tokens["name"] = Template.Expand(config.Worktrees.Name, tokens);
        var environment = new Dictionary<string, string?>
        {
            ["WORKTREE_TOOLS_ISSUE"] = issue, ["WORKTREE_TOOLS_BRANCH"] = branch, ["WORKTREE_TOOLS_BASE"] = baseName, ["WORKTREE_TOOLS_REPOSITORY"] = root,
        };
        var log = Path.Combine(ToolPaths.RepositoryStateDirectory(root), "logs",
            $"{kind}-{BackupRefs.Sanitize(issue)}-{DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}.log");
        return new MergeCommandRunner(log, tokens, environment, cancel);
    }

    public string LogPath { get; } = logPath;

    /// <summary>The template values (for messages such as the merge commit's).</summary>
    public IReadOnlyDictionary<string, string> Tokens => tokens;

    /// <summary>True once any command has run (and so the log exists).</summary>
    public bool Used => Runs > 0;

    /// <summary>How many commands have run.</summary>
    public int Runs { get; private set; }

    /// <summary>Runs <paramref name="command"/> in <paramref name="workDir"/> (which is also its <c>{worktree}</c>) and returns its exit code.</summary>
    public int Run(MergeCommand command, string workDir, string phase)
    {
        Runs++;
        var line = Line(command, workDir);
        return ShellCommand.Run(line.Text, workDir, line.Environment(Environment(phase, null)), LogPath, cancel);
    }

    /// <summary>
    /// Runs <paramref name="command"/> as <see cref="Run"/> does, but into <paramref name="logPath"/>, in a process tree that
    /// ends entirely when it ends, times out or is cancelled (the merge gate's install and test).
    /// </summary>
    public TreeCommandOutcome RunTree(MergeCommand command, string workDir, string phase, string logPath, TimeSpan? timeout,
        IReadOnlyDictionary<string, string?> extraEnvironment)
    {
        var line = Line(command, workDir);
        return TreeCommand.Run(line.Text, workDir, line.Environment(Environment(phase, extraEnvironment)), logPath, timeout, cancel);
    }

    /// <summary>The command line; token values reach it as data (variables the line refers to), never as shell text.</summary>
    private ShellLine Line(MergeCommand command, string workDir) => command.Expand
        ? ShellCommand.Prepare(command.Text, new Dictionary<string, string>(tokens) { ["worktree"] = workDir })
        : new ShellLine(command.Text, new Dictionary<string, string>());

    private Dictionary<string, string?> Environment(string phase, IReadOnlyDictionary<string, string?>? extra)
    {
        var env = new Dictionary<string, string?>(environment) { ["WORKTREE_TOOLS_PHASE"] = phase };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) env[k] = v;
        return env;
    }
}
