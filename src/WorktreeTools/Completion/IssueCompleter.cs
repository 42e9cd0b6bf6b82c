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
            var location = fakeBoundParameters["Repository"] as string
                ?? System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.SessionStateProxy.Path.CurrentFileSystemLocation.ProviderPath
                ?? Environment.CurrentDirectory;
            return Complete(location, wordToComplete.Trim('\'', '"'));
        }
        catch (Exception)
        {
            return []; // completion never throws at the user
        }
    }

    /// <summary>Issue ids of the repository that contains <paramref name="location"/> that start with <paramref name="prefix"/>.</summary>
    internal static IEnumerable<CompletionResult> Complete(string location, string prefix) =>
        Commands.Completions.Issues(location)
            .Where(i => i.Issue.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => i.Issue, StringComparer.OrdinalIgnoreCase)
            .Select(i => new CompletionResult(i.Issue, i.Issue, CompletionResultType.ParameterValue, $"{i.Branch}  {i.Path}"));
}
