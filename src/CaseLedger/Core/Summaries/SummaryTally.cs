namespace CaseLedger.Core.Summaries;

/// <summary>
/// Counts by summary cell, added up in memory: the change one command makes (what its documents
/// contribute after, less what they contributed before), or a whole district folded again by a
/// rebuild or a verification. Cells that come to zero are dropped.
/// </summary>
public sealed class SummaryTally
{
    private readonly Dictionary<SummaryCellKey, long> _cells = [];

    /// <summary>The cells with a count other than zero.</summary>
    public IReadOnlyDictionary<SummaryCellKey, long> Cells => _cells;

    public bool IsEmpty => _cells.Count == 0;

    /// <summary>Adds every count, times <paramref name="sign"/> (+1 to add, -1 to take away).</summary>
    public SummaryTally Add(IEnumerable<SummaryCount> counts, int sign = 1)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var count in counts)
        {
            var key = count.Key;
            var n = _cells.GetValueOrDefault(key) + (sign * count.N);
            if (n == 0)
            {
                _cells.Remove(key);
            }
            else
            {
                _cells[key] = n;
            }
        }

        return this;
    }

    /// <summary>Adds what a document contributes to every summary declared over its type.</summary>
    public SummaryTally Add(IEnumerable<SummaryDeclaration> summaries, object? document, TimeSpan civilOffset, int sign = 1)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        foreach (var summary in summaries)
        {
            Add(summary.Of(document, civilOffset), sign);
        }

        return this;
    }

    /// <summary>
    /// The cells of one summary, as <see cref="SummaryStore.ReadAsync"/> reads them from the store, in
    /// buckets from <paramref name="from"/> to <paramref name="to"/>: the same reading over documents in memory.
    /// </summary>
    public IReadOnlyList<SummaryCell> Read(string summary, string? from = null, string? to = null) =>
        _cells.Where(c => c.Key.Summary == summary && (from is null || string.CompareOrdinal(c.Key.Bucket, from) >= 0)
                && (to is null || string.CompareOrdinal(c.Key.Bucket, to) <= 0))
            .Select(c => new SummaryCell(c.Key.Bucket, SummaryCount.ValuesOf(c.Key.Dimensions), c.Key.Counter, c.Value))
            .ToList();

    /// <summary>What these documents contribute to <paramref name="summary"/>.</summary>
    public static SummaryTally Of<TDoc>(SummaryDeclaration summary, IEnumerable<TDoc> documents, TimeSpan civilOffset) where TDoc : class
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(documents);
        var tally = new SummaryTally();
        foreach (var document in documents)
        {
            tally.Add(summary.Of(document, civilOffset));
        }

        return tally;
    }

    /// <summary>Adds another tally (a worker's part of a district).</summary>
    public SummaryTally Add(SummaryTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Add(other._cells.Select(c => new SummaryCount(c.Key.Summary, c.Key.Bucket, c.Key.Dimensions, c.Key.Counter, c.Value)));
    }

    /// <summary>The change a document's rewrite makes: what <paramref name="after"/> contributes less what <paramref name="before"/> did.</summary>
    public static SummaryTally Change(IEnumerable<SummaryDeclaration> summaries, object? before, object? after, TimeSpan civilOffset)
    {
        var list = summaries as IReadOnlyCollection<SummaryDeclaration> ?? summaries.ToList();
        return new SummaryTally().Add(list, after, civilOffset).Add(list, before, civilOffset, -1);
    }

    /// <summary>
    /// Where <paramref name="stored"/> differs from <paramref name="expected"/> (the fold of the events):
    /// each cell whose counts differ, with both counts (zero for a cell one side does not hold).
    /// </summary>
    public static IReadOnlyList<(SummaryCellKey Cell, long Expected, long Stored)> Differences(SummaryTally expected, IReadOnlyDictionary<SummaryCellKey, long> stored)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(stored);
        return expected._cells.Keys.Union(stored.Where(s => s.Value != 0).Select(s => s.Key))
            .Select(k => (Cell: k, Expected: expected._cells.GetValueOrDefault(k), Stored: stored.GetValueOrDefault(k)))
            .Where(d => d.Expected != d.Stored)
            .OrderBy(d => d.Cell.Summary, StringComparer.Ordinal).ThenBy(d => d.Cell.Bucket, StringComparer.Ordinal)
            .ThenBy(d => d.Cell.Dimensions, StringComparer.Ordinal).ThenBy(d => d.Cell.Counter, StringComparer.Ordinal)
            .ToList();
    }
}
