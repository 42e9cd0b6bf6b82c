using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace WorktreeTools.Tests;

/// <summary>
/// A PowerShell host whose user interface writes plain text to a <see cref="TextWriter"/>: what
/// <c>Out-Default</c> renders with the module's format views, plus warnings, verbose and errors. Used by
/// the in-process test sessions (a buffer). It never prompts: prompts answer "no".
/// </summary>
public sealed partial class TextHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();
    private readonly TextUI _ui;

    public TextHost(TextWriter output, int width = 120) => _ui = new TextUI(output, width);

    public int? ExitCode { get; private set; }
    public override string Name => "WorktreeTools.TextHost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId => _id;
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    /// <summary>Progress records written while the host was in use.</summary>
    public IReadOnlyList<ProgressRecord> Progress => _ui.ProgressRecords;

    private sealed partial class TextUI(TextWriter output, int width) : PSHostUserInterface
    {
        private readonly TextRaw _raw = new(width);
        public List<ProgressRecord> ProgressRecords { get; } = [];
        public override PSHostRawUserInterface RawUI => _raw;
        // Plain text: ANSI styling (table headers, errors) is dropped, as with OutputRendering = PlainText.
        public override void Write(string value) { lock (output) output.Write(Ansi().Replace(value, "")); }
        public override void Write(ConsoleColor f, ConsoleColor b, string value) => Write(value);
        public override void WriteLine(string value) { lock (output) output.WriteLine(Ansi().Replace(value, "")); }

        [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
        private static partial Regex Ansi();
        public override void WriteErrorLine(string value) => WriteLine(value);
        public override void WriteDebugLine(string message) => WriteLine("DEBUG: " + message);
        public override void WriteVerboseLine(string message) => WriteLine("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => WriteLine("WARNING: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { lock (ProgressRecords) ProgressRecords.Add(record); }
        public override string ReadLine() => "";
        public override SecureString ReadLineAsSecureString() => new();
        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => [];
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException("This host cannot prompt.");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException("This host cannot prompt.");
        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
        {
            // Never waits for a person: takes the "No" choice when there is one.
            var no = choices.ToList().FindIndex(c => c.Label.Replace("&", "").StartsWith("No", StringComparison.OrdinalIgnoreCase));
            return no >= 0 ? no : defaultChoice;
        }
    }

    private sealed class TextRaw(int width) : PSHostRawUserInterface
    {
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override Size BufferSize { get; set; } = new(width, 9999);
        public override Size WindowSize { get; set; } = new(width, 50);
        public override Size MaxWindowSize => new(width, 50);
        public override Size MaxPhysicalWindowSize => new(width, 50);
        public override Coordinates WindowPosition { get; set; }
        public override string WindowTitle { get; set; } = "";
        public override bool KeyAvailable => false;
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    }
}
