using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace WorktreeTools.Completion;

/// <summary>
/// The base of completers that read the repository of the command being typed: its -Repository when given, else
/// the session's current location. Completion never throws at the user.
/// </summary>
public abstract class RepositoryCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var location = Bound(fakeBoundParameters, "Repository") ?? CurrentLocation() ?? Environment.CurrentDirectory;
            return Complete(location, wordToComplete.Trim('\'', '"'), fakeBoundParameters).ToList();
        }
        catch (Exception)
        {
            return [];
        }
    }

    /// <summary>The completions for <paramref name="prefix"/> in the repository that contains <paramref name="location"/>.</summary>
    protected abstract IEnumerable<CompletionResult> Complete(string location, string prefix, IDictionary bound);

    /// <summary>A parameter already typed on the command line, as text (the first of a list).</summary>
    protected static string? Bound(IDictionary bound, string name) => bound[name] switch
    {
        null => null,
        IEnumerable list and not string => list.Cast<object?>().FirstOrDefault()?.ToString(),
        var value => value.ToString(),
    };

    protected static bool Starts(string text, string prefix) => text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The session's current file-system location (not the process's working directory).</summary>
    private static string? CurrentLocation()
    {
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        return ps.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke<string>().FirstOrDefault();
    }
}

/// <summary>Completes issue ids from the registry of the repository, in the order the lists show them (2 before 10).</summary>
public sealed class IssueCompleter : RepositoryCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string location, string prefix, IDictionary bound) =>
        Commands.Completions.Issues(location)
            .Where(i => Starts(i.Issue, prefix))
            .OrderBy(i => i.Issue, Core.Worktrees.IssueId.Order)
            .Select(i => new CompletionResult(i.Issue, i.Issue, CompletionResultType.ParameterValue, $"{i.Branch}  {i.Path}"));
}

/// <summary>Completes branch names (-Base, -Into, -From): local ones and the remotes'.</summary>
public sealed class BranchCompleter : RepositoryCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string location, string prefix, IDictionary bound) =>
        Commands.Completions.Branches(location)
            .Where(b => Starts(b, prefix))
            .OrderBy(b => b, StringComparer.OrdinalIgnoreCase)
            .Select(b => new CompletionResult(b, b, CompletionResultType.ParameterValue, b));
}

/// <summary>Completes -Commit with the commits of the issue typed before it (its branch's own, newest first).</summary>
public sealed class CommitCompleter : RepositoryCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string location, string prefix, IDictionary bound) =>
        Bound(bound, "Issue") is { } issue
            ? Commands.Completions.Commits(location, issue)
                .Where(c => Starts(c.Sha, prefix))
                .Select(c => new CompletionResult(c.Sha, $"{c.Sha} {c.Subject}", CompletionResultType.ParameterValue, c.Subject))
            : [];
}

/// <summary>Completes agent run ids (-Id, -RunId), newest first; only the runs of the issue typed before, if any.</summary>
public sealed class RunCompleter : RepositoryCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string location, string prefix, IDictionary bound)
    {
        var issue = Bound(bound, "Issue");
        return Commands.Completions.Runs(location)
            .Where(r => Starts(r.Id, prefix) && (issue is null || r.Issue.Equals(issue, StringComparison.OrdinalIgnoreCase)))
            .Select(r => new CompletionResult(r.Id, $"{r.Id} (issue {r.Issue}, {r.Agent})", CompletionResultType.ParameterValue,
                $"issue {r.Issue}, {r.Agent}: {(r.Prompt.Length > 60 ? r.Prompt[..60] + "…" : r.Prompt)}"));
    }
}
