using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace WorktreeTools.Completion;

/// <summary>Completes issue ids from the registry of the repository at the current location.</summary>
public sealed class IssueCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var location = fakeBoundParameters["Repository"] as string ?? CurrentLocation() ?? Environment.CurrentDirectory;
            return Complete(location, wordToComplete.Trim('\'', '"'));
        }
        catch (Exception)
        {
            return []; // completion never throws at the user
        }
    }

    /// <summary>The session's current file-system location (not the process's working directory).</summary>
    private static string? CurrentLocation()
    {
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        return ps.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke<string>().FirstOrDefault();
    }

    /// <summary>Issue ids of the repository that contains <paramref name="location"/> that start with <paramref name="prefix"/>.</summary>
    internal static IEnumerable<CompletionResult> Complete(string location, string prefix) =>
        Commands.Completions.Issues(location)
            .Where(i => i.Issue.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => i.Issue, StringComparer.OrdinalIgnoreCase)
            .Select(i => new CompletionResult(i.Issue, i.Issue, CompletionResultType.ParameterValue, $"{i.Branch}  {i.Path}"));
}
