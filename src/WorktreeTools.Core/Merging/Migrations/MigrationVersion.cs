using System.Globalization;

namespace WorktreeTools.Core.Merging.Migrations;

/// <summary>How a migration's version counts: a sequence number, or a point in time in one of the layouts tools write.</summary>
internal enum VersionStyle { Sequence, Seconds14, Minutes12, EpochMilliseconds, EpochSeconds }

/// <summary>
/// The version part of a migration's name (<c>0002</c>, <c>20261129110000</c>, Diesel's <c>2026-11-29-110000</c>,
/// Drizzle's <c>when</c>): its digits as a number to order by, and the way to write another number in the same layout
/// (same width, same separators). A timestamp's next value is always a real instant: one second after
/// <c>20261231235959</c> is <c>20270101000000</c>, never <c>20261231235960</c>.
/// </summary>
internal readonly record struct MigrationVersion(string Text, long Value, VersionStyle Style)
{
    private static readonly string[] Formats14 = ["yyyyMMddHHmmss"];
    private static readonly string[] Formats12 = ["yyyyMMddHHmm"];

    /// <summary>Null when <paramref name="text"/> holds no digits or too many to order by.</summary>
    public static MigrationVersion? Parse(string text)
    {
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length is 0 or > 18 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return null;
        return new MigrationVersion(text, value, StyleOf(digits));
    }

    /// <summary>A version of the given style and value (Drizzle's <c>when</c>, milliseconds since 1970).</summary>
    public static MigrationVersion Of(long value, VersionStyle style) =>
        new(value.ToString(CultureInfo.InvariantCulture), value, style);

    public bool IsTimestamp => Style != VersionStyle.Sequence;

    /// <summary>The smallest version of this style after <paramref name="after"/>: the next number, or the next valid instant.</summary>
    public MigrationVersion Next(long after) => With(Style switch
    {
        VersionStyle.Seconds14 => NextInstant(after, 14),
        VersionStyle.Minutes12 => NextInstant(after, 12),
        _ => after + 1,
    });

    /// <summary>This version's layout (width, separators) holding <paramref name="value"/>.</summary>
    public MigrationVersion With(long value)
    {
        var digitCount = Text.Count(char.IsAsciiDigit);
        var digits = value.ToString(CultureInfo.InvariantCulture).PadLeft(digitCount, '0');
        // More digits than the layout holds (0999 -> 1000 in a 3-digit layout): the extra ones go in front.
        var extra = digits.Length - digitCount;
        var chars = new System.Text.StringBuilder(digits[..extra]);
        var next = extra;
        foreach (var c in Text) chars.Append(char.IsAsciiDigit(c) ? digits[next++] : c);
        return new MigrationVersion(chars.ToString(), value, Style);
    }

    private static VersionStyle StyleOf(string digits) => digits.Length switch
    {
        14 when LooksLikeInstant(digits) => VersionStyle.Seconds14,
        12 when LooksLikeInstant(digits) => VersionStyle.Minutes12,
        13 when digits[0] != '0' => VersionStyle.EpochMilliseconds,
        10 when digits[0] != '0' => VersionStyle.EpochSeconds,
        _ => VersionStyle.Sequence,
    };

    /// <summary>A <c>yyyyMMddHHmm[ss]</c> layout: a year this side of 1970, whether or not the rest is a valid instant (<c>20261231235960</c> is one, wrongly).</summary>
    private static bool LooksLikeInstant(string digits) => int.Parse(digits.AsSpan(0, 4), CultureInfo.InvariantCulture) is >= 1970 and <= 2999;

    /// <summary>
    /// The first valid <c>yyyyMMddHHmm[ss]</c> instant after <paramref name="after"/>, also when <paramref name="after"/>
    /// itself is no valid instant (such as <c>20261231235960</c>, which an older renumbering could have written).
    /// </summary>
    private static long NextInstant(long after, int width)
    {
        var text = after.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        if (text.Length > width) return after + 1;
        var parts = Enumerable.Range(0, width / 2 - 1).Select(i => i == 0 ? Part(text, 0, 4) : Part(text, 2 + 2 * i, 2)).ToArray();
        // Walk from the year down: at the first part below its range the answer is that part at its minimum; at the
        // first part above its range, the start of the next period of the part before it.
        for (var i = 0; i < parts.Length; i++)
        {
            var min = i <= 2 ? 1 : 0;
            var max = i switch { 0 => 9999, 1 => 12, 2 => DateTime.DaysInMonth(parts[0], parts[1]), 3 => 23, _ => 59 };
            if (parts[i] < min) return Format(Instant(parts, i, min), width);
            if (parts[i] > max) return Format(AddUnit(Instant(parts, i, min), i - 1), width);
        }
        return Format(AddUnit(Instant(parts, parts.Length, 0), parts.Length - 1), width);
    }

    private static int Part(string text, int start, int length) => int.Parse(text.AsSpan(start, length), CultureInfo.InvariantCulture);

    /// <summary>The instant whose parts before <paramref name="index"/> are <paramref name="parts"/>'s, part <paramref name="index"/> is <paramref name="value"/>, the rest at their minimum.</summary>
    private static DateTime Instant(int[] parts, int index, int value)
    {
        int At(int i) => i < index ? parts[i] : i == index ? value : i <= 2 ? 1 : 0;
        return new DateTime(At(0), At(1), At(2), At(3), At(4), parts.Length > 5 ? At(5) : 0, DateTimeKind.Unspecified);
    }

    private static DateTime AddUnit(DateTime t, int part) => part switch
    {
        0 => t.AddYears(1),
        1 => t.AddMonths(1),
        2 => t.AddDays(1),
        3 => t.AddHours(1),
        4 => t.AddMinutes(1),
        _ => t.AddSeconds(1),
    };

    private static long Format(DateTime t, int width) =>
        long.Parse(t.ToString(width == 14 ? Formats14[0] : Formats12[0], CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
