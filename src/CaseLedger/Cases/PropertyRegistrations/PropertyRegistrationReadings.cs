using System.Globalization;
using CaseLedger.Core;
using Marten;

namespace CaseLedger.Cases.PropertyRegistrations;

/// <summary>One case's completion time: when applied and completed, in minutes, at the fastest, the same day.</summary>
public sealed record CompletionTime(Guid Id, string PropertyId, RegistrationBusiness Business, DateTimeOffset AppliedAt, DateTimeOffset CompletedAt,
    decimal Minutes, bool AtTheFastest, bool SameDay);

/// <summary>
/// One civil day's figures: the cases applied for that day, how many completed the same day and the
/// rate; how many completed at the fastest; the fastest completion time in minutes.
/// </summary>
public sealed record SameDayRow(string Day, int Applied, int CompletedSameDay, [property: Fraction] decimal? SameDayRate, int AtTheFastest,
    decimal? FastestMinutes);

/// <summary>
/// A property's registration status as its owner looks it up: the property, the business, where the
/// case stands, the steps still to do, and the same-day promise; nothing about the partners' clerks.
/// </summary>
public sealed record OwnRegistration(Guid Id, string PropertyId, RegistrationBusiness Business, RegistrationStatus Status, DateTimeOffset AppliedAt,
    DateTimeOffset? CompletedAt, IReadOnlyList<RegistrationStep> Remaining, string? SameDayPromise);

/// <summary>The registration queries, worked out from the cases' read models (kept from the events, so a rebuild gives the same).</summary>
public static class PropertyRegistrationReadings
{
    /// <summary>The most cases one reading reads (the newest).</summary>
    private const int Limit = 5000;

    public static async Task<IReadOnlyList<CompletionTime>> CompletionTimesAsync(IQuerySession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var cases = await session.Query<PropertyRegistration>().Where(r => r.Status == RegistrationStatus.Completed)
            .OrderByDescending(r => r.AppliedAt).Take(Limit).ToListAsync(ct);
        return cases.Select(r => new CompletionTime(r.Id, r.PropertyId, r.Business, r.AppliedAt, r.CompletedAt!.Value, r.CompletionMinutes ?? 0,
            r.AtTheFastest == true, r.SameDay == true)).ToList();
    }

    /// <summary>The name the owner's list's cursors carry.</summary>
    public const string OwnList = "OwnRegistration";

    /// <summary>The name the partner's worklist's cursors carry.</summary>
    public const string PartneredList = "PartnerRegistration";

    /// <summary>The owner's registrations, newest first, a page at a time: the look-up of their properties' registration status, online at any hour.</summary>
    public static async Task<ListPage<OwnRegistration>> OwnAsync(IQuerySession session, string owner, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var query = session.Query<PropertyRegistration>().Where(r => r.Owner == owner);
        var count = await ListCounts.CountAsync(session, query, page.Count, ct);
        var (cases, cursor) = await Keyset.NewestFirstAsync(query, r => r.AppliedAt, OwnList, page, ct);
        return new ListPage<OwnRegistration>(
            cases.Select(r => new OwnRegistration(r.Id, r.PropertyId, r.Business, r.Status, r.AppliedAt, r.CompletedAt, r.Remaining, r.SameDayPromise)).ToList(),
            null, cursor, count);
    }

    /// <summary>
    /// A partner institution's worklist, newest first: the cases that name it for a step, each as the
    /// partner sees it (<see cref="PropertyRegistrationProjection.ForPartner"/>: its own steps, never the owner).
    /// </summary>
    public static async Task<ListPage<PartnerRegistrationView>> PartneredAsync(IQuerySession session, string institution, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var query = session.Query<PropertyRegistration>().Where(r => r.Steps.Any(s => s.Institution == institution));
        var count = await ListCounts.CountAsync(session, query, page.Count, ct);
        var (cases, cursor) = await Keyset.NewestFirstAsync(query, r => r.AppliedAt, PartneredList, page, ct);
        return new ListPage<PartnerRegistrationView>(
            cases.Select(r => PropertyRegistrationProjection.ForPartner(r, institution)).OfType<PartnerRegistrationView>().ToList(), null, cursor, count);
    }

    public static async Task<IReadOnlyList<SameDayRow>> SameDayAsync(IQuerySession session, TimeSpan civilOffset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ByDay(await session.Query<PropertyRegistration>().OrderByDescending(r => r.AppliedAt).Take(Limit).ToListAsync(ct), civilOffset);
    }

    /// <summary>
    /// The same-day rate per civil day of application: of the cases applied for that day, the share
    /// completed by their same-day deadline. A case still running counts as not (yet) completed the same day.
    /// </summary>
    public static IReadOnlyList<SameDayRow> ByDay(IEnumerable<PropertyRegistration> cases, TimeSpan civilOffset) =>
        cases.GroupBy(r => r.AppliedAt.ToOffset(civilOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var applied = g.Count();
                var sameDay = g.Count(r => r.SameDay == true);
                var done = g.Where(r => r.CompletionMinutes is not null).ToList();
                return new SameDayRow(g.Key, applied, sameDay, Math.Round((decimal)sameDay / applied, 4, MidpointRounding.AwayFromZero),
                    g.Count(r => r.AtTheFastest == true), done.Count == 0 ? null : done.Min(r => r.CompletionMinutes));
            })
            .ToList();
}
