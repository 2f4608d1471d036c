using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Cases.WorkOrders;

/// <summary>
/// Take a work order: who reported it, what it is about (its category decides the team), where, and
/// whether the address is in a residential compound (where a property manager may blow the whistle).
/// </summary>
public sealed record ReportWorkOrder(
    [property: MaxLength(InputLimits.Id)] string Reporter,
    WorkOrderCategory Category,
    [property: MaxLength(InputLimits.Text)] string Address,
    [property: MaxLength(InputLimits.Description)] string Description,
    bool ResidentialCompound);

/// <summary>Send the order to the team of another category, saying why.</summary>
public sealed record RedispatchWorkOrder(WorkOrderCategory Category, [property: MaxLength(InputLimits.Reason)] string Reason);

/// <summary>Taking an order, dispatching it by category, and re-dispatching it.</summary>
public static class TakingAnOrder
{
    public static readonly Refusal NoRuleInForce = new("work_order.no_rule_in_force");
    public static readonly Refusal ChannelNotTaken = new("work_order.channel_not_taken");
    public static readonly Refusal DetailsMissing = new("work_order.details_missing", RejectionKind.Invalid);
    public static readonly Refusal AlreadyResolved = new("work_order.already_resolved");
    public static readonly Refusal SameTeam = new("work_order.same_team");

    /// <summary>The service hall, the 24-hour hotline and the online hall (the platform and its mini-programs) take orders.</summary>
    public static readonly IReadOnlyList<Channel> Intake =
        [Channel.ServiceWindow, Channel.Hotline, Channel.OnlinePlatform, Channel.WeChatMiniProgram, Channel.AlipayMiniProgram];

    public static Decision Decide(ReportWorkOrder command, Guid orderId, Channel channel, DateTimeOffset now, WorkOrderRules? rules, RuleBook book)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(book);
        if (rules is null)
        {
            return Decision.Reject(NoRuleInForce, "No service rule of the water company is in force on this date.");
        }

        if (!Intake.Contains(channel))
        {
            return Decision.Reject(ChannelNotTaken, "Orders are taken at the service hall, on the 24-hour hotline or in the online hall.");
        }

        if (string.IsNullOrWhiteSpace(command.Reporter) || !Enum.IsDefined(command.Category)
            || string.IsNullOrWhiteSpace(command.Address) || string.IsNullOrWhiteSpace(command.Description))
        {
            return Decision.Reject(DetailsMissing, "Say who reports the order, its category, the address and what is wrong.");
        }

        var category = command.Category;

        var reported = new WorkOrderReported(orderId, command.Reporter.Trim(), category, command.Address.Trim(), command.Description.Trim(),
            command.ResidentialCompound, channel, rules, now);
        return Decision.Accept([reported, new WorkOrderDispatched(orderId, category, category, "dispatched by category", now),
            .. PromisesFor(category, orderId, rules, now, book)]);
    }

    public static Decision Decide(RedispatchWorkOrder command, WorkOrder order, DateTimeOffset now, RuleBook book)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status is WorkOrderStatus.Resolved or WorkOrderStatus.Closed)
        {
            return Decision.Reject(AlreadyResolved, "The order is resolved; it is not dispatched again.");
        }

        if (!Enum.IsDefined(command.Category) || string.IsNullOrWhiteSpace(command.Reason))
        {
            return Decision.Reject(DetailsMissing, "Say the category the order really is and why it is re-dispatched.");
        }

        var category = command.Category;

        if (category == order.Team)
        {
            return Decision.Reject(SameTeam, "The order is with that team already.");
        }

        // ASSUMPTION: the promises are made to the user, not to a team, so they keep running when the
        // order changes teams; those of a metering problem end when it turns out not to be one, and
        // begin when it turns out to be one.
        var events = new List<object> { new WorkOrderRedispatched(order.Id, order.Team, category, category, command.Reason.Trim(), now) };
        if (order.Category == WorkOrderCategory.MeteringProblem && category != WorkOrderCategory.MeteringProblem)
        {
            events.AddRange(new[] { Keys.Contact, Keys.OnSite }
                .Select(key => order.Deadlines.Cancel(order.Id, key, "re-dispatched: not a metering problem", now)).OfType<object>());
        }
        else if (category == WorkOrderCategory.MeteringProblem && order.Rules is { } rules)
        {
            events.AddRange(PromisesFor(category, order.Id, rules, now, book));
        }

        return Decision.Accept([.. events]);
    }

    /// <summary>The deadlines an order of this category gets when it reaches its team.</summary>
    private static IEnumerable<object> PromisesFor(WorkOrderCategory category, Guid orderId, WorkOrderRules rules, DateTimeOffset now, RuleBook book) =>
        category == WorkOrderCategory.MeteringProblem
            ? [
                DeadlineBook.Set(orderId, Keys.Contact, "Contact the user", rules.MeteringContact, rules.Rule, now, book),
                DeadlineBook.Set(orderId, Keys.OnSite, "Be on site", rules.MeteringOnSite, rules.Rule, now, book),
            ]
            : [];
}

/// <summary>The keys of a work order's deadlines.</summary>
public static class Keys
{
    public const string Contact = "contact";
    public const string OnSite = "on-site";
    public const string FollowUp = "follow-up";
    public const string Acknowledgement = "street-office-acknowledgement";
}
