using CaseLedger.Core.Summaries;
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
    public const string PerDayName = "port-visas/per-day";
    public const string PerAgencyName = "port-visas/per-agency";
    public const string GroupsName = "port-visas/groups";

    /// <summary>A traveller counts as <c>submitted</c> on its civil day, and as <c>issued</c> or <c>refused</c> on the day decided.</summary>
    public static IEnumerable<SummaryCount> PerDayOf(Traveller traveller, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(traveller);
        yield return SummaryCount.Of(PerDayName, SummaryCount.Day(traveller.SubmittedAt, civilOffset), "submitted", 1);
        if (traveller.DecidedAt is { } decided && traveller.Status is VisaStatus.Issued or VisaStatus.Refused)
        {
            yield return SummaryCount.Of(PerDayName, SummaryCount.Day(decided, civilOffset), traveller.Status == VisaStatus.Issued ? "issued" : "refused", 1);
        }
    }

    /// <summary>A traveller counts once for its agency, and once by where its visa stands (<c>issued</c>, <c>refused</c>, <c>waiting</c>).</summary>
    public static IEnumerable<SummaryCount> PerAgencyOf(Traveller traveller, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(traveller);
        yield return SummaryCount.Of(PerAgencyName, "", "travellers", 1, traveller.Agency);
        yield return SummaryCount.Of(PerAgencyName, "", traveller.Status switch
        {
            VisaStatus.Issued => "issued",
            VisaStatus.Refused => "refused",
            _ => "waiting",
        }, 1, traveller.Agency);
    }

    /// <summary>A traveller counts in its agency's group: an agency's groups are its cells with a traveller in them.</summary>
    public static IEnumerable<SummaryCount> GroupsOf(Traveller traveller, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(traveller);
        yield return SummaryCount.Of(GroupsName, "", "travellers", 1, traveller.Agency, traveller.GroupId);
    }

    public static IReadOnlyList<SummaryDeclaration> Summaries { get; } =
    [
        SummaryDeclaration.For<Traveller>(PerDayName, PerDayOf),
        SummaryDeclaration.For<Traveller>(PerAgencyName, PerAgencyOf),
        SummaryDeclaration.For<Traveller>(GroupsName, GroupsOf),
    ];

    /// <summary>Visas per civil day in the period (days), from the summary cells kept with the events: one indexed query.</summary>
    public static async Task<IReadOnlyList<VisasOnDay>> PerDayAsync(IQuerySession session, ReadingPeriod period, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(period);
        return PerDay(await SummaryStore.ReadAsync(session, PerDayName, period.From, period.To, ct));
    }

    /// <summary>Visas per travel agency, from the summary cells kept with the events: two indexed queries.</summary>
    public static async Task<IReadOnlyList<VisasOfAgency>> PerAgencyAsync(IQuerySession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return PerAgency(await SummaryStore.ReadAsync(session, PerAgencyName, null, null, ct), await SummaryStore.ReadAsync(session, GroupsName, null, null, ct));
    }

    /// <summary>Visas per civil day (<c>yyyy-MM-dd</c>), oldest first: a traveller counts as submitted on its day, and as issued or refused on the day decided.</summary>
    public static IReadOnlyList<VisasOnDay> PerDay(IEnumerable<Traveller> travellers, TimeSpan civilOffset) =>
        PerDay(SummaryTally.Of(Summaries[0], travellers, civilOffset).Read(PerDayName));

    public static IReadOnlyList<VisasOnDay> PerDay(IEnumerable<SummaryCell> cells) =>
        cells.GroupBy(c => c.Bucket)
            .Select(g => new VisasOnDay(g.Key, Count(g, "submitted"), Count(g, "issued"), Count(g, "refused")))
            .OrderBy(d => d.Day, StringComparer.Ordinal)
            .ToList();

    /// <summary>Visas per travel agency, by the agency's name.</summary>
    public static IReadOnlyList<VisasOfAgency> PerAgency(IEnumerable<Traveller> travellers)
    {
        var list = travellers.ToList();
        return PerAgency(SummaryTally.Of(Summaries[1], list, TimeSpan.Zero).Read(PerAgencyName), SummaryTally.Of(Summaries[2], list, TimeSpan.Zero).Read(GroupsName));
    }

    public static IReadOnlyList<VisasOfAgency> PerAgency(IEnumerable<SummaryCell> agencies, IEnumerable<SummaryCell> groups)
    {
        var groupsOf = groups.Where(g => g.N > 0).GroupBy(g => g.Dimensions[0]).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return agencies.GroupBy(c => c.Dimensions[0])
            .Select(g => new VisasOfAgency(g.Key, groupsOf.GetValueOrDefault(g.Key), Count(g, "travellers"), Count(g, "issued"), Count(g, "refused"), Count(g, "waiting")))
            .Where(a => a.Travellers > 0)
            .OrderBy(a => a.Agency, StringComparer.Ordinal)
            .ToList();
    }

    private static int Count(IEnumerable<SummaryCell> cells, string counter) => (int)cells.Where(c => c.Counter == counter).Sum(c => c.N);
}
