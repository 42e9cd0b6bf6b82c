using System.Management.Automation;
using System.Management.Automation.Runspaces;
using WorktreeTools.Hosting;

// pwsh-like entry point:  PwshHost [-NoProfile] (-Command <text> | -File <script.ps1> [args...])
// Output goes through Out-Default, so format views render as in pwsh. Exit code: the script's `exit N`,
// else 1 when any error was written, else 0.
string? command = null, file = null;
var scriptArgs = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    var a = args[i];
    if (file is not null) { scriptArgs.Add(a); continue; }
    if (a.Equals("-NoProfile", StringComparison.OrdinalIgnoreCase) || a.Equals("-NonInteractive", StringComparison.OrdinalIgnoreCase)) continue;
    if ((a.Equals("-Command", StringComparison.OrdinalIgnoreCase) || a.Equals("-c", StringComparison.OrdinalIgnoreCase)) && i + 1 < args.Length) { command = string.Join(' ', args[(i + 1)..]); break; }
    if ((a.Equals("-File", StringComparison.OrdinalIgnoreCase) || a.Equals("-f", StringComparison.OrdinalIgnoreCase)) && i + 1 < args.Length) { file = args[++i]; continue; }
    Console.Error.WriteLine($"Unknown argument '{a}'. Usage: PwshHost [-NoProfile] (-Command <text> | -File <script.ps1> [args...])");
    return 64;
}
if (command is null && file is null) { Console.Error.WriteLine("Usage: PwshHost [-NoProfile] (-Command <text> | -File <script.ps1> [args...])"); return 64; }

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
var host = new TextHost(stdout, Console.IsOutputRedirected ? 160 : Math.Max(80, Console.WindowWidth));
var iss = InitialSessionState.CreateDefault2();
if (OperatingSystem.IsWindows()) iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
using var runspace = RunspaceFactory.CreateRunspace(host, iss);
runspace.Open();
using var ps = PowerShell.Create(runspace);
if (Console.IsOutputRedirected)
{
    ps.AddScript("$PSStyle.OutputRendering = 'PlainText'").Invoke();
    ps.Commands.Clear();
}
if (file is not null)
{
    ps.AddCommand(Path.GetFullPath(file));
    foreach (var a in scriptArgs) ps.AddArgument(a);
}
else
{
    ps.AddScript(command!);
}
ps.AddCommand("Out-Default");
ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; ps.BeginStop(null, null); };
var failed = false;
try
{
    ps.Invoke();
    failed = ps.HadErrors;
}
catch (RuntimeException ex)
{
    stdout.WriteLine(ex.ErrorRecord?.ToString() ?? ex.Message);
    failed = true;
}
return host.ExitCode ?? (failed ? 1 : 0);
