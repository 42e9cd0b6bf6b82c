using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace WorktreeTools.Commands;

/// <summary>
/// Turns what users pass or pipe as an issue into its id: numbers (issue trackers hand them out as numbers,
/// <c>ConvertFrom-Json</c> as Int64) become their digits, a hashtable its <c>Issue</c>, <c>Number</c> or
/// <c>Id</c> entry (hashtables have no properties to bind by name). Objects are left alone: they bind by
/// property name, whose value comes back here. Without it a number needs coercion, and PowerShell coerces the
/// whole piped object to a string first (<c>'@{number=201}'</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class IssueIdAttribute : ArgumentTransformationAttribute
{
    /// <summary>The keys of a hashtable that name the issue, in the order the parameter's aliases bind them.</summary>
    private static readonly string[] Keys = ["Issue", "Number", "Id"];

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => ToId(inputData);

    private static object? ToId(object? value)
    {
        var inner = value is PSObject { BaseObject: not PSCustomObject } ps ? ps.BaseObject : value;
        switch (inner)
        {
            case string:
                return inner;
            case IDictionary dictionary:
                foreach (var key in Keys)
                    foreach (DictionaryEntry entry in dictionary)
                        if (entry.Key is string k && k.Equals(key, StringComparison.OrdinalIgnoreCase))
                            return ToId(entry.Value);
                return value;
            case IList list:
                return list.Cast<object?>().Select(ToId).ToArray();
            case sbyte or byte or short or ushort or int or uint or long or ulong or decimal:
                return Convert.ToString(inner, CultureInfo.InvariantCulture);
            default:
                return value;
        }
    }
}
