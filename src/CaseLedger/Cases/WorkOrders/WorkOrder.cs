using System.Text.Json.Serialization;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Cases.WorkOrders;

// Service work orders of a Shaoyang water company (case kind 4): taken at the service hall, on the
// 24-hour hotline or in the online hall, dispatched by category to a team, and held to the company's
// promised times. This file holds the kind's events and its state.

/// <summary>What an order is about; each category is dispatched to the team of the same name.</summary>
public enum WorkOrderCategory
{
    /// <summary>A meter reads wrong, stopped or leaks: contact in 30 minutes, on site in 2 hours.</summary>
    MeteringProblem,
    /// <summary>"Zero trips": the company's staff handle the user's water business for them.</summary>
    WaterBusinessProxy,
    /// <summary>A new connection; after it, a follow-up visit asks the user how it went.</summary>
    Installation,
    /// <summary>Burst mains and night-time "zero hour" repairs.</summary>
    EmergencyRepair,
    /// <summary>The community grid liaison, for problems in residential compounds.</summary>
    GridLiaison,
    WaterQuality,
}

/// <summary>Where an order stands.</summary>
public enum WorkOrderStatus
{
    Dispatched,
    /// <summary>The user asked for a later visit: the clock is stopped.</summary>
    Postponed,
    /// <summary>Done; an installation still has its follow-up visit to come.</summary>
    Resolved,
    /// <summary>The follow-up visit was made (installations), or resolved (the others): the order ends.</summary>
    Closed,
}

// ---- Events -----------------------------------------------------------------------------------

/// <summary>An order was taken, through the channel it came in by, under the rule version in force that day.</summary>
public sealed record WorkOrderReported(
    Guid OrderId,
    string Reporter,
    WorkOrderCategory Category,
    string Address,
    string Description,
    bool ResidentialCompound,
    Channel Channel,
    WorkOrderRules Rules,
    DateTimeOffset ReportedAt) : IOpensCase
{
    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    [JsonIgnore]
    public DateTimeOffset OpenedAt => ReportedAt;
}

/// <summary>The order was dispatched to the team for its category, when it was taken.</summary>
public sealed record WorkOrderDispatched(Guid OrderId, WorkOrderCategory Category, WorkOrderCategory Team, string Reason, DateTimeOffset DispatchedAt);

/// <summary>The order was re-dispatched: it is really of <paramref name="Category"/>, so it goes to that team, for the reason given.</summary>
public sealed record WorkOrderRedispatched(Guid OrderId, WorkOrderCategory FromTeam, WorkOrderCategory Category, WorkOrderCategory Team, string Reason,
    DateTimeOffset RedispatchedAt);

public sealed record UserContacted(Guid OrderId, string Note, DateTimeOffset ContactedAt);

public sealed record ArrivedOnSite(Guid OrderId, DateTimeOffset ArrivedAt);

/// <summary>The user asked for a later visit; the order's clocks stop until it is resumed.</summary>
public sealed record VisitPostponed(Guid OrderId, string Reason, DateTimeOffset PostponedAt);

public sealed record VisitResumed(Guid OrderId, DateTimeOffset ResumedAt);

public sealed record WorkOrderResolved(Guid OrderId, string Resolution, DateTimeOffset ResolvedAt);

public sealed record FollowUpVisited(Guid OrderId, string Feedback, DateTimeOffset VisitedAt);

/// <summary>A property manager who could not solve the problem alone raised it with the street office ("blew the whistle").</summary>
public sealed record WhistleBlown(Guid OrderId, string PropertyManager, string Problem, DateTimeOffset BlownAt);

public sealed record WhistleAcknowledged(Guid OrderId, string Note, DateTimeOffset AcknowledgedAt);

// ---- State (also the main read model) ---------------------------------------------------------

/// <summary>A work order as its events left it: its team, its status, its escalations and its deadlines.</summary>
public sealed record WorkOrder : ICaseState, IHoldsDeadlines
{
    public Guid Id { get; init; }

    /// <summary>The case's version (set by the store), served as the read model's ETag.</summary>
    public long Version { get; set; }

    public RuleRef Rule { get; init; } = new("unset", "0");

    public WorkOrderRules? Rules { get; init; }

    public string Reporter { get; init; } = "";

    public WorkOrderCategory Category { get; init; }

    public WorkOrderCategory Team { get; init; }

    public bool ResidentialCompound { get; init; }

    public Channel Channel { get; init; }

    public WorkOrderStatus Status { get; init; }

    public DateTimeOffset ReportedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public bool WhistleBlown { get; init; }

    /// <summary>How many times the order was escalated; the next breach goes one level higher.</summary>
    public int Escalations { get; init; }

    /// <summary>Who the order was last escalated to, if anyone.</summary>
    public string? EscalatedTo { get; init; }

    public DeadlineBook Deadlines { get; init; } = DeadlineBook.Empty;

    /// <summary>
    /// The due time of the order's soonest deadline still pending: open (past due or breached included)
    /// or paused; null when none is. Stored with the order and indexed: the deadlines worklist is walked
    /// in its order.
    /// </summary>
    public DateTimeOffset? SoonestPendingDue =>
        Deadlines.All.Where(d => d.IsPending).Select(d => (DateTimeOffset?)d.DueAt).Min();

    /// <summary>
    /// Each deadline's state, as recorded (no clock): <c>running</c>, <c>paused</c>, <c>met</c>,
    /// <c>met-late</c>, <c>breached</c> or <c>cancelled</c>; null for a deadline the order never had.
    /// For scenarios and lists; the countdown is read with <see cref="WorkOrderReadings"/>.
    /// </summary>
    public OrderDeadlines Promises => OrderDeadlines.From(Deadlines, d => d switch
    {
        { Status: DeadlineStatus.Met, OnTime: true } => "met",
        { Status: DeadlineStatus.Met } => "met-late",
        { Status: DeadlineStatus.Cancelled } => "cancelled",
        { BreachedAt: not null } => "breached",
        { Status: DeadlineStatus.Paused } => "paused",
        _ => "running",
    });

    /// <summary>Each deadline's due time as recorded (a pause moves it), written <c>yyyy-MM-ddTHH:mm</c> in its own offset.</summary>
    public OrderDeadlines DueTimes =>
        OrderDeadlines.From(Deadlines, d => d.DueAt.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Whether the order kept its promises: <c>none</c> made, <c>kept</c> (every one met on time),
    /// <c>broken</c> (one breached or met late), or <c>running</c>. What a what-if compares.
    /// </summary>
    public string Kept => Deadlines.All.Where(d => d.Status != DeadlineStatus.Cancelled).ToList() switch
    {
        [] => "none",
        var all when all.Any(d => d.BreachedAt is not null || d.OnTime == false) => "broken",
        var all when all.All(d => d.Status == DeadlineStatus.Met) => "kept",
        _ => "running",
    };

}

/// <summary>Something said of each of a work order's deadlines (its state, its due time); null for one it never had.</summary>
public sealed record OrderDeadlines
{
    public string? Contact { get; init; }

    public string? OnSite { get; init; }

    public string? FollowUp { get; init; }

    public string? Acknowledgement { get; init; }

    internal static OrderDeadlines From(DeadlineBook book, Func<Deadline, string> say)
    {
        string? Of(string key) => book[key] is { } d ? say(d) : null;
        return new OrderDeadlines { Contact = Of(Keys.Contact), OnSite = Of(Keys.OnSite), FollowUp = Of(Keys.FollowUp), Acknowledgement = Of(Keys.Acknowledgement) };
    }
}

/// <summary>Folds a work order's events.</summary>
public static class WorkOrderProjection
{
    public static WorkOrder? Evolve(WorkOrder? order, object e)
    {
        if (e is WorkOrderReported reported)
        {
            return new WorkOrder
            {
                Id = reported.OrderId,
                Rule = reported.Rule,
                Rules = reported.Rules,
                Reporter = reported.Reporter,
                Category = reported.Category,
                Team = reported.Category,
                ResidentialCompound = reported.ResidentialCompound,
                Channel = reported.Channel,
                Status = WorkOrderStatus.Dispatched,
                ReportedAt = reported.ReportedAt,
            };
        }

        if (order is null)
        {
            return null;
        }

        order = order with { Deadlines = order.Deadlines.Apply(e) };
        return e switch
        {
            WorkOrderDispatched d => order with { Category = d.Category, Team = d.Team },
            WorkOrderRedispatched d => order with { Category = d.Category, Team = d.Team },
            VisitPostponed => order with { Status = WorkOrderStatus.Postponed },
            VisitResumed => order with { Status = WorkOrderStatus.Dispatched },
            WorkOrderResolved r => order with
            {
                Status = order.Category == WorkOrderCategory.Installation ? WorkOrderStatus.Resolved : WorkOrderStatus.Closed,
                ResolvedAt = r.ResolvedAt,
            },
            FollowUpVisited => order with { Status = WorkOrderStatus.Closed },
            WhistleBlown => order with { WhistleBlown = true },
            CaseEscalated x => order with { Escalations = Math.Max(order.Escalations, x.Level), EscalatedTo = x.To },
            _ => order,
        };
    }
}
