using WorktreeTools.Core.Processes;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

/// <summary>Token values reach a command as data: a corpus of hostile values in every quoting context, run by a real /bin/sh.</summary>
public sealed class ShellLineTests : IDisposable
{
    private readonly string _dir = Path.Combine(TestEnvironment.Root, "shell-" + Guid.NewGuid().ToString("N")[..8]);

    public ShellLineTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => TestRepo.ForceDelete(_dir);

    /// <summary>Values an attacker (or an unlucky folder name) could put into a token.</summary>
    public static readonly string[] Hostile =
    [
        "$(touch pwned)", "$(touch${IFS}pwned)", "`touch pwned`", "; touch pwned", "&& touch pwned", "| touch pwned",
        "' ; touch pwned ; '", "\" ; touch pwned ; \"", "\\\"; touch pwned; \\\"", "a\ntouch pwned", "x'$(touch pwned)'y",
        "\"$(touch pwned)\"", "$HOME", "${IFS}", "*", "a b  c", "-rf", "!1", "%PATH%", "\\", "'", "\"", "$'x'", ") ; touch pwned ; (",
        "`", "$(", "été/ünï", "",
    ];

    /// <summary>Command templates with the token in each quoting context, and what they print for a value.</summary>
    public static readonly (string Template, Func<string, string> Expected)[] Contexts =
    [
        ("printf '%s' {branch} > out", v => v),
        ("printf '%s' \"v={branch}.\" > out", v => $"v={v}."),
        ("printf '%s' 'v={branch}.' > out", v => $"v={v}."),
        ("printf '%s' \"$(printf '%s' {branch})\" > out", v => v.TrimEnd('\n')),
        ("printf '%s' `printf '%s' {branch}` > out", v => v),
        ("( printf '%s' {branch} ) > out", v => v),
        ("FOO={branch}; printf '%s' \"$FOO\" > out", v => v),
        ("printf '%s' \"a\\\"{branch}\" > out", v => "a\"" + v),
    ];

    public static TheoryData<int> ContextIndexes() => new(Enumerable.Range(0, Contexts.Length));

    [Theory]
    [MemberData(nameof(ContextIndexes))]
    public void Hostile_values_are_data_in_every_quoting_context(int context)
    {
        var (template, expected) = Contexts[context];
        foreach (var value in Hostile)
        {
            var line = ShellCommand.Prepare(template, new Dictionary<string, string> { ["branch"] = value });
            if (value.Length > 2) Assert.False(line.Text.Contains(value, StringComparison.Ordinal), line.Text);
            var exit = ShellCommand.Stream(line.Text, _dir, line.Environment(null), (_, _) => { });
            Assert.False(File.Exists(Path.Combine(_dir, "pwned")), $"'{value}' in `{template}` ran as shell code: {line.Text}");
            Assert.Equal(0, exit);
            // Backticks' output is split into words and globbed (that is sh); every other context prints the value exactly.
            if (!template.Contains('`') || !value.Any(c => char.IsWhiteSpace(c) || c == '*'))
                Assert.Equal(expected(value), File.ReadAllText(Path.Combine(_dir, "out")));
        }
    }

    [Fact]
    public void Digits_are_written_as_they_are_and_other_values_as_quoted_references()
    {
        var tokens = new Dictionary<string, string> { ["port.web"] = "3001", ["worktree"] = "/tmp/a b" };
        var sh = ShellCommand.Prepare("serve --port {port.web} --dir {worktree} \"{worktree}\" '{worktree}'", tokens, shell: Shell.Posix);
        Assert.Equal("serve --port 3001 --dir \"${WTT_WORKTREE}\" \"${WTT_WORKTREE}\" ''\"${WTT_WORKTREE}\"''", sh.Text);
        Assert.Equal("/tmp/a b", sh.Variables["WTT_WORKTREE"]);
        Assert.Equal(["WTT_WORKTREE"], sh.Variables.Keys);
    }

    [Fact]
    public void For_cmd_exe_values_are_delayed_expansions_which_the_shell_never_parses()
    {
        var tokens = new Dictionary<string, string> { ["branch"] = "a&calc", ["port.web"] = "3001" };
        var cmd = ShellCommand.Prepare("echo {branch} \"{branch}\" ^\"{branch} {port.web}", tokens, shell: Shell.Cmd);
        Assert.Equal("echo \"!WTT_BRANCH!\" \"!WTT_BRANCH!\" ^\"\"!WTT_BRANCH!\" 3001", cmd.Text);
        Assert.Equal("/d /v:on /s /c \"echo \"!WTT_BRANCH!\"\"", ShellCommand.CmdArguments("echo \"!WTT_BRANCH!\""));
        Assert.Equal("/d /s /c \"pnpm test\"", ShellCommand.CmdArguments("pnpm test"));
    }

    [Fact]
    public void Typed_commands_keep_brace_text_that_is_no_token()
    {
        var line = ShellCommand.Prepare("awk '{print $1}' {worktree}/x", new Dictionary<string, string> { ["worktree"] = "/w" }, lenient: true, shell: Shell.Posix);
        Assert.Equal("awk '{print $1}' \"${WTT_WORKTREE}\"/x", line.Text);
    }
}
