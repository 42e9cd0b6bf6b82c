using WorktreeTools.Core.Processes;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

public sealed class AgentCommandTests
{
    [Theory]
    [InlineData("amp", "amp", new[] { "amp", "-x", "P" })]
    [InlineData("Claude", "claude", new[] { "claude", "-p", "P" })]
    [InlineData("codex", "codex", new[] { "codex", "exec", "P" })]
    [InlineData("my-agent --prompt {prompt} --fast", "my-agent", new[] { "my-agent", "--prompt", "P", "--fast" })]
    [InlineData("/opt/agents/run.sh --prompt={prompt}", "run", new[] { "/opt/agents/run.sh", "--prompt=P" })]
    [InlineData("my-agent --yes", "my-agent", new[] { "my-agent", "--yes", "P" })]          // no {prompt}: appended
    public void Presets_and_templates_put_the_prompt_in_one_argument(string agent, string name, string[] expected)
    {
        var (resolved, template) = AgentCommand.Resolve(agent);
        Assert.Equal(name, resolved);
        Assert.Equal(expected, AgentCommand.Build(template, "P"));
    }

    [Theory]
    [InlineData("a 'b c' d", new[] { "a", "b c", "d" })]
    [InlineData("a \"b \\\"c\\\" \\\\ d\"", new[] { "a", "b \"c\" \\ d" })]
    [InlineData("  a\t\tb  ", new[] { "a", "b" })]
    [InlineData(@"C:\tools\agent.exe --dir 'C:\my dir'", new[] { @"C:\tools\agent.exe", "--dir", @"C:\my dir" })]
    [InlineData("pre'fix'\"ed\" ''", new[] { "prefixed", "" })]
    public void Templates_split_with_simple_quote_rules(string template, string[] expected) =>
        Assert.Equal(expected, AgentCommand.Split(template));

    [Theory]
    [InlineData("agent 'unclosed")]
    [InlineData("agent \"unclosed \\\"")]
    [InlineData("   ")]
    public void Bad_templates_are_clear_errors(string template) =>
        Assert.Equal("AgentCommandInvalid", Assert.Throws<WorktreeToolsException>(() => AgentCommand.Split(template)).ErrorId);

    [Fact]
    public void The_prompt_is_never_reinterpreted()
    {
        const string prompt = "use {prompt} and '{x}' literally";
        Assert.Equal(["agent", "--p", prompt], AgentCommand.Build(AgentCommand.Split("agent --p {prompt}"), prompt));
    }
}
