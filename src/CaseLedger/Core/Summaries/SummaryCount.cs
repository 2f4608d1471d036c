using System.Globalization;
using System.Text.Json;

namespace CaseLedger.Core.Summaries;

/// <summary>
/// What one document adds to one cell of a summary: <paramref name="N"/> to the counter
/// <paramref name="Counter"/> of the cell keyed by the summary's name, a period bucket (a civil day
/// <c>yyyy-MM-dd</c> or month <c>yyyy-MM</c>; empty for a summary with no period) and the values of
/// its dimensions (written as a JSON array of strings, so any value is safe in a key).
/// </summary>
public readonly record struct SummaryCount(string Summary, string Bucket, string Dimensions, string Counter, long N)
{
    /// <summary>A count of <paramref name="n"/> in the cell of <paramref name="bucket"/> and <paramref name="dimensions"/>.</summary>
    public static SummaryCount Of(string summary, string bucket, string counter, long n, params string[] dimensions) =>
        new(summary, bucket, Dims(dimensions), counter, n);

    /// <summary>The key of a cell, without its count.</summary>
    public SummaryCellKey Key => new(Summary, Bucket, Dimensions, Counter);

    /// <summary>Dimension values as cells key them: a JSON array of strings.</summary>
    public static string Dims(params string[] values) => JsonSerializer.Serialize(values);

    /// <summary>The dimension values of a cell's key.</summary>
    public static IReadOnlyList<string> ValuesOf(string dimensions) => JsonSerializer.Deserialize<string[]>(dimensions) ?? [];

    /// <summary>The civil day of an instant, <c>yyyy-MM-dd</c>, in the rule book's civil time.</summary>
    public static string Day(DateTimeOffset at, TimeSpan civilOffset) => at.ToOffset(civilOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The civil month of an instant, <c>yyyy-MM</c>, in the rule book's civil time.</summary>
    public static string Month(DateTimeOffset at, TimeSpan civilOffset) => at.ToOffset(civilOffset).ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

/// <summary>One cell of a summary, as stored: keyed by summary, bucket, dimensions and counter.</summary>
public readonly record struct SummaryCellKey(string Summary, string Bucket, string Dimensions, string Counter)
{
    public override string ToString() => $"{Summary} {Bucket} {Dimensions} {Counter}";
}
