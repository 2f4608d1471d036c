using System.Globalization;
using Marten;

namespace CaseLedger.Cases.PortVisas;

/// <summary>One civil day at the port: the travellers submitted that day, and the visas issued and refused that day.</summary>
public sealed record VisasOnDay(string Day, int Submitted, int Issued, int Refused);

/// <summary>One travel agency: its groups and travellers, and where their visas stand.</summary>
public sealed record VisasOfAgency(string Agency, int Groups, int Travellers, int Issued, int Refused, int Waiting);

/// <summary>
/// The port visa figures, worked out from the travellers' read models (kept from the events, so a
/// rebuild gives the same): visas per civil day and per agency.
/// </summary>
public static class PortVisaReadings
{
    public static async Task<IReadOnlyList<VisasOnDay>> PerDayAsync(IQuerySession session, TimeSpan civilOffset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return PerDay(await session.Query<Traveller>().ToListAsync(ct), civilOffset);
    }

    public static async Task<IReadOnlyList<VisasOfAgency>> PerAgencyAsync(IQuerySession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return PerAgency(await session.Query<Traveller>().ToListAsync(ct));
    }

    /// <summary>Visas per civil day (<c>yyyy-MM-dd</c>), oldest first: a traveller counts as submitted on its day, and as issued or refused on the day decided.</summary>
    public static IReadOnlyList<VisasOnDay> PerDay(IEnumerable<Traveller> travellers, TimeSpan civilOffset)
    {
        string Day(DateTimeOffset at) => at.ToOffset(civilOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var marks = travellers.SelectMany(t => t.DecidedAt is { } decided
            ? new[] { (Day: Day(t.SubmittedAt), What: VisaStatus.Submitted), (Day: Day(decided), What: t.Status) }
            : [(Day(t.SubmittedAt), VisaStatus.Submitted)]);
        return marks.GroupBy(m => m.Day)
            .Select(g => new VisasOnDay(g.Key, g.Count(m => m.What == VisaStatus.Submitted), g.Count(m => m.What == VisaStatus.Issued),
                g.Count(m => m.What == VisaStatus.Refused)))
            .OrderBy(d => d.Day, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Visas per travel agency, by the agency's name.</summary>
    public static IReadOnlyList<VisasOfAgency> PerAgency(IEnumerable<Traveller> travellers) =>
        travellers.GroupBy(t => t.Agency)
            .Select(g => new VisasOfAgency(g.Key, g.Select(t => t.GroupId).Distinct().Count(), g.Count(), g.Count(t => t.Status == VisaStatus.Issued),
                g.Count(t => t.Status == VisaStatus.Refused), g.Count(t => t.Status == VisaStatus.Submitted)))
            .OrderBy(a => a.Agency, StringComparer.Ordinal)
            .ToList();
}
