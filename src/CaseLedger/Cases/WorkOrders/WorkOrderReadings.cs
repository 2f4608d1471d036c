using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Summaries;
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
    /// <summary>The name the deadlines worklist's cursors carry.</summary>
    public const string DeadlinesList = "WorkOrderDeadlines";

    /// <summary>
    /// The orders with a deadline still pending (open or paused), the soonest due first (by <see cref="WorkOrder.SoonestPendingDue"/>,
    /// indexed), a page at a time, each with its deadlines read at <paramref name="now"/>.
    /// </summary>
    public static async Task<ListPage<WorkOrderDeadlines>> DeadlinesAsync(IQuerySession session, DateTimeOffset now, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(page);
        var query = session.Query<WorkOrder>();
        var count = await ListCounts.CountAsync(session, query.Where(o => o.SoonestPendingDue != null), page.Count, ct);
        var (orders, cursor) = await Keyset.SoonestFirstAsync(query, o => o.SoonestPendingDue, DeadlinesList, page, ct);
        return new ListPage<WorkOrderDeadlines>(orders.Select(o => Read(o, now)).ToList(), null, cursor, count);
    }

    public static WorkOrderDeadlines Read(WorkOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        var share = order.Rules?.AtRiskShare ?? 0;
        return new WorkOrderDeadlines(order.Id, order.Category, order.Team, order.Status, order.EscalatedTo,
            order.Deadlines.All.Select(d => DeadlineReading.Of(d, now, share)).ToList());
    }

    /// <summary>The summary the on-time rate is read from: settled deadlines by the month they fell due, team and category.</summary>
    public const string OnTimeName = "work-orders/on-time";

    /// <summary>
    /// What an order adds to the on-time summary: each settled deadline (met, or breached) counts as
    /// <c>settled</c>, and as <c>on-time</c> when met in time, in the cell of the month it fell due (civil
    /// time), the order's team and category.
    /// </summary>
    public static IEnumerable<SummaryCount> OnTimeOf(WorkOrder order, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(order);
        foreach (var deadline in order.Deadlines.All.Where(DeadlineReading.IsSettled))
        {
            var month = SummaryCount.Month(deadline.DueAt, civilOffset);
            yield return SummaryCount.Of(OnTimeName, month, "settled", 1, order.Team.ToString(), order.Category.ToString());
            if (deadline.OnTime == true)
            {
                yield return SummaryCount.Of(OnTimeName, month, "on-time", 1, order.Team.ToString(), order.Category.ToString());
            }
        }
    }

    /// <summary>The district's on-time rate in the period (months), from the summary cells kept with the events: one indexed query.</summary>
    public static async Task<OnTimeReport> OnTimeAsync(IQuerySession session, ReadingPeriod period, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(period);
        return Rate(await SummaryStore.ReadAsync(session, OnTimeName, period.From, period.To, ct));
    }

    /// <summary>The on-time rate of these orders; a deadline counts once it is met or breached, in the month (civil time) it fell due.</summary>
    public static OnTimeReport Rate(IEnumerable<WorkOrder> orders, TimeSpan civilOffset) =>
        Rate(SummaryTally.Of(SummaryDeclaration.For<WorkOrder>(OnTimeName, OnTimeOf), orders, civilOffset).Read(OnTimeName));

    /// <summary>The on-time rate from the summary's cells (month; team, category; counter).</summary>
    public static OnTimeReport Rate(IEnumerable<SummaryCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var rows = cells
            .GroupBy(c => (Team: Enum.Parse<WorkOrderCategory>(c.Dimensions[0]), Category: Enum.Parse<WorkOrderCategory>(c.Dimensions[1]), Month: c.Bucket))
            .Select(g => (g.Key, Settled: (int)g.Where(c => c.Counter == "settled").Sum(c => c.N), OnTime: (int)g.Where(c => c.Counter == "on-time").Sum(c => c.N)))
            .Where(g => g.Settled > 0)
            .Select(g => new OnTimeRow(g.Key.Team, g.Key.Category, g.Key.Month, g.Settled, g.OnTime, Share(g.OnTime, g.Settled)!.Value))
            .OrderBy(r => r.Month, StringComparer.Ordinal).ThenBy(r => r.Team).ThenBy(r => r.Category)
            .ToList();
        var settled = rows.Sum(r => r.Settled);
        var onTime = rows.Sum(r => r.OnTime);
        return new OnTimeReport(settled, onTime, Share(onTime, settled), rows);
    }

    private static decimal? Share(int part, int whole) =>
        whole == 0 ? null : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);
}
