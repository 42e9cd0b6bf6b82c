namespace WorktreeTools;

/// <summary>How an error is classified. The names match PowerShell's ErrorCategory one to one.</summary>
public enum ErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    InvalidResult,
    ObjectNotFound,
    ResourceExists,
    ResourceBusy,
    ResourceUnavailable,
    NotInstalled,
    PermissionDenied,
    SecurityError,
    OperationStopped,
    OperationTimeout,
    LimitsExceeded,
    WriteError,
    ReadError,
    SyntaxError,
    ParserError,
    DeviceError,
}

/// <summary>
/// Every failure the engine reports. <see cref="ErrorId"/> is stable (no spaces or commas) and becomes
/// the FullyQualifiedErrorId of the ErrorRecord the cmdlets write.
/// </summary>
public class WorktreeToolsException : Exception
{
    public WorktreeToolsException(string errorId, ErrorKind kind, string message, object? target = null,
        Exception? inner = null, string? recommendedAction = null)
        : base(message, inner)
    {
        if (string.IsNullOrWhiteSpace(errorId) || errorId.IndexOfAny([' ', ',']) >= 0)
            throw new ArgumentException($"Error ids must be one word: '{errorId}'.", nameof(errorId));
        ErrorId = errorId;
        Kind = kind;
        Target = target;
        RecommendedAction = recommendedAction;
    }

    public string ErrorId { get; }
    public ErrorKind Kind { get; }
    public object? Target { get; }
    public string? RecommendedAction { get; }
}

/// <summary>A configuration file error, with the file, line, column and key it is about.</summary>
public sealed class ConfigurationException : WorktreeToolsException
{
    public ConfigurationException(string errorId, string file, int line, int column, string key, string problem)
        : base(errorId, ErrorKind.InvalidData, $"{file}:{line}:{column}: '{key}': {problem}", file)
    {
        File = file;
        Line = line;
        Column = column;
        Key = key;
        Problem = problem;
    }

    public string File { get; }
    public int Line { get; }
    public int Column { get; }
    public string Key { get; }
    public string Problem { get; }
}
