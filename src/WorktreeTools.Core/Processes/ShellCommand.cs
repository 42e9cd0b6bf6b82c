using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace WorktreeTools.Core.Processes;

/// <summary>The shells a command line can be written for.</summary>
public enum Shell { Posix, Cmd }

/// <summary>
/// A command line ready for the platform shell. Token values are never part of <see cref="Text"/>: each is an
/// environment variable in <see cref="Variables"/> that the text refers to (quoted), so a value reaches the
/// command as data and is never read as shell syntax.
/// </summary>
public sealed record ShellLine(string Text, IReadOnlyDictionary<string, string> Variables)
{
    /// <summary><paramref name="env"/> with <see cref="Variables"/> added: what the command must run with.</summary>
    public Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? env)
    {
        var result = new Dictionary<string, string?>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) result[k] = v;
        foreach (var (k, v) in Variables) result[k] = v;
        return result;
    }

    public override string ToString() => Text;
}

/// <summary>
/// Runs one configured command line (install, test gate, lockfile regeneration, hooks, Invoke-IssueCommand)
/// through the platform shell in a folder, with extra environment variables.
/// </summary>
public static partial class ShellCommand
{
    /// <summary>The prefix of the variables that carry token values (<c>{branch}</c> → <c>WTT_BRANCH</c>).</summary>
    public const string VariablePrefix = "WTT_";

    public static Shell Current => OperatingSystem.IsWindows() ? Shell.Cmd : Shell.Posix;

    /// <summary>
    /// Expands the tokens of a command template for <paramref name="shell"/>: a value made of digits only (a port)
    /// is written as is; any other value goes into a variable the text refers to, quoted for the place the token
    /// stands in (outside quotes, inside "..." or inside '...'), so that no value is ever parsed by the shell:
    /// <c>"${WTT_BRANCH}"</c> for sh, <c>"!WTT_BRANCH!"</c> for cmd.exe (run with delayed expansion, which expands
    /// after the line is parsed). With <paramref name="lenient"/> brace text that is no known token stays (typed commands).
    /// </summary>
    public static ShellLine Prepare(string template, IReadOnlyDictionary<string, string> tokens, bool lenient = false, Shell? shell = null)
    {
        var target = shell ?? Current;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = Config.Template.Expand(template, tokens, lenient, (token, value, index) =>
        {
            if (value.Length > 0 && value.All(char.IsAsciiDigit)) return value;
            var name = VariablePrefix + new string(token.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
            variables[name] = value;
            return Reference(name, QuoteAt(template, index, target), target);
        });
        return new ShellLine(text, variables);
    }

    private enum Quote { None, Single, Double }

    /// <summary>
    /// The quoting in force at <paramref name="index"/> of a command line. For sh, <c>$( )</c>, <c>( )</c> and
    /// backticks open a new level where quoting starts afresh (<c>"$(echo {x})"</c> is unquoted at the token).
    /// </summary>
    private static Quote QuoteAt(string line, int index, Shell shell)
    {
        var levels = new Stack<(Quote Quote, char Closer)>();
        levels.Push((Quote.None, '\0'));
        for (var i = 0; i < index; i++)
        {
            var c = line[i];
            var (q, closer) = levels.Peek();
            void Set(Quote to) { levels.Pop(); levels.Push((to, closer)); }
            if (shell == Shell.Cmd)
            {
                if (q == Quote.None && c == '^') i++;
                else if (c == '"') Set(q == Quote.None ? Quote.Double : Quote.None);
                continue;
            }
            switch (q)
            {
                case Quote.Single:
                    if (c == '\'') Set(Quote.None);
                    break;
                case Quote.Double when c == '\\':
                case Quote.None when c == '\\':
                    i++; // the next character is escaped
                    break;
                case Quote.Double when c == '$' && i + 1 < index && line[i + 1] == '(':
                    levels.Push((Quote.None, ')'));
                    i++;
                    break;
                case Quote.Double when c == '`':
                case Quote.None when c == '`':
                    if (closer == '`') levels.Pop();
                    else levels.Push((Quote.None, '`'));
                    break;
                case Quote.Double when c == '"':
                    Set(Quote.None);
                    break;
                case Quote.None when c == '"':
                    Set(Quote.Double);
                    break;
                case Quote.None when c == '\'':
                    Set(Quote.Single);
                    break;
                case Quote.None when c == '(':
                    levels.Push((Quote.None, ')'));
                    break;
                case Quote.None when c == ')' && closer == ')' && levels.Count > 1:
                    levels.Pop();
                    break;
            }
        }
        return levels.Peek().Quote;
    }

    private static string Reference(string name, Quote quote, Shell shell) => (shell, quote) switch
    {
        (Shell.Cmd, Quote.Double) => $"!{name}!",
        (Shell.Cmd, _) => $"\"!{name}!\"",
        (Shell.Posix, Quote.Double) => $"${{{name}}}",
        (Shell.Posix, Quote.Single) => $"'\"${{{name}}}\"'",   // close '...', the quoted variable, reopen
        _ => $"\"${{{name}}}\"",
    };

    [GeneratedRegex("![A-Za-z_][A-Za-z0-9_]*!")]
    private static partial Regex DelayedReference();

    /// <summary>The Unix shell and its arguments for a command line.</summary>
    internal static IReadOnlyList<string> UnixArgv(string command) => ["/bin/sh", "-c", command];

    /// <summary>
    /// The shell and its arguments for a command line: <c>/bin/sh -c</c>, or <c>cmd.exe /d /s /c</c> (with
    /// <c>/v:on</c> when the line refers to a variable as <c>!NAME!</c>, as <see cref="Prepare"/> writes them).
    /// </summary>
    public static ProcessStartInfo StartInfo(string command, string workDir, IReadOnlyDictionary<string, string?>? env)
    {
        ProcessStartInfo psi;
        if (OperatingSystem.IsWindows())
        {
            psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("ComSpec") ?? "cmd.exe") { Arguments = CmdArguments(command) };
        }
        else
        {
            var argv = UnixArgv(command);
            psi = new ProcessStartInfo(argv[0]);
            foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        }
        psi.WorkingDirectory = workDir;
        psi.UseShellExecute = false;
        psi.CreateNoWindow = true;
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>cmd.exe's arguments for a command line.</summary>
    internal static string CmdArguments(string command) =>
        (DelayedReference().IsMatch(command) ? "/d /v:on /s /c \"" : "/d /s /c \"") + command + "\"";

    /// <summary>Runs <paramref name="command"/> to the end and returns its exit code; output goes to <paramref name="logPath"/>.</summary>
    public static int Run(string command, string workDir, IReadOnlyDictionary<string, string?>? env, string logPath,
        CancellationToken cancel = default, Action<string>? onLine = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        log.WriteLine($"# {DateTime.Now:yyyy-MM-dd HH:mm:ss} in {workDir}: {command}");
        var code = Stream(command, workDir, env, (line, _) =>
        {
            lock (log) log.WriteLine(line);
            onLine?.Invoke(line);
        }, cancel);
        lock (log) log.WriteLine($"# exit code {code}");
        return code;
    }

    /// <summary>
    /// Runs <paramref name="command"/> to the end, handing each line of its output to <paramref name="onLine"/>
    /// (with <c>true</c> for stderr), and returns its exit code. Cancellation kills the whole process tree.
    /// </summary>
    public static int Stream(string command, string workDir, IReadOnlyDictionary<string, string?>? env,
        Action<string, bool> onLine, CancellationToken cancel = default)
    {
        if (!Directory.Exists(workDir))
            throw new WorktreeToolsException("WorkingDirectoryNotFound", ErrorKind.ObjectNotFound, $"Cannot run '{command}': the folder {workDir} does not exist.", workDir);
        var psi = StartInfo(command, workDir, env);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data, false); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data, true); };
        try { p.Start(); }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new WorktreeToolsException("CommandStartFailed", ErrorKind.NotInstalled, $"Could not start '{command}': {ex.Message}", command, ex);
        }
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using (cancel.Register(() => { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            p.WaitForExit();
        cancel.ThrowIfCancellationRequested();
        return p.ExitCode;
    }
}
