using System.Globalization;

namespace CaseLedger.Core.Summaries;

/// <summary>The grain of a reading's period: civil months (<c>yyyy-MM</c>) or civil days (<c>yyyy-MM-dd</c>).</summary>
public enum PeriodGrain
{
    Month,
    Day,
}

/// <summary>
/// The period a district reading covers, read strictly from the query's <c>from</c> and <c>to</c>
/// (both included, each optional, written in the reading's grain); they bound the summary buckets read.
/// </summary>
public sealed record ReadingPeriod(string? From, string? To)
{
    public const string MonthInvalidCode = "reading.month_invalid";
    public const string DayInvalidCode = "reading.day_invalid";
    public const string PeriodInvalidCode = "reading.period_invalid";

    public static readonly Refusal MonthInvalid = new(MonthInvalidCode, RejectionKind.Invalid);
    public static readonly Refusal DayInvalid = new(DayInvalidCode, RejectionKind.Invalid);
    public static readonly Refusal PeriodInvalid = new(PeriodInvalidCode, RejectionKind.Invalid);

    /// <summary>The whole of the district's history.</summary>
    public static ReadingPeriod All { get; } = new(null, null);

    /// <summary>The codes a reading of this grain may refuse with.</summary>
    public static IReadOnlyList<string> CodesOf(PeriodGrain grain) =>
        [grain == PeriodGrain.Month ? MonthInvalidCode : DayInvalidCode, PeriodInvalidCode];

    /// <summary>Reads <c>from</c> and <c>to</c> strictly: each given value well formed in the grain, and the period not ending before it starts.</summary>
    public static (ReadingPeriod? Period, Rejection? Refused) Read(IReadOnlyDictionary<string, string> values, PeriodGrain grain)
    {
        ArgumentNullException.ThrowIfNull(values);
        string? Value(string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var (from, to) = (Value("from"), Value("to"));
        var format = grain == PeriodGrain.Month ? "yyyy-MM" : "yyyy-MM-dd";
        bool Valid(string? text) => text is null || DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        if (!Valid(from) || !Valid(to))
        {
            return (null, grain == PeriodGrain.Month
                ? MonthInvalid.Because("from and to are months, written yyyy-MM (e.g. 2026-11).")
                : DayInvalid.Because("from and to are days, written yyyy-MM-dd (e.g. 2026-11-30)."));
        }

        if (from is not null && to is not null && string.CompareOrdinal(from, to) > 0)
        {
            return (null, PeriodInvalid.Because($"The period starts ({from}) after it ends ({to})."));
        }

        return (new ReadingPeriod(from, to), null);
    }

    /// <summary>Whether a bucket of the same grain lies in the period.</summary>
    public bool Covers(string bucket) =>
        (From is null || string.CompareOrdinal(bucket, From) >= 0) && (To is null || string.CompareOrdinal(bucket, To) <= 0);
}
