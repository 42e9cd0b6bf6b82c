using System.Diagnostics;
using System.Text.RegularExpressions;
using WorktreeTools.Testing;

namespace WorktreeTools.Tests;

/// <summary>
/// Runs the real pwsh (the PowerShell 7.6.9 dotnet tool pinned in dotnet-tools.json, restored by
/// <c>dotnet tool restore</c>) in a separate process: the module imported from disk, as a user's pwsh would.
/// </summary>
public static partial class PwshProcess
{
    private static readonly Lazy<string> Entry = new(FindPwsh);

    /// <summary>pwsh.dll of the pinned PowerShell tool in the NuGet packages folder.</summary>
    public static string PwshDll => Entry.Value;

    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        // The dotnet that runs the tests, when the test host says which.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { WorkingDirectory = workingDirectory };
        psi.ArgumentList.Add(PwshDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Plain text: no ANSI colours in what the tests read.
        psi.Environment["NO_COLOR"] = "1";
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
        psi.RedirectStandardInput = true;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    private static string FindPwsh()
    {
        var manifest = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "dotnet-tools.json"));
        var version = PowerShellVersion().Match(manifest).Groups[1].Value;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", OperatingSystem.IsWindows() ? "win" : "unix", "pwsh.dll");
        return File.Exists(dll) ? dll
            : throw new InvalidOperationException($"PowerShell {version} is not restored ({dll} is missing): run 'dotnet tool restore' in {TestEnvironment.RepoRoot}.");
    }

    [GeneratedRegex("\"powershell\"\\s*:\\s*\\{\\s*\"version\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex PowerShellVersion();
}
