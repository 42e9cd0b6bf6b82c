namespace WorktreeTools.Core.Config;

/// <summary>The kinds of value a configuration key holds.</summary>
public enum ConfigKind
{
    /// <summary>One text (with <see cref="ConfigKey.Tokens"/> when it is a template).</summary>
    String,
    /// <summary>A command line run through the shell; a repository's needs approval.</summary>
    Command,
    /// <summary>A command line run at a point of an issue's life; the repository's and the user's both run.</summary>
    Hook,
    Int,
    Bool,
    /// <summary>A list of texts.</summary>
    List,
    /// <summary>One of <see cref="ConfigKey.Values"/>.</summary>
    Enum,
    /// <summary>A regular expression (run in linear time).</summary>
    Regex,
    /// <summary>A folder inside the repository (relative, no '..'), from any file.</summary>
    Folder,
    /// <summary>A branch or remote name: letters, digits and . _ / + @ -, starting with a letter, digit or '_' (never an option).</summary>
    Name,
    /// <summary>Port names to ranges (<c>web: 3001-3999</c>).</summary>
    PortMap,
    /// <summary>Environment variable names to template values.</summary>
    VariableMap,
    /// <summary>A list of <c>{ pattern: REGEX, with: TEMPLATE }</c>.</summary>
    ReplaceList,
}

/// <summary>Where a path a key names must stay when it comes from a repository's file.</summary>
public enum PathScope
{
    None,
    /// <summary>Inside the issue's worktree.</summary>
    Worktree,
    /// <summary>Inside the main checkout.</summary>
    Repository,
    /// <summary>Inside the repository, or in a folder next to it (not a hidden one).</summary>
    NextToRepository,
    /// <summary>.gitignore-style patterns over the main checkout: no '..', no drive.</summary>
    Patterns,
}

/// <summary>One configuration key: its dotted name, kind, default (as YAML) and what it means.</summary>
public sealed record ConfigKey(string Name, ConfigKind Kind, string Default, string Help)
{
    /// <summary>The {tokens} a template or command may use (<c>port.*</c>: every configured port).</summary>
    public IReadOnlyList<string> Tokens { get; init; } = [];
    public IReadOnlyList<string> Values { get; init; } = [];
    public int Minimum { get; init; }
    public int Maximum { get; init; }
    public PathScope Scope { get; init; }
}

/// <summary>
/// Every key a configuration file may hold, in the order of the starter file: the one place the loader, the
/// starter file (<see cref="StarterConfig"/>) and any schema are made from. Prefixes of names are sections.
/// </summary>
public static class ConfigKeys
{
    private static ConfigKey S(string name, string @default, string help, IReadOnlyList<string>? tokens = null, PathScope scope = PathScope.None) =>
        new(name, ConfigKind.String, @default, help) { Tokens = tokens ?? [], Scope = scope };

    private static ConfigKey C(string name, string @default, string help, IReadOnlyList<string> tokens) =>
        new(name, ConfigKind.Command, @default, help) { Tokens = tokens };

    private static ConfigKey H(string name, string help) =>
        new(name, ConfigKind.Hook, "~", help) { Tokens = Config.Tokens.Worktree };

    public static readonly IReadOnlyList<ConfigKey> All =
    [
        S("worktrees.root", "../{repo}-worktrees", "where issue worktrees are created, relative to this folder", Config.Tokens.Repo, PathScope.NextToRepository),
        S("worktrees.name", "issue-{issue}", "folder name of one issue's worktree", Config.Tokens.Issue),
        S("worktrees.branch", "feature/issue-{issue}", "branch of one issue (letters, digits, . _ / + @ -)", Config.Tokens.Name),
        new("worktrees.base", ConfigKind.Name, "main", "branch new work starts from and merges back into"),
        new("worktrees.remote", ConfigKind.Name, "origin", "fetched before creating and merging (ignored if absent)"),

        new("setup.copy", ConfigKind.List, "[.env]", "untracked files copied from the main checkout: names or globs (.gitignore syntax); .worktreeinclude is read too") { Scope = PathScope.Patterns },
        C("setup.install", "auto", "auto = pnpm/npm/yarn/bun install, from the lockfile; none = never", Config.Tokens.Worktree),

        S("env.file", ".env", "the file rewritten per issue", scope: PathScope.Worktree),
        S("env.override", ".env.local", "when git tracks env.file, the issue's values go here instead (kept untracked)", scope: PathScope.Worktree),
        S("env.example", ".env.example", "used when the main checkout has no env file", scope: PathScope.Repository),
        new("env.set", ConfigKind.VariableMap, "{}", "KEY: value, e.g. PORT: \"{port.web}\"") { Tokens = Config.Tokens.Worktree },
        new("env.replace", ConfigKind.ReplaceList, "[]", "- { pattern: 'agent\\.db', with: 'agent-issue-{issue}.db' }") { Tokens = Config.Tokens.Worktree },

        new("ports", ConfigKind.PortMap, "{ web: 3001-3999 }", "one port per name is leased for each issue; {} = no ports"),

        S("database.path", "~", "per-issue database file in the worktree, e.g. data/agent-issue-{issue}.db", Config.Tokens.Branch, PathScope.Worktree),
        S("database.seed", "~", "copy this database from the main checkout (SQLite backup), e.g. data/agent.db", scope: PathScope.Repository),

        C("devServer.command", "auto", "auto = the package.json \"dev\" script with the lockfile's package manager", Config.Tokens.Worktree),
        S("devServer.ready.port", "web", "ready when this port accepts connections"),
        new("devServer.ready.pattern", ConfigKind.Regex, "~", "...and when this regex appears in the log"),
        S("devServer.ready.url", "~", "...and when this URL answers", Config.Tokens.Worktree),
        new("devServer.ready.timeoutSec", ConfigKind.Int, "60", "seconds to wait") { Minimum = 1, Maximum = 3600 },
        new("devServer.stopTimeoutSec", ConfigKind.Int, "10", "graceful stop, then forced") { Minimum = 1, Maximum = 600 },

        new("agent.default", ConfigKind.Enum, "amp", "amp | claude | codex | custom") { Values = ["amp", "claude", "codex", "custom"] },
        C("agent.command", "~", "custom, e.g. 'my-agent --prompt {prompt}' ({prompt} is one argument)", Config.Tokens.Agent),

        H("hooks.afterCreate", "in the new worktree after setup and install, e.g. pnpm db:migrate"),
        H("hooks.beforeRemove", "in the worktree before it is removed, e.g. docker compose down"),
        H("hooks.beforeMerge", "on the merged result, after merge.test, before the base moves"),
        H("hooks.afterMerge", "in the base's checkout after it moved, e.g. pnpm db:push"),

        new("merge.strategy", ConfigKind.Enum, "Merge", "Merge | Squash | Rebase | CherryPick") { Values = ["Merge", "Squash", "Rebase", "CherryPick"] },
        S("merge.message", "Merge issue-{issue}", "merge commit message", Config.Tokens.Branch),
        S("merge.squashMessage", "'feat(issue-{issue}): {subject}'", "squash commit message", Config.Tokens.Squash),
        C("merge.test", "~", "gate, e.g. pnpm test", Config.Tokens.Worktree),
        new("merge.lockfiles.enabled", ConfigKind.Bool, "true", "take the base's lockfile and regenerate it on a conflict"),
        new("merge.lockfiles.files", ConfigKind.List, "[pnpm-lock.yaml, package-lock.json, yarn.lock, bun.lock, bun.lockb]", "file names the lockfile policy handles"),
        C("merge.lockfiles.regenerate", "auto", "auto = the detected package manager's install", Config.Tokens.Worktree),
        new("merge.migrations.directory", ConfigKind.Folder, "auto", "auto = every folder named *migrat* and every Drizzle folder; none = off"),
        new("merge.migrations.kind", ConfigKind.Enum, "auto", "auto | numbered (0002_x.sql) | timestamp (20261129110000_x.sql) | prisma | drizzle")
            { Values = ["auto", "numbered", "timestamp", "prisma", "drizzle"] },
        new("merge.migrations.pattern", ConfigKind.Regex, "auto", "a migration's name with (?<n>...) around its version; auto = the kind's"),
        new("merge.migrations.outOfOrder", ConfigKind.Enum, "auto", "true = the tool applies older pending migrations; auto = false for numbered, drizzle")
            { Values = ["auto", "true", "false"] },
    ];

    /// <summary>What a section is for, where the starter file says it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sections = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["hooks"] = "the repository's (approved) and your own both run",
        ["merge.migrations"] = "migrations two issues added in parallel are renamed to apply in order",
    };

    /// <summary>Older names still read, and the key they mean now.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["merge.afterMerge"] = "hooks.afterMerge",
    };

    public static readonly IReadOnlyDictionary<string, ConfigKey> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);
}
