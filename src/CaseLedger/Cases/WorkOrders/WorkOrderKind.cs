using CaseLedger.Core;
using CaseLedger.Core.Summaries;

namespace CaseLedger.Cases.WorkOrders;

/// <summary>
/// A water company's service work orders, declared once: its events under stable names, its state
/// (also its read model) with its deadlines, its commands with who may issue them, its escalation on
/// a breach, and the district's deadline and on-time queries.
/// </summary>
public sealed class WorkOrderKind : CaseKind<WorkOrder>
{
    public const string KindName = "work-order";

    public WorkOrderKind()
        : base(KindName, "work-orders", WorkOrderRules.RuleId, WorkOrderProjection.Evolve)
    {
        Label = "Service work order";
        Title = "A water company's service work order, dispatched by category to a team and held to its promised times";

        Event<WorkOrderReported>("work_order.reported.v1", e => new($"Order taken through {e.Channel}: {Words(e.Category)} at {e.Address}"));
        Event<WorkOrderDispatched>("work_order.dispatched.v1", e => new($"Dispatched to the {Words(e.Team)} team ({e.Reason})", IsDecision: true));
        Event<WorkOrderRedispatched>("work_order.redispatched.v1", e => new($"Re-dispatched to the {Words(e.Team)} team: {e.Reason}", IsDecision: true));
        Event<UserContacted>("work_order.user_contacted.v1", _ => new("The team contacted the user"));
        Event<ArrivedOnSite>("work_order.arrived_on_site.v1", _ => new("The team arrived on site"));
        Event<VisitPostponed>("work_order.visit_postponed.v1", e => new($"The user asked for a later visit: {e.Reason}"));
        Event<VisitResumed>("work_order.visit_resumed.v1", _ => new("The visit the user asked for is due: the clock runs again"));
        Event<WorkOrderResolved>("work_order.resolved.v1", e => new($"Resolved: {e.Resolution}"));
        Event<FollowUpVisited>("work_order.followed_up.v1", _ => new("Follow-up visit made"));
        Event<WhistleBlown>("work_order.whistle_blown.v1", _ => new("The property manager blew the whistle"));
        Event<WhistleAcknowledged>("work_order.whistle_acknowledged.v1", _ => new("The street office acknowledged the whistle"));
        KeepsDeadlinesWith(Escalating.OnBreach);

        View<WorkOrder>(WorkOrderProjection.Evolve)
            .NewestFirstBy(o => o.ReportedAt)
            .FilteredBy("team", o => o.Team)
            .FilteredBy("status", o => o.Status)
            .Indexed(o => o.Reporter)
            .Indexed(o => o.SoonestPendingDue);

        Opens<ReportWorkOrder>("Take a work order at the service hall, on the 24-hour hotline or in the online hall; it is dispatched by category " +
                "to a team, and a metering problem gets its promised contact and on-site times")
            .AllowedFor(Role.Resident, Role.Clerk, Role.Proxy)
            .ForPerson(order => order.Reporter)
            .Decides((command, context) => TakingAnOrder.Decide(command, context.CaseId, context.Acting.Channel, context.Now,
                context.Rules.TryInForce<WorkOrderRules>(RuleId, context.Now), context.Rules))
            .Replays<WorkOrderReported>(e => new ReportWorkOrder(e.Reporter, e.Category, e.Address, e.Description, e.ResidentialCompound), e => e.ReportedAt);
        On<RedispatchWorkOrder>("redispatch", "Send the order to the team of another category, saying why")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => TakingAnOrder.Decide(command, order, context.Now, context.Rules))
            .Replays<WorkOrderRedispatched>(e => new RedispatchWorkOrder(e.Category, e.Reason), e => e.RedispatchedAt);
        On<RecordContact>("contact", "Record that the team contacted the user")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => VisitingTheUser.Decide(command, order, context.Now))
            .Replays<UserContacted>(e => new RecordContact(e.Note), e => e.ContactedAt);
        On<RecordArrival>("arrival", "Record that the team arrived on site")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => VisitingTheUser.Decide(command, order, context.Now))
            .Replays<ArrivedOnSite>(_ => new RecordArrival(), e => e.ArrivedAt);
        On<PostponeVisit>("postpone", "The user asked for a later visit: the order's clocks stop, with the reason")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => VisitingTheUser.Decide(command, order, context.Now))
            .Replays<VisitPostponed>(e => new PostponeVisit(e.Reason), e => e.PostponedAt);
        On<ResumeVisit>("resume", "The later visit is due: the order's clocks run again, their due times moved by the pause")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => VisitingTheUser.Decide(command, order, context.Now, context.Rules))
            .Replays<VisitResumed>(_ => new ResumeVisit(), e => e.ResumedAt);
        On<ResolveWorkOrder>("resolve", "Record what was done; an installation then gets its follow-up visit")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => ResolvingAnOrder.Decide(command, order, context.Now, context.Rules))
            .Replays<WorkOrderResolved>(e => new ResolveWorkOrder(e.Resolution), e => e.ResolvedAt);
        On<RecordFollowUp>("follow-up", "Record the follow-up visit after an installation")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => ResolvingAnOrder.Decide(command, order, context.Now))
            .Replays<FollowUpVisited>(e => new RecordFollowUp(e.Feedback), e => e.VisitedAt);
        On<BlowTheWhistle>("whistle", "A property manager raises the order with the street office, which must acknowledge it in its promised time")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => Escalating.Decide(command, order, context.Now, context.Rules))
            .Replays<WhistleBlown>(e => new BlowTheWhistle(e.PropertyManager, e.Problem), e => e.BlownAt);
        On<AcknowledgeWhistle>("whistle-acknowledgement", "The street office acknowledges the whistle")
            .AllowedFor(Role.Clerk)
            .Decides((command, order, context) => Escalating.Decide(command, order, context.Now))
            .Replays<WhistleAcknowledged>(e => new AcknowledgeWhistle(e.Note), e => e.AcknowledgedAt);

        // A resident reads the orders they reported.
        ResidentsRead(async (session, order, person, ct) => (await session.LoadAsync<WorkOrder>(order, ct))?.Reporter == person);

        Query("work-orders/deadlines",
            "The orders with a deadline still open or paused, the soonest due first, a page at a time: each deadline due, at risk, breached or met, and the time left now",
            async (session, _, context, ct) => await WorkOrderReadings.DeadlinesAsync(session, context.Now, context.Page, ct),
            QueryPaging.SoonestFirst(WorkOrderReadings.DeadlinesList));
        Summarizes<WorkOrder>(WorkOrderReadings.OnTimeName, WorkOrderReadings.OnTimeOf);
        PeriodQuery("work-orders/on-time-rate", "The district's on-time rate, by team, category and the month deadlines fell due (from, to: months, yyyy-MM)",
            PeriodGrain.Month, async (session, period, _, ct) => await WorkOrderReadings.OnTimeAsync(session, period, ct));
    }

    private static string Words(WorkOrderCategory category) => category switch
    {
        WorkOrderCategory.MeteringProblem => "metering",
        WorkOrderCategory.WaterBusinessProxy => "water-business proxy",
        WorkOrderCategory.Installation => "installation",
        WorkOrderCategory.EmergencyRepair => "emergency repair",
        WorkOrderCategory.GridLiaison => "grid liaison",
        WorkOrderCategory.WaterQuality => "water quality",
        _ => category.ToString(),
    };
}
