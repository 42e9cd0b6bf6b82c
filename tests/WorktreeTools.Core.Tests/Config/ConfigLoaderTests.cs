using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Config;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TestRepo _repo = new(commit: false);
    private string UserFile => Path.Combine(_repo.Parent, "user.yml");

    public void Dispose() => _repo.Dispose();

    private WorktreeConfig Load(string yaml, string? user = null)
    {
        _repo.Write(ConfigLoader.RepositoryFileName, yaml);
        if (user is not null) File.WriteAllText(UserFile, user);
        return ConfigLoader.Load(_repo.Root, UserFile);
    }

    [Fact]
    public void No_file_gives_documented_defaults()
    {
        var c = ConfigLoader.Load(_repo.Root, UserFile);
        Assert.Null(c.RepositoryFile);
        Assert.Equal("../{repo}-worktrees", c.Worktrees.Root);
        Assert.Equal("issue-{issue}", c.Worktrees.Name);
        Assert.Equal("feature/issue-{issue}", c.Worktrees.Branch);
        Assert.Equal("main", c.Worktrees.Base);
        Assert.Equal([".env"], c.Setup.Copy);
        Assert.Equal(new PortRange(3001, 3999), c.Ports["web"]);
        Assert.Equal("Merge", c.Merge.Strategy);
        Assert.Null(c.Database.Path);
        Assert.All(c.Sources.Values, s => Assert.Equal(ConfigSource.Default, s));
    }

    [Fact]
    public void The_starter_file_is_valid_and_equals_the_defaults()
    {
        var c = Load(StarterConfig.Text);
        var d = ConfigLoader.Load(_repo.Parent, null);
        Assert.Equal(d.Worktrees.Root, c.Worktrees.Root);
        Assert.Equal(d.Ports, c.Ports);
        Assert.Equal(d.Merge.Migrations.Pattern, c.Merge.Migrations.Pattern);
        Assert.Equal((d.Merge.Migrations.Directory, d.Merge.Migrations.Kind, d.Merge.Migrations.OutOfOrder), (c.Merge.Migrations.Directory, c.Merge.Migrations.Kind, c.Merge.Migrations.OutOfOrder));
        Assert.Equal(("auto", "auto", null, null), (d.Merge.Migrations.Directory, d.Merge.Migrations.Kind, d.Merge.Migrations.Pattern, d.Merge.Migrations.OutOfOrder));
        Assert.Equal(d.Merge.Lockfiles.Files, c.Merge.Lockfiles.Files);
        Assert.Null(c.Setup.Install);
        Assert.True(c.Setup.InstallEnabled);
        Assert.Null(c.DevServer.Command);
    }

    [Fact]
    public void The_starter_file_lists_every_key_with_its_default_and_a_comment()
    {
        var lines = StarterConfig.Text.Split('\n');
        foreach (var key in ConfigKeys.All)
        {
            var leaf = key.Name.Split('.')[^1];
            var depth = key.Name.Count(c => c == '.');
            Assert.Contains(lines, l => l.StartsWith(new string(' ', 2 * depth) + leaf + ": " + key.Default, StringComparison.Ordinal) && l.Contains(" # "));
        }
        var c = Load(StarterConfig.Text);
        Assert.Empty(c.Hooks.All);
        Assert.Equal(".env.local", c.Env.Override);
    }

    [Fact]
    public void Repository_and_user_files_overlay_the_defaults_key_by_key_with_sources()
    {
        var c = Load(
            """
            worktrees: { base: develop }
            ports: { web: 3001-3099, api: "4001-4099" }
            env:
              set: { PORT: "{port.web}", DATABASE_URL: "file:./data/agent-issue-{issue}.db" }
              replace: [ { pattern: 'agent\.db', with: 'agent-issue-{issue}.db' } ]
            devServer: { command: pnpm dev, ready: { port: api, timeoutSec: 30 } }
            merge: { strategy: squash, test: pnpm test, migrations: { directory: migrations } }
            """,
            """
            ports: { api: 5001-5099 }
            merge: { test: pnpm test:unit }
            """);
        Assert.Equal("develop", c.Worktrees.Base);
        Assert.Equal(ConfigSource.Repository, c.SourceOf("worktrees.base"));
        Assert.Equal(new PortRange(3001, 3099), c.Ports["web"]);
        Assert.Equal(new PortRange(5001, 5099), c.Ports["api"]);
        Assert.Equal(ConfigSource.User, c.SourceOf("ports.api"));
        Assert.Equal(ConfigSource.Repository, c.SourceOf("ports.web"));
        Assert.Equal("Squash", c.Merge.Strategy);
        Assert.Equal(new ConfiguredCommand("merge.test", "pnpm test:unit", ConfigSource.User), c.Merge.Test);
        Assert.Equal(ConfigSource.Repository, c.DevServer.Command!.Source);
        Assert.Equal("api", c.DevServer.Ready.Port);
        Assert.Equal(30, c.DevServer.Ready.TimeoutSec);
        Assert.Equal(["PORT", "DATABASE_URL"], c.Env.Set.Keys);
        Assert.Equal(@"agent\.db", Assert.Single(c.Env.Replace).Pattern);
        Assert.Equal("migrations", c.Merge.Migrations.Directory);
        Assert.Equal(ConfigSource.Default, c.SourceOf("worktrees.root"));
    }

    [Fact]
    public void Migration_settings_are_read()
    {
        var c = Load("merge:\n  migrations: { directory: db/migrate, kind: Timestamp, pattern: auto, outOfOrder: false }\n");
        Assert.Equal(("db/migrate", "timestamp", null, false), (c.Merge.Migrations.Directory, c.Merge.Migrations.Kind, c.Merge.Migrations.Pattern, c.Merge.Migrations.OutOfOrder));
        Assert.Equal(ConfigSource.Repository, c.SourceOf("merge.migrations.outOfOrder"));
        Assert.True(Load("merge:\n  migrations: { outOfOrder: true, pattern: '^(?<n>\\d+)-(?<name>.+)\\.js$' }\n").Merge.Migrations.OutOfOrder);
    }

    [Fact]
    public void Auto_and_none_mean_detect_and_never()
    {
        var c = Load("setup: { install: none }\ndevServer: { command: auto }\n");
        Assert.False(c.Setup.InstallEnabled);
        Assert.Null(c.DevServer.Command);
    }

    [Theory]
    [InlineData("worktrees:\n  rot: x\n", "ConfigUnknownKey", 2, 3, "worktrees.rot", "Did you mean 'worktrees.root'")]
    [InlineData("port: { web: 3001-3999 }\n", "ConfigUnknownKey", 1, 1, "port", "Did you mean 'ports'")]
    [InlineData("merge:\n  lockfiles:\n    enabled: maybe\n", "ConfigWrongType", 3, 14, "merge.lockfiles.enabled", "true or false")]
    [InlineData("setup:\n  copy: .env\n", "ConfigWrongType", 2, 9, "setup.copy", "must be a list")]
    [InlineData("devServer:\n  ready:\n    timeoutSec: soon\n", "ConfigWrongType", 3, 17, "devServer.ready.timeoutSec", "whole number")]
    [InlineData("worktrees: [a, b]\n", "ConfigWrongType", 1, 12, "worktrees", "must be a mapping")]
    [InlineData("ports:\n  web: 4000-3000\n", "ConfigBadRange", 2, 8, "ports.web", "runs backwards")]
    [InlineData("ports:\n  web: 0-99999\n", "ConfigBadRange", 2, 8, "ports.web", "1-65535")]
    [InlineData("ports:\n  web: lots\n", "ConfigWrongType", 2, 8, "ports.web", "range such as")]
    [InlineData("devServer:\n  ready:\n    timeoutSec: 0\n", "ConfigBadRange", 3, 17, "devServer.ready.timeoutSec", "between 1 and 3600")]
    [InlineData("merge:\n  migrations:\n    pattern: '^(\\d+'\n", "ConfigBadRegex", 3, 14, "merge.migrations.pattern", "not a valid regular expression")]
    [InlineData("merge:\n  migrations:\n    pattern: '^\\d+_.+$'\n", "ConfigBadRegex", 3, 14, "merge.migrations.pattern", "(?<n>")]
    [InlineData("merge:\n  migrations:\n    kind: flyway\n", "ConfigBadValue", 3, 11, "merge.migrations.kind", "auto, numbered, timestamp, prisma, drizzle")]
    [InlineData("merge:\n  migrations:\n    outOfOrder: sometimes\n", "ConfigBadValue", 3, 17, "merge.migrations.outOfOrder", "auto, true, false")]
    [InlineData("merge:\n  migrations:\n    directory: ../shared/migrations\n", "ConfigBadValue", 3, 16, "merge.migrations.directory", "inside the repository")]
    [InlineData("merge:\n  migrations:\n    directory: /srv/migrations\n", "ConfigBadValue", 3, 16, "merge.migrations.directory", "inside the repository")]
    [InlineData("env:\n  replace:\n    - { pattern: '[', with: x }\n", "ConfigBadRegex", 3, 18, "env.replace[0].pattern", "regular expression")]
    [InlineData("worktrees:\n  branch: feature/{ticket}\n", "ConfigUnknownToken", 2, 11, "worktrees.branch", "{ticket}")]
    [InlineData("worktrees:\n  root: ../{issue}\n", "ConfigUnknownToken", 2, 9, "worktrees.root", "Tokens allowed here: {repo}")]
    [InlineData("env:\n  set:\n    PORT: '{port.admin}'\n", "ConfigUnknownToken", 3, 11, "env.set.PORT", "no port named 'admin'")]
    [InlineData("env:\n  replace:\n    - { pattern: a, with: '{prompt}' }\n", "ConfigUnknownToken", 3, 27, "env.replace[0].with", "{prompt}")]
    [InlineData("merge:\n  strategy: octopus\n", "ConfigBadValue", 2, 13, "merge.strategy", "Merge, Squash, Rebase, CherryPick")]
    [InlineData("devServer:\n  ready: { port: admin }\n", "ConfigUnknownPort", 2, 18, "devServer.ready.port", "no port named 'admin'")]
    [InlineData("worktrees:\n  root: [unclosed\n", "ConfigSyntaxError", 3, 1, "(file)", "not valid YAML")]
    [InlineData("- just\n- a list\n", "ConfigWrongType", 1, 1, "(file)", "mapping of sections")]
    public void Each_bad_configuration_names_file_line_column_and_key(string yaml, string id, int line, int column, string key, string text)
    {
        _repo.Write(ConfigLoader.RepositoryFileName, yaml);
        var ex = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(_repo.Root, UserFile));
        Assert.Equal(id, ex.ErrorId);
        Assert.Equal(Path.Combine(_repo.Root, ConfigLoader.RepositoryFileName), ex.File);
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.Equal(key, ex.Key);
        Assert.Contains(text, ex.Message);
        Assert.StartsWith($"{ex.File}:{line}:{column}: '{key}'", ex.Message);
    }

    [Fact]
    public void A_bad_user_file_is_named_as_such()
    {
        File.WriteAllText(UserFile, "agent:\n  default: gpt\n");
        var ex = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(_repo.Root, UserFile));
        Assert.Equal(UserFile, ex.File);
        Assert.Equal("agent.default", ex.Key);
    }

    [Fact]
    public void Port_tokens_may_name_ports_from_the_other_file()
    {
        var c = Load("env: { set: { API: '{port.api}' } }\n", "ports: { api: 4001-4999 }\n");
        Assert.Equal("{port.api}", c.Env.Set["API"]);
    }

    [Fact]
    public void Shell_variables_are_not_tokens()
    {
        var c = Load("devServer: { command: 'PORT=${PORT} node server.js --issue {issue}' }\n");
        Assert.Equal("PORT=${PORT} node server.js --issue {issue}", c.DevServer.Command!.Text);
    }

    [Fact]
    public void An_empty_file_is_all_defaults()
    {
        var c = Load("# nothing yet\n");
        Assert.NotNull(c.RepositoryFile);
        Assert.Equal("main", c.Worktrees.Base);
    }
}
