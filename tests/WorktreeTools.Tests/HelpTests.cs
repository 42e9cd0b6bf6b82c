using System.Management.Automation;
using System.Text.RegularExpressions;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>
/// Every exported cmdlet has a page in docs/ that documents each parameter truthfully and shows an example,
/// and Get-Help in a real engine shows that page. The cmdlets are listed from the manifest and from the
/// module's assemblies, so a cmdlet added later is checked without touching this file.
/// </summary>
public sealed class HelpTests(ModuleFixture module) : IClassFixture<ModuleFixture>
{
    public static IEnumerable<object[]> Cmdlets => ModuleManifest.Cmdlets;

    [Fact]
    public void Every_cmdlet_has_a_help_page()
    {
        var names = ModuleManifest.CmdletsToExport.Concat(module.CmdletTypes.Keys).Distinct().Order();
        var missing = names.Where(n => !File.Exists(HelpPage.PathOf(n))).ToList();
        Assert.True(missing.Count == 0,
            $"Cmdlets without a help page: {string.Join(", ", missing)}. Add docs/<Verb-Noun>.md for each (see docs/README.md).");
    }

    [Fact]
    public void Every_help_page_belongs_to_an_exported_cmdlet()
    {
        var stale = HelpPage.AllNames().Except(ModuleManifest.CmdletsToExport).ToList();
        Assert.True(stale.Count == 0, $"Help pages for cmdlets the module does not export: {string.Join(", ", stale)}.");
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_page_describes_the_cmdlet_and_every_parameter(string name)
    {
        var page = ReadPage(name);
        var problems = new List<string>();
        if (page.Title != name) problems.Add($"the title is '# {page.Title}', not '# {name}'");
        if (page.FrontMatter.GetValueOrDefault("external help file") != "WorktreeTools.dll-Help.xml")
            problems.Add("the front matter does not say 'external help file: WorktreeTools.dll-Help.xml'");
        if (page.Synopsis.Length == 0) problems.Add("the SYNOPSIS is empty");
        if (page.Description.Length == 0) problems.Add("the DESCRIPTION is empty");

        var documented = page.Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var p in ModuleFixture.DocumentedParameters(module.Command(name)))
        {
            if (!documented.TryGetValue(p.Name, out var doc)) problems.Add($"parameter -{p.Name} has no '### -{p.Name}' section");
            else if (doc.Description.Length == 0) problems.Add($"parameter -{p.Name} has no description");
        }
        var actual = module.Command(name).Parameters.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in page.Parameters.Where(p => !actual.Contains(p.Name)))
            problems.Add($"the page documents -{p.Name}, which the cmdlet does not have");

        Assert.True(problems.Count == 0, $"docs/{name}.md: " + string.Join("; ", problems) + ".");
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_page_parameter_details_match_the_cmdlet(string name)
    {
        var page = ReadPage(name);
        var cmdlet = module.Command(name);
        var problems = new List<string>();
        foreach (var doc in page.Parameters)
        {
            if (!cmdlet.Parameters.TryGetValue(doc.Name, out var p)) continue; // reported by the test above
            var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            if (doc.Get("Type") != type.Name && doc.Get("Type") != type.FullName)
                problems.Add($"-{p.Name}: Type is {type.Name}, the page says '{doc.Get("Type")}'");

            var aliases = Split(doc.Get("Aliases"));
            if (!aliases.SetEquals(p.Aliases))
                problems.Add($"-{p.Name}: Aliases are '{string.Join(", ", p.Aliases)}', the page says '{doc.Get("Aliases")}'");

            var sets = p.ParameterSets;
            var pageSets = Split(doc.Get("Parameter Sets"));
            var allSets = sets.ContainsKey(ParameterAttribute.AllParameterSets);
            if (allSets ? !pageSets.SetEquals(["(All)"]) : !pageSets.SetEquals(sets.Keys))
                problems.Add($"-{p.Name}: Parameter Sets are '{(allSets ? "(All)" : string.Join(", ", sets.Keys))}', the page says '{doc.Get("Parameter Sets")}'");

            foreach (var (set, data) in sets)
            {
                var setName = set == ParameterAttribute.AllParameterSets ? null : set;
                var required = data.IsMandatory ? "True" : "False";
                if (!string.Equals(ForSet(doc.Get("Required"), setName), required, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"-{p.Name}: Required is {required}{In(setName)}, the page says '{doc.Get("Required")}'");
                var position = data.Position == int.MinValue ? "Named" : data.Position.ToString();
                if (!string.Equals(ForSet(doc.Get("Position"), setName), position, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"-{p.Name}: Position is {position}{In(setName)}, the page says '{doc.Get("Position")}'");
            }

            var byValue = sets.Values.Any(s => s.ValueFromPipeline);
            var byName = sets.Values.Any(s => s.ValueFromPipelineByPropertyName);
            var pipeline = doc.Get("Accept pipeline input");
            var pageByValue = pipeline.StartsWith("True", StringComparison.OrdinalIgnoreCase) && pipeline.Contains("ByValue", StringComparison.OrdinalIgnoreCase);
            var pageByName = pipeline.StartsWith("True", StringComparison.OrdinalIgnoreCase) && pipeline.Contains("ByPropertyName", StringComparison.OrdinalIgnoreCase);
            if (byValue != pageByValue || byName != pageByName || (!byValue && !byName && !pipeline.Equals("False", StringComparison.OrdinalIgnoreCase)))
                problems.Add($"-{p.Name}: pipeline input is {(byValue || byName ? $"True ({string.Join(", ", new[] { byValue ? "ByValue" : null, byName ? "ByPropertyName" : null }.OfType<string>())})" : "False")}, the page says '{pipeline}'");

            if (doc.Get("Accept wildcard characters") is not ("True" or "False"))
                problems.Add($"-{p.Name}: 'Accept wildcard characters' must be True or False");
        }
        Assert.True(problems.Count == 0, $"docs/{name}.md disagrees with the cmdlet: " + string.Join("; ", problems) + ".");
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_page_has_an_example(string name)
    {
        var page = ReadPage(name);
        Assert.True(page.Examples.Count > 0, $"docs/{name}.md has no '### Example 1: ...' under EXAMPLES.");
        foreach (var e in page.Examples)
        {
            Assert.True(e.Code.Length > 0, $"docs/{name}.md: '{e.Title}' has no code block.");
            Assert.True(e.Remarks.Length > 0, $"docs/{name}.md: '{e.Title}' does not say what the example does.");
        }
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Get_Help_shows_the_page(string name)
    {
        var page = ReadPage(name);
        var help = module.Run("Get-Help -Name $name -Full", ("name", name)).Output.Single();

        var synopsis = Flat(help.Properties["Synopsis"].Value?.ToString());
        Assert.True(Flat(page.Synopsis) == synopsis,
            $"Get-Help {name} shows the synopsis '{synopsis}' instead of the page's '{Flat(page.Synopsis)}': " +
            "is module/en-US/WorktreeTools.dll-Help.xml built from docs/, and does PowerShell find it (see docs/README.md)?");
        Assert.Equal(Flat(page.Description), Flat(Texts(help, "description")));

        var examples = module.Run("@((Get-Help -Name $name -Examples).examples.example)", ("name", name)).Output;
        Assert.Equal(page.Examples.Select(e => Flat(e.Code)), examples.Select(e => Flat(e.Properties["code"].Value?.ToString())));

        foreach (var p in ModuleFixture.DocumentedParameters(module.Command(name)))
        {
            var parameter = module.Run("Get-Help -Name $name -Parameter $parameter", ("name", name), ("parameter", p.Name)).Output.Single();
            var expected = page.Parameters.Single(d => d.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase)).Description;
            Assert.Equal(Flat(expected), Flat(Texts(parameter, "description")));
        }

        // Rendered text wraps at the host's width, so it is compared with all white space removed.
        var text = Squash(module.Session.Render($"Get-Help -Name {name} -Full"));
        Assert.Contains("SYNOPSIS", text);
        Assert.Contains(Squash(page.Synopsis), text);
        foreach (var e in page.Examples) Assert.Contains(Squash(e.Title), text);
        foreach (var p in ModuleFixture.DocumentedParameters(module.Command(name))) Assert.Contains($"-{p.Name}", text);
    }

    private static HelpPage ReadPage(string name)
    {
        Assert.True(File.Exists(HelpPage.PathOf(name)), $"{name} has no help page: add docs/{name}.md (see docs/README.md).");
        return HelpPage.Read(name);
    }

    /// <summary>The paragraphs of a MAML description property (<c>description.Text</c>), one after another.</summary>
    private static string Texts(PSObject help, string property) =>
        string.Join("\n\n", LanguagePrimitives.GetEnumerable(help.Properties[property]?.Value) is { } items
            ? items.Cast<object>().Select(i => PSObject.AsPSObject(i).Properties["Text"]?.Value?.ToString() ?? "")
            : []);

    /// <summary>Text with every run of white space as one space: markdown line breaks and help wrapping do not count.</summary>
    private static string Flat(string? s) => Regex.Replace(s ?? "", @"\s+", " ").Trim();

    private static string Squash(string? s) => Regex.Replace(s ?? "", @"\s+", "");

    private static HashSet<string> Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>A yaml value for one parameter set: "True" or per set "True (A), False (B)".</summary>
    private static string ForSet(string value, string? set)
    {
        foreach (Match m in Regex.Matches(value, @"(?<v>[^,()]+?)\s*\((?<s>[^)]+)\)"))
            if (set is null || m.Groups["s"].Value.Split(',').Select(s => s.Trim()).Contains(set)) return m.Groups["v"].Value.Trim();
        return Regex.Replace(value, @"\s*\(.*$", "").Trim();
    }

    private static string In(string? set) => set is null ? "" : $" in set {set}";
}
