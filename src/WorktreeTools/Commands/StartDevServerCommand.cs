using System.Management.Automation;
using WorktreeTools.Processes;

namespace WorktreeTools.Commands;

/// <summary>Starts each issue's dev server, detached, with the issue's environment and ports, and waits until it is ready.</summary>
[Cmdlet(VerbsLifecycle.Start, "DevServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DevServer))]
public sealed class StartDevServerCommand : IssuesCmdlet, IDisposable
{
    // Servers to wait for in EndProcessing, in their repository, and whether this command launched them (else:
    // another session's, still starting).
    private readonly List<(string Issue, string Repository, bool Launched)> _starting = [];
    private readonly DateTime _began = DateTime.UtcNow;

    /// <summary>The command to run instead of devServer.command or the detected package.json "dev" script.</summary>
    [Parameter]
    public string? Command { get; set; }

    /// <summary>Return at once (State Starting) instead of waiting until each server is ready.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    // Every server is started first, so that they start side by side; then each is waited for.
    protected override void ProcessRecord()
    {
        foreach (var issue in Issue)
            Try(() =>
            {
                var repository = RepositoryPath;
                var server = Engine.Worktrees(repository, Operation).StartDevServer(issue, Command, wait: false);
                if (server is null) return;
                if (NoWait || server.State == ProcessState.Running) WriteObject(server);
                else if (!_starting.Any(s => s.Issue == server.Issue && s.Repository == repository))
                    _starting.Add((server.Issue, repository, server.StartedAt.ToUniversalTime() >= _began));
            }, issue);
    }

    protected override void EndProcessing()
    {
        while (_starting.Count > 0)
        {
            var first = _starting[0];
            Try(() =>
            {
                // On early exit, timeout or Ctrl+C the engine stops the server itself.
                var server = Engine.Worktrees(first.Repository, Operation).WaitForDevServer(first.Issue);
                _starting.RemoveAt(0);
                WriteObject(server);
            }, first.Issue);
            if (_starting.Count > 0 && _starting[0] == first) _starting.RemoveAt(0);
        }
    }

    /// <summary>
    /// When the pipeline was stopped (Ctrl+C, or a break downstream) before this command saw its servers ready,
    /// EndProcessing did not run or did not finish: the servers it launched and never reported are stopped, so
    /// that none is left starting with nobody watching.
    /// </summary>
    public void Dispose()
    {
        foreach (var (issue, repository, _) in _starting.Where(s => s.Launched))
        {
            try { Engine.Worktrees(repository, new SilentHost()).StopDevServer(issue); }
            catch (WorktreeToolsException) { }   // gone already, or its record was removed: nothing to stop
        }
        _starting.Clear();
    }
}
