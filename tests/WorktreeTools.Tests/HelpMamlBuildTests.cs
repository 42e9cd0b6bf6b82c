using System.Diagnostics;
using System.Xml.Linq;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// build/HelpMaml.targets on pages written for the test: several parameter sets, per-set Required and
/// Position, switches, links; incremental rebuilds; and a malformed page failing the build with file and line.
/// </summary>
public sealed class HelpMamlBuildTests : IDisposable
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private readonly string _root = Path.Combine(TestEnvironment.Root, "maml-" + Guid.NewGuid().ToString("N")[..8]);

    public HelpMamlBuildTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "docs"));
        File.WriteAllText(Path.Combine(_root, "docs", "README.md"), "# Not a cmdlet page\n");
        // MSBuildProjectName names the help file: WorktreeTools.proj -> WorktreeTools.dll-Help.xml.
        File.WriteAllText(Path.Combine(_root, "WorktreeTools.proj"), $"""
            <Project>
              <PropertyGroup>
                <RepoRoot>{_root}/</RepoRoot>
                <ModuleDir>{_root}/module/</ModuleDir>
              </PropertyGroup>
              <Import Project="{Path.Combine(TestEnvironment.RepoRoot, "build", "HelpMaml.targets")}" />
              <Target Name="Build" />
            </Project>
            """);
    }

    private string MamlFile => Path.Combine(_root, "module", "en-US", "WorktreeTools.dll-Help.xml");

    [Fact]
    public void Converts_parameter_sets_switches_examples_and_links_and_rebuilds_only_on_change()
    {
        var page = WritePage("Test-Widget", ValidPage);
        var (exit, log) = Build();
        Assert.True(exit == 0, log);

        var command = XDocument.Load(MamlFile).Root!.Elements(Command + "command").Single();
        Assert.Equal("Test-Widget", command.Element(Command + "details")!.Element(Command + "name")!.Value);
        Assert.Equal("Test", command.Element(Command + "details")!.Element(Command + "verb")!.Value);
        Assert.Equal("Widget", command.Element(Command + "details")!.Element(Command + "noun")!.Value);
        Assert.Equal(["Makes a widget."], Paras(command.Element(Command + "details")!));
        Assert.Equal(["First paragraph on two lines.", "Second paragraph.", "- a list item", "- another"], Paras(command));

        var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        var byName = Params(items[0]);
        Assert.Equal(["Name", "Force"], byName.Select(Name));
        Assert.Equal(("true", "0"), (byName[0].Attribute("required")!.Value, byName[0].Attribute("position")!.Value));
        Assert.Null(byName[1].Element(Command + "parameterValue")); // a switch shows no value in the syntax
        var byObject = Params(items[1]);
        Assert.Equal(["InputObject", "Name", "Force"], byObject.Select(Name));
        Assert.Equal("True (ByValue)", byObject[0].Attribute("pipelineInput")!.Value);
        Assert.Equal(("false", "named"), (byObject[1].Attribute("required")!.Value, byObject[1].Attribute("position")!.Value));

        var parameters = Params(command.Element(Command + "parameters")!);
        Assert.Equal(["Name", "InputObject", "Force"], parameters.Select(Name));
        Assert.Equal("N", parameters[0].Attribute("aliases")!.Value);
        Assert.Equal("none", parameters[1].Attribute("aliases")!.Value);
        Assert.Equal("true", parameters[0].Attribute("globbing")!.Value);
        Assert.Equal("String", parameters[0].Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("SwitchParameter", parameters[2].Element(Command + "parameterValue")!.Value);
        Assert.Equal(["The widget's name.", "It may hold wildcards."], Paras(parameters[0]));

        var example = command.Element(Command + "examples")!.Elements(Command + "example").Single();
        Assert.Contains("Example 1: Make one", example.Element(Maml + "title")!.Value);
        Assert.Equal("Test-Widget -Name a\n# a comment, not a heading", example.Element(Dev + "code")!.Value);
        Assert.Contains("Makes widget a.", Paras(example.Element(Dev + "remarks")!));

        Assert.Equal(["System.String"], command.Descendants(Command + "inputType").Select(t => t.Element(Dev + "type")!.Element(Maml + "name")!.Value));
        Assert.Equal(["Widget"], command.Descendants(Command + "returnValue").Select(t => t.Element(Dev + "type")!.Element(Maml + "name")!.Value));
        var links = command.Element(Maml + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value)).ToList();
        Assert.Equal([("Online Version:", "https://example.com/widget"), ("Other-Widget", ""), ("Docs", "https://example.com/docs")], links);

        // Incremental: nothing changed, nothing written; a changed page is converted again.
        var written = File.GetLastWriteTimeUtc(MamlFile);
        Assert.Equal(0, Build().Exit);
        Assert.Equal(written, File.GetLastWriteTimeUtc(MamlFile));
        File.WriteAllText(page, ValidPage.Replace("Makes a widget.", "Makes a better widget."));
        File.SetLastWriteTimeUtc(page, written.AddSeconds(5));
        Assert.Equal(0, Build().Exit);
        Assert.Contains("Makes a better widget.", File.ReadAllText(MamlFile));
    }

    [Fact]
    public void A_malformed_page_fails_the_build_with_its_file_and_line()
    {
        var bad = ValidPage.Replace("""
            ```yaml
            Type: SwitchParameter
            """, """
            ```text
            Type: SwitchParameter
            """);
        var page = WritePage("Test-Widget", bad);
        var (exit, log) = Build();
        Assert.NotEqual(0, exit);
        var line = Array.FindIndex(File.ReadAllLines(page), l => l == "### -Force") + 1;
        Assert.Contains($"Test-Widget.md({line}", log);
        Assert.Contains("WTHELP001", log);
        Assert.Contains("Parameter -Force has no ```yaml block.", log);
        Assert.False(File.Exists(MamlFile));
    }

    private string WritePage(string name, string text)
    {
        var path = Path.Combine(_root, "docs", name + ".md");
        File.WriteAllText(path, text);
        return path;
    }

    private (int Exit, string Log) Build()
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            WorkingDirectory = _root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "msbuild", "WorktreeTools.proj", "-t:Build", "-nologo", "-nodeReuse:false", "-v:minimal" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + error.Result);
    }

    private static List<XElement> Params(XElement parent) => parent.Elements(Command + "parameter").ToList();
    private static string Name(XElement parameter) => parameter.Element(Maml + "name")!.Value;
    private static List<string> Paras(XElement parent) =>
        parent.Element(Maml + "description") is { } d ? Paras(d) : parent.Elements(Maml + "para").Select(p => p.Value).Where(v => v.Length > 0).ToList();

    public void Dispose() => TestRepo.ForceDelete(_root);

    private const string ValidPage = """
        ---
        external help file: WorktreeTools.dll-Help.xml
        Module Name: WorktreeTools
        online version: https://example.com/widget
        schema: 2.0.0
        ---

        # Test-Widget

        ## SYNOPSIS
        Makes a widget.

        ## SYNTAX

        ### ByName (Default)
        ```
        Test-Widget [-Name] <String> [-Force] [<CommonParameters>]
        ```

        ### ByObject
        ```
        Test-Widget -InputObject <Object> [-Name <String>] [-Force] [<CommonParameters>]
        ```

        ## DESCRIPTION
        First paragraph
        on two lines.

        Second paragraph.

        - a list item
        - another

        ## EXAMPLES

        ### Example 1: Make one
        ```powershell
        Test-Widget -Name a
        # a comment, not a heading
        ```

        Makes widget a.

        ## PARAMETERS

        ### -Name
        The widget's name.

        It may hold wildcards.

        ```yaml
        Type: String
        Parameter Sets: ByName, ByObject
        Aliases: N

        Required: True (ByName), False (ByObject)
        Position: 0 (ByName), Named (ByObject)
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: True
        ```

        ### -InputObject
        A widget to copy.

        ```yaml
        Type: Object
        Parameter Sets: ByObject
        Aliases:

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: True (ByValue)
        Accept wildcard characters: False
        ```

        ### -Force
        Replaces a widget.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases:

        Required: False
        Position: Named
        Default value: False
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String

        ## OUTPUTS

        ### Widget
        The widget.

        ## NOTES

        ## RELATED LINKS

        [Other-Widget](Other-Widget.md)

        [Docs](https://example.com/docs)
        """;
}
