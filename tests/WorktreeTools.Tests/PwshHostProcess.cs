using System.Diagnostics;
using WorktreeTools.Testing;

namespace WorktreeTools.Tests;

/// <summary>Runs tools/PwshHost in a separate process: the module imported from disk, as a fresh pwsh would.</summary>
public static class PwshHostProcess
{
    public static string HostPath => Path.Combine(TestEnvironment.RepoRoot, "tools", "PwshHost", "bin", "PwshHost.dll");

    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        // The dotnet that runs the tests, when the test host says which.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { WorkingDirectory = workingDirectory };
        psi.ArgumentList.Add(HostPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs to the end; returns the exit code, standard output and standard error.</summary>
    public static (int ExitCode, string Output, string Error) Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, null, args);

    public static (int ExitCode, string Output, string Error) Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = StartInfo(workingDirectory, args);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }
}
