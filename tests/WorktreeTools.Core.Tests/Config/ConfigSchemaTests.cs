using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using WorktreeTools.Core.Config;
using WorktreeTools.Testing;
using Xunit;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace WorktreeTools.Core.Tests.Config;

/// <summary>
/// The JSON Schema of .worktree-tools.yml (module/worktree-tools.schema.json, named in the starter file's
/// yaml-language-server modeline) is made from the loader's own key definitions, and agrees with the loader: the
/// starter file passes it, and every bad configuration of <see cref="ConfigLoaderTests"/> fails it, but for the few
/// whose fault lies beyond what a schema can see.
/// </summary>
public sealed class ConfigSchemaTests
{
    private static string Shipped => Path.Combine(TestEnvironment.RepoRoot, "module", ConfigLoader.SchemaFileName);

    private static readonly JsonSchema Schema = JsonSchema.FromText(ConfigLoader.JsonSchema(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    /// <summary>Bad configurations a schema cannot judge, and why (keyed by the error the loader gives).</summary>
    private static readonly Dictionary<string, string> BeyondTheSchema = new()
    {
        ["ports:\n  web: 4000-3000\n"] = "a range's order is arithmetic on the text",
        ["ports:\n  web: 0-99999\n"] = "the bounds of a range are arithmetic on the text",
        ["merge:\n  migrations:\n    pattern: '^\\d+_.+$'\n"] = "the (?<n>...) group inside a regular expression",
        ["env:\n  set:\n    PORT: '{port.admin}'\n"] = "the port names come from another key (or the other file)",
        ["devServer:\n  ready: { port: admin }\n"] = "the port names come from another key (or the other file)",
        ["worktrees:\n  root: [unclosed\n"] = "not YAML at all: there is nothing to validate",
    };

    [Fact]
    public void The_shipped_schema_is_the_one_the_loader_definitions_make()
    {
        var made = ConfigLoader.JsonSchema();
        if (File.Exists(Shipped) && File.ReadAllText(Shipped) == made) return;
        File.WriteAllText(Shipped, made);
        Assert.Fail($"{Shipped} did not match the loader's key definitions; it was written again: review and commit it.");
    }

    [Fact]
    public void The_starter_file_names_the_schema_and_passes_it()
    {
        Assert.StartsWith($"# yaml-language-server: $schema={ConfigLoader.SchemaUrl}\n", StarterConfig.Text);
        Assert.Empty(Errors(StarterConfig.Text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ports: {}\n")]
    [InlineData("ports: { web: 3001, api: 4001-4999 }\n")]
    [InlineData("worktrees: { root: '../{repo}-wt', branch: 'issue/{issue}-{name}' }\nmerge: { strategy: squash, test: 'pnpm test -- ${CI} {{x}}' }\n")]
    [InlineData("env:\n  set: { PORT: '{port.web}', DEBUG: true, WORKERS: 4 }\n  replace: [ { pattern: 'agent\\.db', with: 'agent-issue-{issue}.db' } ]\n")]
    [InlineData("merge:\n  lockfiles: { enabled: no }\n  migrations: { directory: db/migrations, pattern: auto }\n")]
    public void Good_configurations_pass(string yaml)
    {
        var folder = Directory.CreateDirectory(Path.Combine(TestEnvironment.Root, "schema-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Combine(folder, ConfigLoader.RepositoryFileName), yaml);
        ConfigLoader.Load(folder, null);   // the loader takes them too
        Assert.Empty(Errors(yaml));
    }

    public static IEnumerable<object[]> BadConfigurations =>
        typeof(ConfigLoaderTests).GetMethod(nameof(ConfigLoaderTests.Each_bad_configuration_names_file_line_column_and_key))!
            .GetCustomAttributes<InlineDataAttribute>().SelectMany(a => a.GetData(null!)).Select(d => new[] { d[0], d[1], d[4] });

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public void Every_bad_configuration_fails_the_schema(string yaml, string errorId, string key)
    {
        if (BeyondTheSchema.ContainsKey(yaml)) return;
        Assert.True(Errors(yaml).Count > 0, $"The schema accepts what the loader refuses with {errorId} at {key}:\n{yaml}");
    }

    [Fact]
    public void The_cases_beyond_the_schema_are_still_bad_configurations()
    {
        var bad = BadConfigurations.Select(d => (string)d[0]).ToHashSet();
        Assert.All(BeyondTheSchema.Keys, yaml => Assert.Contains(yaml, bad));
    }

    /// <summary>What the schema says about <paramref name="yaml"/>, read as yaml-language-server reads it (YAML 1.2 core types).</summary>
    private static List<string> Errors(string yaml)
    {
        var result = Schema.Evaluate(JsonSerializer.SerializeToElement(ToJson(yaml)), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid ? [] : (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }

    private static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } s when s.Value is null or "" or "~" or "null" => null,
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } s => JsonValue.Create(s.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain } s when long.TryParse(s.Value, out var n) => JsonValue.Create(n),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };
}
