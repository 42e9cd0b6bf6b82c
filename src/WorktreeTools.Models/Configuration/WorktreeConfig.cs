namespace WorktreeTools.Configuration;

/// <summary>
/// Where an effective setting came from. <c>Detected</c>: a command WorktreeTools found in the checkout (the
/// package manager of its lockfile, a package.json "dev" script); like a repository's command it needs approval.
/// </summary>
public enum ConfigSource { Default, Repository, User, Detected }

/// <summary>An inclusive port range such as 3001-3999.</summary>
public readonly record struct PortRange(int First, int Last)
{
    public int Count => Last - First + 1;
    public override string ToString() => $"{First}-{Last}";
}

/// <summary>
/// A command line from configuration or detected in the checkout, with where it came from. Commands of the
/// repository (its file, or detected) run only once the user approved this key, this text and these scripts.
/// </summary>
public sealed record ConfiguredCommand(string Key, string Text, ConfigSource Source)
{
    /// <summary>What the command runs of the repository's own code, e.g. <c>package.json: postinstall: node setup.js</c> (part of what is approved).</summary>
    public IReadOnlyList<string> Scripts { get; init; } = [];

    /// <summary>The text approved before under the same key, when it differs (what changed since).</summary>
    public string? Previous { get; init; }

    public override string ToString() => Text;
}

/// <summary>A pattern replacement applied to the env file.</summary>
public sealed record EnvReplacement(string Pattern, string With);

public sealed class WorktreesSettings
{
    public string Root { get; init; } = "../{repo}-worktrees";
    public string Name { get; init; } = "issue-{issue}";
    public string Branch { get; init; } = "feature/issue-{issue}";
    public string Base { get; init; } = "main";
    public string Remote { get; init; } = "origin";
}

public sealed class SetupSettings
{
    public IReadOnlyList<string> Copy { get; init; } = [".env"];
    /// <summary>Install command; null means detect the package manager from the lockfile.</summary>
    public ConfiguredCommand? Install { get; init; }
    /// <summary>False turns installing off altogether (<c>install: none</c>).</summary>
    public bool InstallEnabled { get; init; } = true;
}

public sealed class EnvSettings
{
    public string File { get; init; } = ".env";
    /// <summary>Where the values go when git tracks <see cref="File"/> (which is then left as committed).</summary>
    public string Override { get; init; } = ".env.local";
    public string Example { get; init; } = ".env.example";
    public IReadOnlyDictionary<string, string> Set { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<EnvReplacement> Replace { get; init; } = [];
}

public sealed class DatabaseSettings
{
    /// <summary>Per-issue database file, relative to the worktree; null means no per-issue database.</summary>
    public string? Path { get; init; }
    /// <summary>Database in the main checkout to copy from (SQLite backup); null means start empty.</summary>
    public string? Seed { get; init; }
}

public sealed class ReadySettings
{
    /// <summary>The named port that must accept connections.</summary>
    public string? Port { get; init; }
    /// <summary>A regular expression that, once it appears in the log, means ready.</summary>
    public string? Pattern { get; init; }
    /// <summary>A URL that must answer (any HTTP status below 500).</summary>
    public string? Url { get; init; }
    public int TimeoutSec { get; init; } = 60;
}

public sealed class DevServerSettings
{
    /// <summary>Null means detect (package.json "dev" script run by the lockfile's package manager).</summary>
    public ConfiguredCommand? Command { get; init; }
    public ReadySettings Ready { get; init; } = new();
    public int StopTimeoutSec { get; init; } = 10;
}

public sealed class AgentSettings
{
    /// <summary>Preset to use when none is named: amp, claude, codex, or custom.</summary>
    public string Default { get; init; } = "amp";
    /// <summary>Custom command template; {prompt} marks the one argument the prompt becomes.</summary>
    public ConfiguredCommand? Command { get; init; }
}

public sealed class LockfileSettings
{
    public bool Enabled { get; init; } = true;
    public IReadOnlyList<string> Files { get; init; } = ["pnpm-lock.yaml", "package-lock.json", "yarn.lock", "bun.lock", "bun.lockb"];
    /// <summary>Null means the detected package manager's install.</summary>
    public ConfiguredCommand? Regenerate { get; init; }
}

public sealed class MigrationSettings
{
    /// <summary>
    /// <c>auto</c>: every folder that holds migrations (a name containing <c>migrat</c>, a Drizzle output folder);
    /// <c>none</c> turns the policy off; else one folder, relative to the repository root.
    /// </summary>
    public string Directory { get; init; } = "auto";
    /// <summary><c>auto</c> (from what the folder holds), <c>numbered</c>, <c>timestamp</c>, <c>prisma</c> or <c>drizzle</c>.</summary>
    public string Kind { get; init; } = "auto";
    /// <summary>The name of one migration (a file; a folder for prisma) with a named group <c>n</c> holding its number or timestamp; null: the kind's own.</summary>
    public string? Pattern { get; init; }
    /// <summary>
    /// True: the migration tool applies an older pending migration (so only a version the base has is changed); false: it
    /// only applies what is newer than the newest applied (so every new migration must follow the base's newest); null: by kind.
    /// </summary>
    public bool? OutOfOrder { get; init; }
}

public sealed class MergeSettings
{
    public string Strategy { get; init; } = "Merge";
    public string Message { get; init; } = "Merge issue-{issue}";
    public string SquashMessage { get; init; } = "feat(issue-{issue}): {subject}";
    public ConfiguredCommand? Test { get; init; }
    public LockfileSettings Lockfiles { get; init; } = new();
    public MigrationSettings Migrations { get; init; } = new();
}

/// <summary>
/// Commands run at points of an issue's life. Each list holds the repository's command (approved like any
/// repository command), then the user's own: both run, in that order.
/// </summary>
public sealed class HooksSettings
{
    /// <summary>In the new worktree, after setup and install (migrate, seed).</summary>
    public IReadOnlyList<ConfiguredCommand> AfterCreate { get; init; } = [];
    /// <summary>In the worktree, before it is removed (docker compose down); a failure stops the removal unless forced.</summary>
    public IReadOnlyList<ConfiguredCommand> BeforeRemove { get; init; } = [];
    /// <summary>On the merged result in the staging checkout, after the test gate; a failure stops the merge.</summary>
    public IReadOnlyList<ConfiguredCommand> BeforeMerge { get; init; } = [];
    /// <summary>In the base branch's checkout after the base moved.</summary>
    public IReadOnlyList<ConfiguredCommand> AfterMerge { get; init; } = [];

    public IEnumerable<ConfiguredCommand> All => AfterCreate.Concat(BeforeRemove).Concat(BeforeMerge).Concat(AfterMerge);
}

/// <summary>The effective configuration: defaults, overlaid by the repository's file, overlaid by the user's file.</summary>
public sealed class WorktreeConfig
{
    public string RepositoryRoot { get; init; } = "";
    public string? RepositoryFile { get; init; }
    public string? UserFile { get; init; }
    public WorktreesSettings Worktrees { get; init; } = new();
    public SetupSettings Setup { get; init; } = new();
    public EnvSettings Env { get; init; } = new();
    public IReadOnlyDictionary<string, PortRange> Ports { get; init; } =
        new Dictionary<string, PortRange> { ["web"] = new(3001, 3999) };
    public DatabaseSettings Database { get; init; } = new();
    public DevServerSettings DevServer { get; init; } = new();
    public AgentSettings Agent { get; init; } = new();
    public MergeSettings Merge { get; init; } = new();
    public HooksSettings Hooks { get; init; } = new();
    /// <summary>Every setting's dotted key and where its value came from.</summary>
    public IReadOnlyDictionary<string, ConfigSource> Sources { get; init; } = new Dictionary<string, ConfigSource>();

    public ConfigSource SourceOf(string key) =>
        Sources.TryGetValue(key, out var s) ? s : ConfigSource.Default;
}
