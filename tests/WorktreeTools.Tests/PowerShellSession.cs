using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using WorktreeTools.Testing;

namespace WorktreeTools.Tests;

/// <summary>The outcome of one script run in a <see cref="PowerShellSession"/>.</summary>
public sealed record RunResult(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, string Text)
{
    public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();
    public IEnumerable<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]);
}

/// <summary>
/// A real PowerShell engine with the built module imported from its manifest on disk, as pwsh would,
/// and a text host that shows what Out-Default renders.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly StringWriter _text = new();
    private readonly Runspace _runspace;

    public PowerShellSession(string? location = null)
    {
        Host = new TextHost(_text, 200);
        _runspace = RunspaceFactory.CreateRunspace(Host, InitialSessionState.CreateDefault2());
        _runspace.Open();
        var r = Run($"$PSStyle.OutputRendering = 'PlainText'; $ProgressPreference = 'SilentlyContinue'; Import-Module '{TestEnvironment.ManifestPath}' -ErrorAction Stop");
        if (r.Errors.Count > 0) throw new InvalidOperationException("Import failed: " + r.Errors[0]);
        if (location is not null) SetLocation(location);
    }

    public TextHost Host { get; }

    public void SetLocation(string path) => _runspace.SessionStateProxy.Path.SetLocation(path);

    public string Location => _runspace.SessionStateProxy.Path.CurrentFileSystemLocation.ProviderPath;

    /// <summary>Runs <paramref name="script"/>; errors (terminating or not) are collected, never thrown.</summary>
    public RunResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        lock (_text) _text.GetStringBuilder().Clear();
        using var ps = PowerShell.Create(_runspace);
        if (variables is not null)
            foreach (var (k, v) in variables) _runspace.SessionStateProxy.SetVariable(k, v);
        ps.AddScript(script);
        var errors = new List<ErrorRecord>();
        Collection<PSObject> output = [];
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex) when (ex.ErrorRecord is not null)
        {
            errors.Add(ex.ErrorRecord);
        }
        errors.InsertRange(0, ps.Streams.Error);
        return new RunResult(output, errors, Rendered());
    }

    /// <summary>Runs <paramref name="script"/> piped to Out-Default and returns the text it rendered.</summary>
    public string Render(string script)
    {
        var r = Run(script + " | Out-Default");
        if (r.Errors.Count > 0) throw new InvalidOperationException(string.Join("\n", r.Errors));
        return r.Text;
    }

    private string Rendered() { lock (_text) return _text.ToString(); }

    public void Dispose() => _runspace.Dispose();
}
