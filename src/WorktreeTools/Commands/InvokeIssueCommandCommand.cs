using System.Collections.Concurrent;
using System.Management.Automation;
using WorktreeTools.Completion;

namespace WorktreeTools.Commands;

/// <summary>Runs a script block or a command line in an issue's worktree with the issue's environment (env file, PORT, ...).</summary>
// Get-IssueWorktree | Invoke-IssueCommand { ... }: the default set takes the script block at position 0, so that
// PowerShell does not give it to -Issue (and run it per piped object); "Invoke-IssueCommand 101 { ... }" still
// binds 101 to -Issue in the ScriptBlock set (a number or string is no script block).
[Cmdlet(VerbsLifecycle.Invoke, "IssueCommand", DefaultParameterSetName = PipedSet)]
[OutputType(typeof(object))]
public sealed class InvokeIssueCommandCommand : RepositoryCmdlet
{
    private const string PipedSet = "PipedScriptBlock";

    /// <summary>The issue whose worktree and environment to use.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ScriptBlock")]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Command")]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PipedSet)]
    [Alias("Number", "Id")]
    [AllowEmptyString]
    [IssueId]
    [ArgumentCompleter(typeof(IssueCompleter))]
    public string Issue { get; set; } = "";

    /// <summary>PowerShell to run in the worktree; its output is this cmdlet's output.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "ScriptBlock")]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PipedSet)]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    /// <summary>A command line run by the platform shell (/bin/sh or cmd.exe) in the worktree; stdout lines are output, stderr lines are shown.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Command")]
    public string Command { get; set; } = "";

    /// <summary>Arguments passed to the script block.</summary>
    [Parameter(ParameterSetName = "ScriptBlock", ValueFromRemainingArguments = true)]
    [Parameter(ParameterSetName = PipedSet, ValueFromRemainingArguments = true)]
    public object[] ArgumentList { get; set; } = [];

    /// <summary>Write an error (CommandFailed) when the command's exit code is not 0.</summary>
    [Parameter]
    public SwitchParameter ErrorOnFailure { get; set; }

    protected override void ProcessRecord() => Try(() =>
    {
        var engine = Engine.Worktrees(RepositoryPath, Operation);
        var worktree = engine.Existing(Issue);
        int exit;
        if (ParameterSetName == "Command")
        {
            // The command's lines arrive on other threads; this one writes them, as they come. When the pipeline
            // stops downstream (break, Select-Object -First, an error), WriteObject throws: the command is then
            // ended, its tree killed, and its last lines are drained, so that no line is handed to a gone consumer.
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Operation.Cancellation);
            var lines = new BlockingCollection<(string Line, bool Error)>();
            var run = Task.Run(() =>
            {
                try { return engine.RunCommand(worktree, Command, (line, error) => lines.Add((line, error)), cancel.Token); }
                finally { lines.CompleteAdding(); }
            });
            var consumed = false;
            try
            {
                foreach (var (line, error) in lines.GetConsumingEnumerable())
                {
                    if (error) WriteInformation(new HostInformationMessage { Message = line }, ["stderr", "PSHOST"]);
                    else WriteObject(line);
                }
                consumed = true;
            }
            finally
            {
                if (!consumed)
                {
                    cancel.Cancel();
                    foreach (var _ in lines.GetConsumingEnumerable()) { }
                    run.ContinueWith(t => t.Exception, TaskScheduler.Default).Wait();
                }
                lines.Dispose();
            }
            exit = run.GetAwaiter().GetResult();
        }
        else
        {
            exit = RunScriptBlock(worktree.Path, engine.IssueEnvironment(worktree));
        }
        SessionState.PSVariable.Set("global:LASTEXITCODE", exit);
        if (exit != 0 && ErrorOnFailure)
            throw new WorktreeToolsException("CommandFailed", ErrorKind.InvalidResult,
                $"'{(ParameterSetName == "Command" ? Command : ScriptBlock.ToString().Trim())}' failed in issue {Issue}'s worktree with exit code {exit}.", Issue);
    }, Issue);

    /// <summary>
    /// Runs the script block in this session with the worktree as location and the issue's variables in the
    /// environment, then puts both back. It runs as a steppable pipeline bound to this cmdlet, so its output and
    /// errors stream on through this cmdlet as they come (a `break` downstream ends it at once). Its exit code is
    /// $LASTEXITCODE as the block left it.
    /// </summary>
    private int RunScriptBlock(string path, IReadOnlyDictionary<string, string?> env)
    {
        var saved = env.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        var location = SessionState.Path.CurrentLocation;
        SessionState.PSVariable.Set("global:LASTEXITCODE", 0);
        try
        {
            foreach (var (k, v) in env) Environment.SetEnvironmentVariable(k, v);
            SessionState.Path.SetLocation(path);
            using var pipeline = InvokeBlock.GetSteppablePipeline(CommandOrigin.Internal, [ScriptBlock, ArgumentList]);
            pipeline.Begin(this);
            foreach (var result in pipeline.End()) WriteObject(result);
            return SessionState.PSVariable.GetValue("global:LASTEXITCODE") is int code ? code : 0;
        }
        finally
        {
            SessionState.Path.SetLocation(location.Path);
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
        }
    }

    /// <summary>Calls the user's script block (in a child scope, as &amp; does) with its arguments.</summary>
    private static readonly ScriptBlock InvokeBlock = ScriptBlock.Create("param($__block, $__arguments) & $__block @__arguments");
}
