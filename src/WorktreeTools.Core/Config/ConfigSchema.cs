using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WorktreeTools.Core.Config;

/// <summary>
/// The JSON Schema of <c>.worktree-tools.yml</c>, made from the very key definitions the loader validates with
/// (<see cref="ConfigKeys"/>), for editors (the yaml-language-server modeline of the starter file). It ships as
/// module/worktree-tools.schema.json; a test keeps that file equal to this.
/// </summary>
public static partial class ConfigLoader
{
    /// <summary>The file name of the schema beside the module's assemblies and in the repository's module/ folder.</summary>
    public const string SchemaFileName = "worktree-tools.schema.json";

    /// <summary>Where editors find the schema (the starter file's modeline names it).</summary>
    public const string SchemaUrl = "https://raw.githubusercontent.com/worktree-tools/WorktreeTools/main/module/" + SchemaFileName;

    public static string JsonSchema()
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = RepositoryFileName,
            ["description"] = "WorktreeTools configuration: every key is optional (Get-Help about_WorktreeTools).",
        };
        foreach (var (name, value) in Section()) root[name] = value?.DeepClone();
        var keys = ConfigKeys.All.Select(k => (k.Name, Key: k, Alias: false))
            .Concat(ConfigKeys.Aliases.Select(a => (Name: a.Key, Key: ConfigKeys.ByName[a.Value], Alias: true)));
        foreach (var (name, key, alias) in keys)
        {
            var parts = name.Split('.');
            var at = root;
            foreach (var part in parts[..^1])
            {
                var properties = (JsonObject)at["properties"]!;
                at = properties[part] as JsonObject ?? (JsonObject)(properties[part] = Section());
            }
            var value = Value(key);
            value["description"] = (alias ? $"Older name of {key.Name}. " : "") + key.Help + (key.Tokens.Count > 0 ? " " + TokensText(key) : "");
            if (alias) value["deprecated"] = true;
            ((JsonObject)at["properties"]!)[parts[^1]] = value;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>A mapping of keys; empty (null) is allowed, unknown keys are not.</summary>
    private static JsonObject Section() => new()
    {
        ["type"] = new JsonArray("object", "null"),
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject(),
    };

    private static JsonObject Value(ConfigKey key) => key.Kind switch
    {
        ConfigKind.Int => new JsonObject { ["type"] = "integer", ["minimum"] = key.Minimum, ["maximum"] = key.Maximum },
        ConfigKind.Bool => new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "boolean" }, Enum(["yes", "no", "on", "off"])) },
        // The loader ignores case: the values as written, and in lower case.
        ConfigKind.Enum => Enum(key.Values.Concat(key.Values.Select(v => v.ToLowerInvariant())).Distinct().ToArray()),
        ConfigKind.List => new JsonObject { ["type"] = new JsonArray("array", "null"), ["items"] = new JsonObject { ["type"] = "string" } },
        ConfigKind.Regex => new JsonObject { ["type"] = new JsonArray("string", "null"), ["format"] = "regex" },
        ConfigKind.Folder => new JsonObject
        {
            ["type"] = new JsonArray("string", "null"),
            ["not"] = new JsonObject { ["type"] = "string", ["pattern"] = @"^\s*([/\\~]|[A-Za-z]:)|(^|[/\\])\.\.([/\\]|$)" },
        },
        ConfigKind.PortMap => new JsonObject
        {
            ["type"] = new JsonArray("object", "null"),
            ["propertyNames"] = new JsonObject { ["pattern"] = "^[A-Za-z][A-Za-z0-9_-]*$" },
            ["additionalProperties"] = new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 65535 },
                    new JsonObject { ["type"] = "string", ["pattern"] = @"^\s*\d{1,9}\s*(-\s*\d{1,9}\s*)?$" }),
            },
        },
        ConfigKind.VariableMap => new JsonObject
        {
            ["type"] = new JsonArray("object", "null"),
            ["propertyNames"] = new JsonObject { ["pattern"] = "^[A-Za-z_][A-Za-z0-9_]*$" },
            ["additionalProperties"] = new JsonObject
            {
                ["type"] = new JsonArray("string", "number", "boolean", "null"),
                ["not"] = new JsonObject { ["type"] = "string", ["pattern"] = OtherToken(key.Tokens) },
            },
        },
        ConfigKind.ReplaceList => new JsonObject
        {
            ["type"] = new JsonArray("array", "null"),
            ["items"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["required"] = new JsonArray("pattern"),
                ["properties"] = new JsonObject
                {
                    ["pattern"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["format"] = "regex" },
                    ["with"] = Text(key),
                },
            },
        },
        // String, Command, Hook: text (or empty); with tokens, only those of the key.
        _ => key.Tokens.Count == 0 ? new JsonObject { ["type"] = new JsonArray("string", "null") } : Text(key),
    };

    private static JsonObject Text(ConfigKey key) => new()
    {
        ["type"] = new JsonArray("string", "null"),
        ["not"] = new JsonObject { ["type"] = "string", ["pattern"] = OtherToken(key.Tokens) },
    };

    /// <summary>A token (as <see cref="Template"/> finds them: {word} or {word.part}, not ${VAR} nor {{) other than <paramref name="allowed"/>.</summary>
    private static string OtherToken(IReadOnlyList<string> allowed) =>
        @"(?<![$\{])\{(?!(" + string.Join("|", allowed.Select(t => t == "port.*" ? @"port\.[A-Za-z0-9_-]+" : t.Replace(".", @"\.", StringComparison.Ordinal))) +
        @")\})[a-z][a-zA-Z0-9]*(\.[A-Za-z0-9_-]+)?\}";

    private static JsonObject Enum(string[] values) => new() { ["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) };

    private static string TokensText(ConfigKey key) =>
        (key.Kind is ConfigKind.Command or ConfigKind.Hook ? "Runs once approved with Approve-WorktreeConfig (a repository's). " : "") +
        "Tokens: " + string.Join(" ", key.Tokens.Select(t => "{" + t.Replace("*", "<name>", StringComparison.Ordinal) + "}")) + ".";
}
