using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Core.Summaries;
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
    /// <summary>The name the completion times' cursors carry.</summary>
    public const string CompletionList = "CompletionTime";

    /// <summary>The completed cases' completion times, newest application first, a page at a time.</summary>
    public static async Task<ListPage<CompletionTime>> CompletionTimesAsync(IQuerySession session, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(page);
        var query = session.Query<PropertyRegistration>().Where(r => r.Status == RegistrationStatus.Completed);
        var count = await ListCounts.CountAsync(session, query, page.Count, ct);
        var (cases, cursor) = await Keyset.NewestFirstAsync(query, r => r.AppliedAt, CompletionList, page, ct);
        return new ListPage<CompletionTime>(cases.Select(r => new CompletionTime(r.Id, r.PropertyId, r.Business, r.AppliedAt, r.CompletedAt!.Value,
            r.CompletionMinutes ?? 0, r.AtTheFastest == true, r.SameDay == true)).ToList(), null, cursor, count);
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

    /// <summary>The summary the same-day rate is read from, by civil day of application.</summary>
    public const string SameDayName = "property-registrations/same-day";

    /// <summary>
    /// What a case adds to the same-day summary, in the cell of the civil day it was applied for:
    /// <c>applied</c>, <c>same-day</c> when completed by its same-day deadline, <c>at-the-fastest</c>;
    /// and, once completed, <c>completed</c> in the cell of its completion minutes (the day's fastest
    /// is the least minutes with a case in it).
    /// </summary>
    public static IEnumerable<SummaryCount> SameDayOf(PropertyRegistration registration, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var day = SummaryCount.Day(registration.AppliedAt, civilOffset);
        yield return SummaryCount.Of(SameDayName, day, "applied", 1, "");
        yield return SummaryCount.Of(SameDayName, day, "same-day", registration.SameDay == true ? 1 : 0, "");
        yield return SummaryCount.Of(SameDayName, day, "at-the-fastest", registration.AtTheFastest == true ? 1 : 0, "");
        if (registration.CompletionMinutes is { } minutes)
        {
            yield return SummaryCount.Of(SameDayName, day, "completed", 1, minutes.ToString("0.############", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The same-day rate per civil day of application in the period (days), from the summary cells kept with the events: one indexed query.</summary>
    public static async Task<IReadOnlyList<SameDayRow>> SameDayAsync(IQuerySession session, ReadingPeriod period, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(period);
        return ByDay(await SummaryStore.ReadAsync(session, SameDayName, period.From, period.To, ct));
    }

    /// <summary>
    /// The same-day rate per civil day of application: of the cases applied for that day, the share
    /// completed by their same-day deadline. A case still running counts as not (yet) completed the same day.
    /// </summary>
    public static IReadOnlyList<SameDayRow> ByDay(IEnumerable<PropertyRegistration> cases, TimeSpan civilOffset) =>
        ByDay(SummaryTally.Of(SummaryDeclaration.For<PropertyRegistration>(SameDayName, SameDayOf), cases, civilOffset).Read(SameDayName));

    public static IReadOnlyList<SameDayRow> ByDay(IEnumerable<SummaryCell> cells) =>
        cells.GroupBy(c => c.Bucket)
            .Select(g =>
            {
                int Count(string counter) => (int)g.Where(c => c.Counter == counter).Sum(c => c.N);
                var applied = Count("applied");
                var sameDay = Count("same-day");
                var fastest = g.Where(c => c.Counter == "completed" && c.N > 0).Select(c => (decimal?)decimal.Parse(c.Dimensions[0], CultureInfo.InvariantCulture)).Min();
                return new SameDayRow(g.Key, applied, sameDay, applied == 0 ? null : Math.Round((decimal)sameDay / applied, 4, MidpointRounding.AwayFromZero),
                    Count("at-the-fastest"), fastest);
            })
            .Where(r => r.Applied > 0)
            .OrderBy(r => r.Day, StringComparer.Ordinal)
            .ToList();
}
