using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using Marten;

namespace CaseLedger.Cases.WorkOrders;

/// <summary>An order's deadlines as read now: their states and the time left.</summary>
public sealed record WorkOrderDeadlines(
    Guid OrderId,
    WorkOrderCategory Category,
    WorkOrderCategory Team,
    WorkOrderStatus Status,
    string? EscalatedTo,
    IReadOnlyList<DeadlineReading> Deadlines);

/// <summary>How many settled deadlines (met, or breached) were met on time, for one team, category and month (civil time, <c>yyyy-MM</c>).</summary>
public sealed record OnTimeRow(WorkOrderCategory Team, WorkOrderCategory Category, string Month, int Settled, int OnTime, [property: Fraction] decimal Rate);

/// <summary>The district's on-time rate: over all its settled deadlines, and by team, category and the month they fell due.</summary>
public sealed record OnTimeReport(int Settled, int OnTime, [property: Fraction] decimal? Rate, IReadOnlyList<OnTimeRow> Rows);

/// <summary>
/// The work-order queries: each order's deadlines read at the moment asked, and the on-time rate,
/// both worked out from the orders' read models (kept from the events, so a rebuild gives the same).
/// </summary>
public static class WorkOrderReadings
{
    /// <summary>The most orders one listing reads (the newest); those with the earliest running deadlines come first.</summary>
    private const int Limit = 500;

    public static async Task<IReadOnlyList<WorkOrderDeadlines>> DeadlinesAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var orders = await session.Query<WorkOrder>().OrderByDescending(o => o.ReportedAt).Take(Limit).ToListAsync(ct);
        return orders.Where(o => o.Deadlines.All.Count > 0)
            .Select(o => Read(o, now))
            .OrderBy(o => o.Deadlines.Where(d => d.TimeLeft is not null).Select(d => (DateTimeOffset?)d.DueAt).Min() ?? DateTimeOffset.MaxValue)
            .ToList();
    }

    public static WorkOrderDeadlines Read(WorkOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        var share = order.Rules?.AtRiskShare ?? 0;
        return new WorkOrderDeadlines(order.Id, order.Category, order.Team, order.Status, order.EscalatedTo,
            order.Deadlines.All.Select(d => DeadlineReading.Of(d, now, share)).ToList());
    }

    public static async Task<OnTimeReport> OnTimeAsync(IQuerySession session, TimeSpan civilOffset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Rate(await session.Query<WorkOrder>().ToListAsync(ct), civilOffset);
    }

    /// <summary>The on-time rate of these orders; a deadline counts once it is met or breached, in the month (civil time) it fell due.</summary>
    public static OnTimeReport Rate(IEnumerable<WorkOrder> orders, TimeSpan civilOffset)
    {
        var settled = orders
            .SelectMany(o => o.Deadlines.All.Where(DeadlineReading.IsSettled).Select(d => (o.Team, o.Category,
                Month: d.DueAt.ToOffset(civilOffset).ToString("yyyy-MM", CultureInfo.InvariantCulture), OnTime: d.OnTime == true)))
            .ToList();
        var rows = settled
            .GroupBy(s => (s.Team, s.Category, s.Month))
            .Select(g => new OnTimeRow(g.Key.Team, g.Key.Category, g.Key.Month, g.Count(), g.Count(s => s.OnTime), Share(g.Count(s => s.OnTime), g.Count())!.Value))
            .OrderBy(r => r.Month, StringComparer.Ordinal).ThenBy(r => r.Team).ThenBy(r => r.Category)
            .ToList();
        var onTime = settled.Count(s => s.OnTime);
        return new OnTimeReport(settled.Count, onTime, Share(onTime, settled.Count), rows);
    }

    private static decimal? Share(int part, int whole) =>
        whole == 0 ? null : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);
}
