using System.Text.RegularExpressions;
using WorktreeTools.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace WorktreeTools.Core.Config;

/// <summary>
/// Reads <c>.worktree-tools.yml</c> (repository) and the per-user file, validates them strictly and overlays
/// them on the defaults. Every problem is a <see cref="ConfigurationException"/> naming file, line, column and key.
/// </summary>
public static partial class ConfigLoader
{
    public const string RepositoryFileName = ".worktree-tools.yml";

    private static readonly HashSet<string> Sections = ConfigKeys.All.Select(k => k.Name).Concat(ConfigKeys.Aliases.Keys)
        .SelectMany(k => Enumerable.Range(1, k.Count(c => c == '.')).Select(n => string.Join('.', k.Split('.').Take(n))))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>One value read from a file, with where it stands. <see cref="Checks"/> are the template
    /// texts inside it whose tokens are checked once every file is read (port names may come from either);
    /// <see cref="Paths"/> the paths checked when this value is the one in effect.</summary>
    private sealed record Entry(string Key, object? Value, ConfigSource Source, string File, int Line, int Column,
        List<(string Text, int Line, int Column, string Key, IReadOnlyList<string> Tokens)> Checks)
    {
        public List<(string Text, YamlNode Node, string Key)> Paths { get; init; } = [];
    }

    /// <summary>The value of <c>ports: {}</c>: the file turns ports off (an empty map, as opposed to no key).</summary>
    private const string NoPorts = "ports";

    /// <summary>Loads the effective configuration of the repository whose main worktree is <paramref name="repositoryRoot"/>.</summary>
    public static WorktreeConfig Load(string repositoryRoot, string? userFile)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var repoFile = Path.Combine(repositoryRoot, RepositoryFileName);
        var haveRepo = File.Exists(repoFile);
        var haveUser = userFile is not null && File.Exists(userFile);
        if (haveRepo) Overlay(entries, ReadFile(repoFile, ConfigSource.Repository));
        if (haveUser) Overlay(entries, ReadFile(userFile!, ConfigSource.User));
        return Build(repositoryRoot, haveRepo ? repoFile : null, haveUser ? userFile : null, entries);
    }

    /// <summary>
    /// Later files win key by key; maps (ports, env.set) merge entry by entry (<c>ports: {}</c> clears the ports),
    /// lists are replaced whole; hooks of both files are kept (the user's under <c>KEY#user</c>).
    /// </summary>
    private static void Overlay(Dictionary<string, Entry> into, IEnumerable<Entry> from)
    {
        foreach (var e in from)
        {
            if (e.Key == NoPorts)
                foreach (var port in into.Keys.Where(k => k.StartsWith("ports.", StringComparison.Ordinal)).ToList()) into.Remove(port);
            into[ConfigKeys.ByName.TryGetValue(e.Key, out var k) && k.Kind == ConfigKind.Hook && e.Source == ConfigSource.User ? e.Key + "#user" : e.Key] = e;
        }
    }

    private static List<Entry> ReadFile(string file, ConfigSource source)
    {
        YamlStream stream = new();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new ConfigurationException("ConfigSyntaxError", file, (int)ex.Start.Line, (int)ex.Start.Column, "(file)",
                "not valid YAML: " + (ex.InnerException?.Message ?? ex.Message) +
                (ex.Message.Contains("flow", StringComparison.OrdinalIgnoreCase) ? " (A value with {tokens} inside { } or [ ] must be quoted: \"{port.web}\".)" : ""));
        }
        catch (IOException ex)
        {
            throw new WorktreeToolsException("ConfigUnreadable", ErrorKind.ReadError, $"Cannot read {file}: {ex.Message}", file, ex);
        }

        var result = new List<Entry>();
        if (stream.Documents.Count == 0) return result;
        if (stream.Documents.Count > 1)
            throw Error("ConfigSyntaxError", file, stream.Documents[1].RootNode, "(file)", "holds more than one YAML document.");
        var root = stream.Documents[0].RootNode;
        if (IsNull(root)) return result;
        if (root is not YamlMappingNode map)
            throw Error("ConfigWrongType", file, root, "(file)", "the file must be a mapping of sections (worktrees:, setup:, env:, ...).");
        Walk(map, "", file, source, result);
        return result;
    }

    private static void Walk(YamlMappingNode map, string prefix, string file, ConfigSource source, List<Entry> into)
    {
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var name = keyNode is YamlScalarNode s ? s.Value ?? "" : "";
            var written = prefix + name;
            var key = ConfigKeys.Aliases.GetValueOrDefault(written, written);
            if (ConfigKeys.ByName.TryGetValue(key, out var spec))
            {
                if (into.Any(e => e.Key == key || e.Key.StartsWith(key + "[", StringComparison.Ordinal)) && key != written)
                    throw Error("ConfigDuplicateKey", file, keyNode, written, $"'{written}' is the older name of '{key}', which the file sets too: keep one.");
                into.AddRange(ReadValue(spec, key, valueNode, file, source));
            }
            else if (Sections.Contains(key))
            {
                if (IsNull(valueNode)) continue;
                if (valueNode is not YamlMappingNode child)
                    throw Error("ConfigWrongType", file, valueNode, key, "must be a mapping (a section of keys).");
                Walk(child, key + ".", file, source, into);
            }
            else
            {
                var known = ConfigKeys.All.Select(k => k.Name).Concat(Sections).Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(k => k[prefix.Length..].Split('.')[0]).Distinct().Order().ToList();
                var guess = known.MinBy(k => Distance(k, name));
                var hint = guess is not null && Distance(guess, name) <= 2 ? $" Did you mean '{prefix}{guess}'?" : "";
                throw Error("ConfigUnknownKey", file, keyNode, key,
                    $"unknown key.{hint} Known keys here: {string.Join(", ", known)}.");
            }
        }
    }

    private static IEnumerable<Entry> ReadValue(ConfigKey spec, string key, YamlNode node, string file, ConfigSource source)
    {
        Entry Make(object? value, YamlNode at, string k) =>
            new(k, value, source, file, (int)at.Start.Line, (int)at.Start.Column,
                spec.Tokens.Count > 0 && value is string text ? [(text, (int)at.Start.Line, (int)at.Start.Column, k, spec.Tokens)] : []);

        switch (spec.Kind)
        {
            case ConfigKind.PortMap:
            {
                if (IsNull(node)) yield break;
                var map = node as YamlMappingNode ?? throw Error("ConfigWrongType", file, node, key, "must map port names to ranges, e.g. { web: 3001-3999 }.");
                if (map.Children.Count == 0) yield return Make(null, node, NoPorts);
                foreach (var (k, v) in map.Children)
                {
                    var name = Scalar(k, file, key) ?? "";
                    if (!PortName().IsMatch(name))
                        throw Error("ConfigBadValue", file, k, $"{key}.{name}", "a port name is a word (letters, digits, '-', '_').");
                    yield return Make(ParseRange(Scalar(v, file, $"{key}.{name}"), v, file, $"{key}.{name}"), v, $"{key}.{name}");
                }
                yield break;
            }
            case ConfigKind.VariableMap:
            {
                if (IsNull(node)) yield break;
                var map = node as YamlMappingNode ?? throw Error("ConfigWrongType", file, node, key, "must map variable names to values, e.g. { PORT: \"{port.web}\" }.");
                foreach (var (k, v) in map.Children)
                {
                    var name = Scalar(k, file, key) ?? "";
                    if (!VariableName().IsMatch(name))
                        throw Error("ConfigBadValue", file, k, $"{key}.{name}", "an environment variable name is letters, digits and '_'.");
                    yield return Make(Scalar(v, file, $"{key}.{name}") ?? "", v, $"{key}.{name}");
                }
                yield break;
            }
            case ConfigKind.ReplaceList:
            {
                if (IsNull(node)) { yield return Make(Array.Empty<EnvReplacement>(), node, key); yield break; }
                var seq = node as YamlSequenceNode ?? throw Error("ConfigWrongType", file, node, key, "must be a list of { pattern: REGEX, with: TEXT }.");
                var list = new List<EnvReplacement>();
                var checks = new List<(string, int, int, string, IReadOnlyList<string>)>();
                var i = 0;
                foreach (var item in seq.Children)
                {
                    var at = $"{key}[{i++}]";
                    var m = item as YamlMappingNode ?? throw Error("ConfigWrongType", file, item, at, "must be a mapping { pattern: REGEX, with: TEXT }.");
                    string? pattern = null, with = null;
                    foreach (var (k, v) in m.Children)
                    {
                        var name = Scalar(k, file, at);
                        if (name == "pattern") { pattern = Scalar(v, file, at + ".pattern"); CheckRegex(pattern, v, file, at + ".pattern", null); }
                        else if (name == "with") { with = Scalar(v, file, at + ".with") ?? ""; checks.Add((with, (int)v.Start.Line, (int)v.Start.Column, at + ".with", spec.Tokens)); }
                        else throw Error("ConfigUnknownKey", file, k, $"{at}.{name}", "unknown key. Known keys here: pattern, with.");
                    }
                    if (string.IsNullOrEmpty(pattern)) throw Error("ConfigMissingKey", file, item, at, "needs a 'pattern'.");
                    list.Add(new EnvReplacement(pattern, with ?? ""));
                }
                yield return Make(list, node, key) with { Checks = checks };
                yield break;
            }
            case ConfigKind.List:
            {
                if (IsNull(node)) { yield return Make(Array.Empty<string>(), node, key); yield break; }
                var seq = node as YamlSequenceNode ?? throw Error("ConfigWrongType", file, node, key, "must be a list, e.g. [.env, .env.local].");
                var items = seq.Children.Select((c, i) => Scalar(c, file, $"{key}[{i}]") ?? "").ToList();
                yield return Make(items, node, key) with { Paths = items.Select((t, i) => (t, seq.Children[i], $"{key}[{i}]")).ToList() };
                yield break;
            }
        }

        var text = IsNull(node) ? null : Scalar(node, file, key);
        object? value = text;
        switch (spec.Kind)
        {
            case ConfigKind.Int:
                if (text is null) throw Error("ConfigWrongType", file, node, key, "must be a whole number.");
                if (!int.TryParse(text, out var n)) throw Error("ConfigWrongType", file, node, key, $"must be a whole number, not '{text}'.");
                if (n < spec.Minimum || n > spec.Maximum) throw Error("ConfigBadRange", file, node, key, $"must be between {spec.Minimum} and {spec.Maximum}, not {n}.");
                value = n;
                break;
            case ConfigKind.Bool:
                value = text?.ToLowerInvariant() switch
                {
                    "true" or "yes" or "on" => true,
                    "false" or "no" or "off" => false,
                    _ => throw Error("ConfigWrongType", file, node, key, $"must be true or false, not '{text}'."),
                };
                break;
            case ConfigKind.Enum:
                if (text is null) throw Error("ConfigWrongType", file, node, key, $"must be one of: {string.Join(", ", spec.Values!)}.");
                value = spec.Values!.FirstOrDefault(v => v.Equals(text, StringComparison.OrdinalIgnoreCase))
                    ?? throw Error("ConfigBadValue", file, node, key, $"'{text}' is not one of: {string.Join(", ", spec.Values!)}.");
                break;
            case ConfigKind.Regex:
                if (key == "merge.migrations.pattern" && text?.Trim() == "auto") break;
                CheckRegex(text, node, file, key, key == "merge.migrations.pattern" ? "n" : null);
                break;
            case ConfigKind.Name:
                if (text is not null && !SafeName().IsMatch(text))
                    throw Error("ConfigBadValue", file, node, key, $"'{text}' is not a name WorktreeTools uses: letters, digits and . _ / + @ -, starting with a letter, digit or '_'.");
                break;
            case ConfigKind.Folder:
                if (text is not null && (Path.IsPathRooted(text) || text.Replace('\\', '/').Split('/').Contains("..")))
                    throw Error("ConfigBadValue", file, node, key, $"must be a folder inside the repository (relative, no '..'), not '{text}'.");
                break;
        }
        yield return Make(value, node, key) with { Paths = text is null ? [] : [(text, node, key)] };
    }

    private static void CheckRegex(string? pattern, YamlNode node, string file, string key, string? requiredGroup)
    {
        if (pattern is null) return;
        if (ConfigRegex.Problem(pattern) is { } problem) throw Error("ConfigBadRegex", file, node, key, problem + ".");
        if (requiredGroup is not null && !ConfigRegex.Create(pattern).GetGroupNames().Contains(requiredGroup))
            throw Error("ConfigBadRegex", file, node, key, $"needs a named group (?<{requiredGroup}>...) that captures the number.");
    }

    /// <summary>
    /// A path a repository's file names must stay where it belongs (<see cref="PathScope"/>): no drive or root, no
    /// '..' that climbs out. Tokens stand for one folder name here (their values hold no '..'). Links are checked
    /// again where the path is used, once the folders exist.
    /// </summary>
    private static void CheckPath(ConfigKey spec, string text, YamlNode node, string file, string key)
    {
        if (spec.Scope == PathScope.None) return;
        var path = Template.ExpandKnown(text, spec.Tokens.ToDictionary(t => t, _ => "x")).Replace('\\', '/');
        var rooted = Path.IsPathRooted(path) || path.StartsWith('~') || (path.Length >= 2 && path[1] == ':') ||
                     (path.StartsWith('/') && spec.Scope != PathScope.Patterns);
        var depth = 0;
        var lowest = 0;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            depth += part == ".." ? -1 : part == "." ? 0 : 1;
            lowest = Math.Min(lowest, depth);
        }
        var allowed = spec.Scope == PathScope.NextToRepository ? -1 : 0;
        if (rooted || lowest < allowed)
            throw Error("ConfigPathOutside", file, node, key,
                $"'{text}' leads outside {(spec.Scope switch { PathScope.Worktree => "the issue's worktree", PathScope.NextToRepository => "the folder that holds the repository", _ => "the repository" })}. " +
                "A repository's file may only name paths inside the repository and its worktrees; set it in your own configuration file if you mean it.");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex PortName();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._/+@-]*$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"^\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?$")]
    private static partial Regex PortRangeText();

    private static PortRange ParseRange(string? text, YamlNode node, string file, string key)
    {
        var m = PortRangeText().Match(text ?? "");
        if (!m.Success) throw Error("ConfigWrongType", file, node, key, $"must be a port or a range such as 3001-3999, not '{text}'.");
        var first = int.Parse(m.Groups[1].Value);
        var last = m.Groups[2].Success ? int.Parse(m.Groups[2].Value) : first;
        if (first < 1 || last > 65535) throw Error("ConfigBadRange", file, node, key, $"ports are 1-65535; '{text}' is outside.");
        if (first > last) throw Error("ConfigBadRange", file, node, key, $"the range '{text}' runs backwards; write {last}-{first}.");
        return new PortRange(first, last);
    }

    private static WorktreeConfig Build(string root, string? repoFile, string? userFile, Dictionary<string, Entry> e)
    {
        var ports = e.Values.Where(x => x.Key.StartsWith("ports.", StringComparison.Ordinal))
            .ToDictionary(x => x.Key[6..], x => (PortRange)x.Value!, StringComparer.Ordinal);
        if (ports.Count == 0 && !e.Keys.Any(k => k.StartsWith("ports", StringComparison.Ordinal)))
            ports["web"] = new PortRange(3001, 3999);

        foreach (var x in e.Values)
        {
            foreach (var (text, line, column, key, tokens) in x.Checks)
                CheckTokens(text, x.File, line, column, key, tokens, ports.Keys);
            if (x.Source == ConfigSource.Repository && ConfigKeys.ByName.TryGetValue(x.Key, out var spec))
                foreach (var (text, node, key) in x.Paths) CheckPath(spec, text, node, x.File, key);
        }
        if (e.TryGetValue("devServer.ready.port", out var rp) && rp.Value is string rpName && !ports.ContainsKey(rpName))
            throw new ConfigurationException("ConfigUnknownPort", rp.File, rp.Line, rp.Column, rp.Key,
                $"no port named '{rpName}' is configured (ports: {string.Join(", ", ports.Keys)}).");

        T Get<T>(string key, T fallback) => e.TryGetValue(key, out var v) ? (T)v.Value! : fallback;
        string? Str(string key, string? fallback) => e.TryGetValue(key, out var v) ? (string?)v.Value : fallback;
        ConfiguredCommand? Cmd(string key) =>
            e.TryGetValue(key, out var v) && v.Value is string s && s.Trim().Length > 0 && !IsAutoWord(s)
                ? new ConfiguredCommand(key, s.Trim(), v.Source) : null;
        IReadOnlyList<ConfiguredCommand> Hook(string key) => new[] { Cmd(key), Cmd(key + "#user") }.OfType<ConfiguredCommand>()
            .Select(c => c with { Key = key }).ToList();

        var d = new WorktreeConfig();
        var installText = Str("setup.install", null);
        return new WorktreeConfig
        {
            RepositoryRoot = root,
            RepositoryFile = repoFile,
            UserFile = userFile,
            Worktrees = new WorktreesSettings
            {
                Root = Str("worktrees.root", null) ?? d.Worktrees.Root,
                Name = Str("worktrees.name", null) ?? d.Worktrees.Name,
                Branch = Str("worktrees.branch", null) ?? d.Worktrees.Branch,
                Base = Str("worktrees.base", null) ?? d.Worktrees.Base,
                Remote = Str("worktrees.remote", null) ?? d.Worktrees.Remote,
            },
            Setup = new SetupSettings
            {
                Copy = Get<IReadOnlyList<string>>("setup.copy", d.Setup.Copy),
                Install = Cmd("setup.install"),
                InstallEnabled = !string.Equals(installText?.Trim(), "none", StringComparison.OrdinalIgnoreCase),
            },
            Env = new EnvSettings
            {
                File = Str("env.file", null) ?? d.Env.File,
                Override = Str("env.override", null) ?? d.Env.Override,
                Example = Str("env.example", null) ?? d.Env.Example,
                Set = e.Values.Where(x => x.Key.StartsWith("env.set.", StringComparison.Ordinal))
                    .OrderBy(x => x.Line).ToDictionary(x => x.Key[8..], x => (string)x.Value!),
                Replace = Get<IReadOnlyList<EnvReplacement>>("env.replace", d.Env.Replace),
            },
            Ports = ports,
            Database = new DatabaseSettings { Path = Str("database.path", null), Seed = Str("database.seed", null) },
            DevServer = new DevServerSettings
            {
                Command = Cmd("devServer.command"),
                Ready = new ReadySettings
                {
                    Port = Str("devServer.ready.port", null) ?? (ports.ContainsKey("web") ? "web" : ports.Keys.FirstOrDefault()),
                    Pattern = Str("devServer.ready.pattern", null),
                    Url = Str("devServer.ready.url", null),
                    TimeoutSec = Get("devServer.ready.timeoutSec", d.DevServer.Ready.TimeoutSec),
                },
                StopTimeoutSec = Get("devServer.stopTimeoutSec", d.DevServer.StopTimeoutSec),
            },
            Agent = new AgentSettings { Default = Str("agent.default", null) ?? d.Agent.Default, Command = Cmd("agent.command") },
            Merge = new MergeSettings
            {
                Strategy = Str("merge.strategy", null) ?? d.Merge.Strategy,
                Message = Str("merge.message", null) ?? d.Merge.Message,
                SquashMessage = Str("merge.squashMessage", null) ?? d.Merge.SquashMessage,
                Test = Cmd("merge.test"),
                Lockfiles = new LockfileSettings
                {
                    Enabled = Get("merge.lockfiles.enabled", true),
                    Files = Get<IReadOnlyList<string>>("merge.lockfiles.files", d.Merge.Lockfiles.Files),
                    Regenerate = Cmd("merge.lockfiles.regenerate"),
                },
                Migrations = new MigrationSettings
                {
                    Directory = Str("merge.migrations.directory", null) ?? d.Merge.Migrations.Directory,
                    Kind = Str("merge.migrations.kind", null) ?? d.Merge.Migrations.Kind,
                    Pattern = Str("merge.migrations.pattern", null) is { } pattern && pattern.Trim() != "auto" ? pattern : null,
                    OutOfOrder = Str("merge.migrations.outOfOrder", null) switch { "true" => true, "false" => false, _ => null },
                },
            },
            Hooks = new HooksSettings
            {
                AfterCreate = Hook("hooks.afterCreate"),
                BeforeRemove = Hook("hooks.beforeRemove"),
                BeforeMerge = Hook("hooks.beforeMerge"),
                AfterMerge = Hook("hooks.afterMerge"),
            },
            Sources = ConfigKeys.All.Where(k => k.Kind is not (ConfigKind.PortMap or ConfigKind.VariableMap)).Select(k => k.Name)
                .Concat(e.Keys.Where(k => !k.EndsWith("#user", StringComparison.Ordinal))).Concat(ports.Keys.Select(p => "ports." + p)).Distinct()
                .ToDictionary(k => k, k => e.TryGetValue(k, out var v) ? v.Source : e.TryGetValue(k + "#user", out var u) ? u.Source : ConfigSource.Default),
        };
    }

    private static bool IsAutoWord(string s) => s.Trim() is "auto" or "none";

    private static void CheckTokens(string text, string file, int line, int column, string key, IReadOnlyList<string> allowed, ICollection<string> ports)
    {
        foreach (var (token, index) in Template.Tokens(text))
        {
            if (Tokens.Allows(allowed, token, ports)) continue;
            var list = string.Join(", ", allowed.SelectMany(a => a == "port.*" ? ports.Select(p => "{port." + p + "}") : ["{" + a + "}"]));
            var why = token.StartsWith("port.", StringComparison.Ordinal) && allowed.Contains("port.*")
                ? $"no port named '{token[5..]}' is configured."
                : "that token is not known here.";
            throw new ConfigurationException("ConfigUnknownToken", file, line, column, key,
                $"{{{token}}} at offset {index}: {why} Tokens allowed here: {list}.");
        }
    }

    private static string? Scalar(YamlNode node, string file, string key) => node switch
    {
        YamlScalarNode s when s.Style == ScalarStyle.Plain && s.Value is "~" or "null" or "" => null,
        YamlScalarNode s => s.Value,
        _ => throw Error("ConfigWrongType", file, node, key, "must be a single value, not a list or mapping."),
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private static ConfigurationException Error(string id, string file, YamlNode node, string key, string problem) =>
        new(id, file, (int)node.Start.Line, (int)node.Start.Column, key, problem);

    private static int Distance(string a, string b)
    {
        var dp = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) dp[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) dp[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                dp[i, j] = Math.Min(Math.Min(dp[i - 1, j] + 1, dp[i, j - 1] + 1),
                    dp[i - 1, j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
        return dp[a.Length, b.Length];
    }
}
