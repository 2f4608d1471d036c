using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.WorkOrders;

/// <summary>Record that the team contacted the user.</summary>
public sealed record RecordContact([property: MaxLength(InputLimits.Reason)] string? Note = null);

/// <summary>Record that the team arrived on site.</summary>
public sealed record RecordArrival;

/// <summary>The user asked for a later visit: the order's clocks stop, with the reason.</summary>
public sealed record PostponeVisit([property: MaxLength(InputLimits.Reason)] string Reason);

/// <summary>The visit the user asked for is due now: the order's clocks run again.</summary>
public sealed record ResumeVisit;

/// <summary>Contacting the user, arriving on site, and a later visit the user asked for.</summary>
public static class VisitingTheUser
{
    public static readonly Refusal NotOpen = new("work_order.not_open");
    public static readonly Refusal ReasonMissing = new("work_order.reason_missing", RejectionKind.Invalid);
    public static readonly Refusal NotPostponed = new("work_order.not_postponed");

    public static Decision Decide(RecordContact command, WorkOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status != WorkOrderStatus.Dispatched)
        {
            return Decision.Reject(NotOpen, $"The order is {order.Status}; contact is recorded on a dispatched order.");
        }

        return Decision.Accept([new UserContacted(order.Id, command.Note?.Trim() ?? "", now), .. Met(order, now, Keys.Contact)]);
    }

    public static Decision Decide(RecordArrival command, WorkOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status != WorkOrderStatus.Dispatched)
        {
            return Decision.Reject(NotOpen, $"The order is {order.Status}; arrival is recorded on a dispatched order.");
        }

        // Arriving on site also contacts the user, if nobody had before.
        return Decision.Accept([new ArrivedOnSite(order.Id, now), .. Met(order, now, Keys.Contact, Keys.OnSite)]);
    }

    public static Decision Decide(PostponeVisit command, WorkOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status != WorkOrderStatus.Dispatched)
        {
            return Decision.Reject(NotOpen, $"The order is {order.Status}; only a dispatched order's visit can be put off.");
        }

        if (string.IsNullOrWhiteSpace(command.Reason))
        {
            return Decision.Reject(ReasonMissing, "Say why the user asked for a later visit; the pause is recorded with it.");
        }

        var reason = command.Reason.Trim();
        return Decision.Accept([new VisitPostponed(order.Id, reason, now),
            .. Visits.Select(key => order.Deadlines.Pause(order.Id, key, reason, now)).OfType<object>()]);
    }

    public static Decision Decide(ResumeVisit command, WorkOrder order, DateTimeOffset now, RuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status != WorkOrderStatus.Postponed)
        {
            return Decision.Reject(NotPostponed, "The order's visit was not put off.");
        }

        return Decision.Accept([new VisitResumed(order.Id, now),
            .. Visits.Select(key => order.Deadlines.Resume(order.Id, key, now, rules)).OfType<object>()]);
    }

    /// <summary>The clocks a later visit stops: contacting the user and being on site (not the street office's).</summary>
    private static readonly string[] Visits = [Keys.Contact, Keys.OnSite];

    internal static IEnumerable<object> Met(WorkOrder order, DateTimeOffset now, params string[] keys) =>
        keys.Select(key => order.Deadlines.Meet(order.Id, key, now)).OfType<object>();
}
