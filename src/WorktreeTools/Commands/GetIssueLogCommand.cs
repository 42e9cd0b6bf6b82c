using System.Management.Automation;
using WorktreeTools.Completion;

namespace WorktreeTools.Commands;

/// <summary>Where a log comes from.</summary>
public enum IssueLogSource { DevServer, Agent, Install }

/// <summary>Reads, or follows, the log of an issue's dev server, agent run or install.</summary>
[Cmdlet(VerbsCommon.Get, "IssueLog")]
[OutputType(typeof(string))]
public sealed class GetIssueLogCommand : RepositoryCmdlet
{
    /// <summary>The issue whose log to read.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Number")]
    [AllowEmptyString]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string Issue { get; set; } = "";

    /// <summary>Which log: DevServer (default), Agent (the latest run, or -RunId) or Install.</summary>
    [Parameter(Position = 1)]
    public IssueLogSource Source { get; set; } = IssueLogSource.DevServer;

    /// <summary>An agent run id (implies -Source Agent).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(RunCompleter))]
    public string? RunId { get; set; }

    /// <summary>How many of the last lines to show (default 50; 0 for none, with -Wait).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Tail { get; set; } = 50;

    /// <summary>Keep reading new lines as they are written, until the process ends (a dev server: and is not restarted), -Timeout, or Ctrl+C.</summary>
    [Parameter]
    [Alias("Follow")]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait, stop following after this many seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Timeout { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var engine = Engine.Worktrees(RepositoryPath, Operation);
        var source = RunId is not null ? IssueLogSource.Agent : Source;
        var timeout = Timeout is { } t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
        var lines = source switch
        {
            IssueLogSource.Agent => engine.AgentLog(RunId ?? Issue, Tail, Wait, timeout),
            IssueLogSource.Install => engine.InstallLog(Issue, Tail),
            _ => engine.DevServerLog(Issue, Tail, Wait, timeout),
        };
        foreach (var line in lines) WriteObject(line);
    }, Issue);
}
