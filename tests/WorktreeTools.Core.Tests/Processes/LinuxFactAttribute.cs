using Xunit;

namespace WorktreeTools.Core.Tests.Processes;

/// <summary>A test of Linux behaviour (/proc, setsid, signals): skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux only: it inspects /proc and uses POSIX shells.";
    }
}

/// <summary>A data-driven test of Linux behaviour: skipped elsewhere.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux only: it inspects /proc and uses POSIX shells.";
    }
}
