using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Cases.WorkOrders;

/// <summary>A property manager who cannot solve the problem alone raises it with the street office.</summary>
public sealed record BlowTheWhistle([property: MaxLength(InputLimits.Name)] string PropertyManager, [property: MaxLength(InputLimits.Reason)] string Problem);

/// <summary>The street office acknowledges a whistle blown on the order.</summary>
public sealed record AcknowledgeWhistle([property: MaxLength(InputLimits.Reason)] string Note);

/// <summary>Escalation: a breach goes one level up; a whistle goes to the street office, which must acknowledge it.</summary>
public static class Escalating
{
    public static readonly Refusal NotACompound = new("work_order.not_a_compound");
    public static readonly Refusal WhistleAlreadyBlown = new("work_order.whistle_already_blown");
    public static readonly Refusal NoWhistle = new("work_order.no_whistle");
    public static readonly Refusal ProblemMissing = new("work_order.problem_missing", RejectionKind.Invalid);

    /// <summary>
    /// What a breach of one of the order's deadlines leads to: an escalation to the next level of the
    /// rule's list (team leader, service supervisor, street office), with the breach as its reason;
    /// nothing once the last level has been reached.
    /// </summary>
    public static IEnumerable<object> OnBreach(WorkOrder order, DeadlineBreached breach, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(breach);
        if (order.Rules is not { } rules || order.Escalations >= rules.EscalationLevels.Count)
        {
            return [];
        }

        var level = order.Escalations + 1;
        return [new CaseEscalated(order.Id, breach.Key, level, rules.EscalationLevels[level - 1],
            $"{breach.What} was due {breach.DueAt.ToOffset(context.Rules.UtcOffset):yyyy-MM-dd HH:mm} ({breach.Clause})", breach.NoticedAt)];
    }

    public static Decision Decide(BlowTheWhistle command, WorkOrder order, DateTimeOffset now, RuleBook book)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (!order.ResidentialCompound)
        {
            return Decision.Reject(NotACompound, "Only an order in a residential compound has a property manager to blow the whistle.");
        }

        if (order.WhistleBlown)
        {
            return Decision.Reject(WhistleAlreadyBlown, "The whistle was blown on this order already.");
        }

        if (string.IsNullOrWhiteSpace(command.PropertyManager) || string.IsNullOrWhiteSpace(command.Problem))
        {
            return Decision.Reject(ProblemMissing, "Say which property manager raises it and what they could not solve.");
        }

        if (order.Rules is not { } rules)
        {
            return Decision.Reject(TakingAnOrder.NoRuleInForce, "The order records no service rule.");
        }

        var street = rules.EscalationLevels[^1];
        return Decision.Accept(
            new WhistleBlown(order.Id, command.PropertyManager.Trim(), command.Problem.Trim(), now),
            new CaseEscalated(order.Id, Keys.Acknowledgement, rules.EscalationLevels.Count, street, $"the property manager blew the whistle: {command.Problem.Trim()}", now),
            DeadlineBook.Set(order.Id, Keys.Acknowledgement, "The street office acknowledges the whistle", rules.StreetOfficeAcknowledgement, rules.Rule, now, book));
    }

    public static Decision Decide(AcknowledgeWhistle command, WorkOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(order);
        if (order.Deadlines[Keys.Acknowledgement] is not { IsPending: true })
        {
            return Decision.Reject(NoWhistle, "No whistle blown on this order waits for the street office.");
        }

        return Decision.Accept([new WhistleAcknowledged(order.Id, command.Note?.Trim() ?? "", now), .. VisitingTheUser.Met(order, now, Keys.Acknowledgement)]);
    }
}
