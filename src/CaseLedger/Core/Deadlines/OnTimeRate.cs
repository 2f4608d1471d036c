using System.Globalization;
using Marten;

namespace CaseLedger.Core.Deadlines;

/// <summary>How many settled deadlines of one kind that fell due in one month (civil time, <c>yyyy-MM</c>) were met on time.</summary>
public sealed record OnTimeByKind(string Kind, string Month, int Settled, int OnTime, decimal Rate);

/// <summary>A district's on-time rate over every kind, as a service centre reports it, and by kind and month.</summary>
public sealed record DistrictOnTimeRate(int Settled, int OnTime, decimal? Rate, IReadOnlyList<OnTimeByKind> Rows);

/// <summary>
/// The on-time rate of a district's deadlines, whatever their kind: a deadline counts once it is
/// settled (met on time, met late, or breached), in the month it fell due. Worked out from the
/// <see cref="CaseDeadlines"/> kept from the events, so a rebuild gives the same.
/// </summary>
public static class OnTimeRate
{
    public static async Task<DistrictOnTimeRate> OfDistrictAsync(IQuerySession session, TimeSpan civilOffset, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Of(await session.Query<CaseDeadlines>().ToListAsync(ct), civilOffset);
    }

    public static DistrictOnTimeRate Of(IEnumerable<CaseDeadlines> cases, TimeSpan civilOffset)
    {
        var settled = cases
            .SelectMany(c => c.Book.All.Where(DeadlineReading.IsSettled).Select(d => (c.Kind,
                Month: d.DueAt.ToOffset(civilOffset).ToString("yyyy-MM", CultureInfo.InvariantCulture), OnTime: d.OnTime == true)))
            .ToList();
        var rows = settled
            .GroupBy(s => (s.Kind, s.Month))
            .Select(g => new OnTimeByKind(g.Key.Kind, g.Key.Month, g.Count(), g.Count(s => s.OnTime), Share(g.Count(s => s.OnTime), g.Count())!.Value))
            .OrderBy(r => r.Month, StringComparer.Ordinal).ThenBy(r => r.Kind, StringComparer.Ordinal)
            .ToList();
        var onTime = settled.Count(s => s.OnTime);
        return new DistrictOnTimeRate(settled.Count, onTime, Share(onTime, settled.Count), rows);
    }

    private static decimal? Share(int part, int whole) =>
        whole == 0 ? null : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);
}
