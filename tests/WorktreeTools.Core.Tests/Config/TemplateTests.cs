using WorktreeTools.Core.Config;
using Xunit;

namespace WorktreeTools.Core.Tests.Config;

public sealed class TemplateTests
{
    private static readonly Dictionary<string, string> Values = new() { ["issue"] = "101", ["port.web"] = "3001" };

    [Theory]
    [InlineData("feature/issue-{issue}", "feature/issue-101")]
    [InlineData("PORT={port.web} node server.js", "PORT=3001 node server.js")]
    [InlineData("echo ${HOME} {issue}", "echo ${HOME} 101")]
    [InlineData("awk '{{print $1}}' issue-{issue}.log", "awk '{print $1}' issue-101.log")]
    [InlineData("{{issue}}", "{issue}")]
    public void Expands_tokens_and_keeps_escaped_braces(string template, string expected) =>
        Assert.Equal(expected, Template.Expand(template, Values));

    [Fact]
    public void An_unknown_token_is_an_error_but_ExpandKnown_leaves_it()
    {
        var ex = Assert.Throws<WorktreeToolsException>(() => Template.Expand("awk '{print}' {issue}", Values));
        Assert.Equal("TemplateTokenUnknown", ex.ErrorId);
        Assert.Equal("awk '{print}' 101", Template.ExpandKnown("awk '{print}' {issue}", Values));
    }

    [Fact]
    public void Escaped_braces_are_not_tokens_for_validation() =>
        Assert.Equal(["issue"], Template.Tokens("awk '{{print}}' {issue}").Select(t => t.Token));
}
