using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Cases.WorkOrders;

/// <summary>Record what was done; an installation then gets its follow-up visit.</summary>
public sealed record ResolveWorkOrder([property: MaxLength(InputLimits.Reason)] string Resolution);

/// <summary>Record the follow-up visit after an installation: how the user found it.</summary>
public sealed record RecordFollowUp([property: MaxLength(InputLimits.Reason)] string Feedback);

/// <summary>Resolving an order, and the follow-up visit after an installation.</summary>
public static class ResolvingAnOrder
{
    public static readonly Refusal NotDispatched = new("work_order.not_dispatched");
    public static readonly Refusal ResolutionMissing = new("work_order.resolution_missing", RejectionKind.Invalid);
    public static readonly Refusal NoFollowUpDue = new("work_order.no_follow_up_due");

    public static Decision Decide(ResolveWorkOrder command, WorkOrder order, DateTimeOffset now, RuleBook book)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status != WorkOrderStatus.Dispatched)
        {
            return Decision.Reject(NotDispatched, $"The order is {order.Status}; only a dispatched order is resolved.");
        }

        if (string.IsNullOrWhiteSpace(command.Resolution))
        {
            return Decision.Reject(ResolutionMissing, "Say what was done.");
        }

        // Resolved without a visit (on the phone, say): the promises of contact and a visit are kept by the resolution.
        var events = new List<object> { new WorkOrderResolved(order.Id, command.Resolution.Trim(), now) };
        events.AddRange(VisitingTheUser.Met(order, now, Keys.Contact, Keys.OnSite));
        if (order.Category == WorkOrderCategory.Installation && order.Rules is { } rules)
        {
            events.Add(DeadlineBook.Set(order.Id, Keys.FollowUp, "Visit the user after the installation", rules.InstallationFollowUp, rules.Rule, now, book));
        }

        return Decision.Accept([.. events]);
    }

    public static Decision Decide(RecordFollowUp command, WorkOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status != WorkOrderStatus.Resolved)
        {
            return Decision.Reject(NoFollowUpDue, "A follow-up visit is made once an installation is resolved.");
        }

        if (string.IsNullOrWhiteSpace(command.Feedback))
        {
            return Decision.Reject(ResolutionMissing, "Say how the user found the installation.");
        }

        return Decision.Accept([new FollowUpVisited(order.Id, command.Feedback.Trim(), now), .. VisitingTheUser.Met(order, now, Keys.FollowUp)]);
    }
}
