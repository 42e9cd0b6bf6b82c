using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace WorktreeTools.Completion;

/// <summary>Completes the agent presets.</summary>
public sealed class AgentCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Core.Processes.AgentCommand.Presets.Keys.Where(p => p.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p));
}
