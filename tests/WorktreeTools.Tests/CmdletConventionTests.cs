using System.Management.Automation;
using System.Reflection;
using WorktreeTools.Testing;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Every exported cmdlet follows the module's conventions: approved verb, [OutputType], sealed &lt;Verb&gt;&lt;Noun&gt;Command.</summary>
public sealed class CmdletConventionTests(ModuleFixture module) : IClassFixture<ModuleFixture>
{
    public static IEnumerable<object[]> Cmdlets => ModuleManifest.Cmdlets;

    /// <summary>The approved verbs, as PowerShell defines them (Get-Verb is not in the hosted engine).</summary>
    private static readonly HashSet<string> ApprovedVerbs = new[]
        {
            typeof(VerbsCommon), typeof(VerbsCommunications), typeof(VerbsData), typeof(VerbsDiagnostic),
            typeof(VerbsLifecycle), typeof(VerbsOther), typeof(VerbsSecurity),
        }
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Cmdlet_uses_an_approved_verb(string name)
    {
        var verb = name[..name.IndexOf('-')];
        Assert.True(ApprovedVerbs.Contains(verb), $"{name}: '{verb}' is not an approved PowerShell verb.");
        Assert.Contains(verb, ApprovedVerbs, StringComparer.Ordinal); // also cased as PowerShell spells it
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Cmdlet_declares_its_output_type(string name)
    {
        var type = TypeOf(name);
        var declared = type.GetCustomAttributes<OutputTypeAttribute>().SelectMany(a => a.Type).ToList();
        Assert.True(declared.Count > 0, $"{name} ({type.Name}) has no [OutputType].");
        foreach (var t in declared)
            Assert.True(t.Type is not null, $"{name}: [OutputType] names '{t.Name}', which is not a loadable type.");
        Assert.NotEmpty(module.Command(name).OutputType);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Cmdlet_class_is_sealed_and_named_after_the_cmdlet(string name)
    {
        var type = TypeOf(name);
        Assert.Equal(name.Replace("-", "") + "Command", type.Name);
        Assert.True(type.IsSealed, $"{type.FullName} should be sealed.");
        Assert.Equal("WorktreeTools.Commands", type.Namespace);
    }

    /// <summary>The convention written in IssuesCmdlet: ids by value (strings, numbers, hashtables), objects by property name.</summary>
    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void An_issue_parameter_binds_the_way_users_pipe(string name)
    {
        if (!module.Command(name).Parameters.TryGetValue("Issue", out var issue)) return;
        Assert.All(issue.ParameterSets, s =>
        {
            Assert.True(s.Value.ValueFromPipeline, $"{name} -Issue ({s.Key}): not ValueFromPipeline.");
            Assert.True(s.Value.ValueFromPipelineByPropertyName, $"{name} -Issue ({s.Key}): not ValueFromPipelineByPropertyName.");
        });
        Assert.Contains("Number", issue.Aliases);
        Assert.Contains(issue.Attributes, a => a.GetType().Name == "IssueIdAttribute");
        Assert.Contains(issue.Attributes, a => a is ArgumentCompleterAttribute);
        if (!module.Command(name).Parameters.ContainsKey("Id") && !module.Command(name).Parameters.ContainsKey("RunId"))
            Assert.Equal(["Number", "Id"], issue.Aliases);   // a tracker's number before its id
        var repository = module.Command(name).Parameters["Repository"];
        Assert.Contains("RepositoryRoot", repository.Aliases);
        Assert.True(repository.ParameterSets.Values.All(s => s.ValueFromPipelineByPropertyName), $"{name} -Repository: not ValueFromPipelineByPropertyName.");
    }

    /// <summary>
    /// Export-Csv and ConvertTo-Csv write a property with ToString(): every list or map on an object about an issue
    /// (ItemList, PortMap) must read as its items, never as System.Collections.Generic.List`1[...].
    /// </summary>
    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Output_objects_read_as_text_where_PowerShell_exports_them(string name)
    {
        var types = TypeOf(name).GetCustomAttributes<OutputTypeAttribute>().SelectMany(a => a.Type).Select(t => t.Type)
            .OfType<Type>().Where(t => t.GetProperty("Issue") is not null && t.GetConstructor(Type.EmptyTypes) is not null);
        foreach (var type in types)
        {
            var instance = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties().Where(p => p.PropertyType != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(p.PropertyType)))
            {
                var text = property.GetValue(instance)?.ToString() ?? "";
                Assert.False(text.StartsWith("System.", StringComparison.Ordinal) || text.Contains('`'),
                    $"{type.Name}.{property.Name} reads as '{text}': make it an ItemList or a PortMap.");
            }
        }
    }

    private Type TypeOf(string name) =>
        module.CmdletTypes.TryGetValue(name, out var type)
            ? type
            : throw new Xunit.Sdk.XunitException($"The manifest exports {name}, but no cmdlet class in the module declares it.");
}
