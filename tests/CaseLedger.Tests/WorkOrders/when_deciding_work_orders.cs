using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Hosting;
using CaseLedger.Rules;

namespace CaseLedger.Tests.WorkOrders;

// The work-order decisions called as pure functions: no ledger, no database, the time passed in.
public sealed class when_deciding_work_orders
{
    private static readonly RuleBook Book = StandardKinds.Create().DefaultRules();
    private static readonly Guid Order = Guid.Parse("0195a000-0000-7000-8000-00000000abcd");
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly WorkOrderRules Rules = Book.InForce<WorkOrderRules>(WorkOrderRules.RuleId, Nine);

    private static WorkOrder Fold(IEnumerable<object> events) => Core.Fold.Events<WorkOrder>(WorkOrderProjection.Evolve, events)!;

    private static WorkOrder Reported(WorkOrderCategory category, bool compound = false) =>
        Fold(TakingAnOrder.Decide(new ReportWorkOrder("user-1", category, "12 Baoqing Road", "The meter runs", compound), Order, Channel.Hotline, Nine, Rules, Book).Events);

    private static WorkOrder Then(WorkOrder order, Decision decision) => decision.Events.Aggregate(order, (o, e) => WorkOrderProjection.Evolve(o, e)!);

    [Fact]
    public void the_promised_times_come_from_the_rule_not_from_code()
    {
        Rules.MeteringContact.Within.ShouldBe(TimeSpan.FromMinutes(30));
        Rules.MeteringOnSite.Within.ShouldBe(TimeSpan.FromHours(2));
        Rules.InstallationFollowUp.Measure.ShouldBe(TimeMeasure.Working);
        Rules.StreetOfficeAcknowledgement.Within.ShouldBe(TimeSpan.FromHours(24));
        Rules.Rule.ShouldBe(new RuleRef("work-order", "1"));
    }

    [Fact]
    public void a_metering_order_is_dispatched_to_its_team_with_its_two_promises()
    {
        var order = Reported(WorkOrderCategory.MeteringProblem);

        order.Team.ShouldBe(WorkOrderCategory.MeteringProblem);
        order.Deadlines["contact"]!.DueAt.ShouldBe(Nine.AddMinutes(30));
        order.Deadlines["on-site"]!.DueAt.ShouldBe(Nine.AddHours(2));
        order.Deadlines["on-site"]!.Rule.ShouldBe(new RuleRef("work-order", "1"));
    }

    [Fact]
    public void an_order_through_a_channel_the_company_does_not_serve_is_refused()
    {
        TakingAnOrder.Decide(new ReportWorkOrder("user-1", WorkOrderCategory.MeteringProblem, "12 Baoqing Road", "x", false), Order, Channel.Proxy, Nine, Rules, Book)
            .Rejection!.Code.ShouldBe("work_order.channel_not_taken");
        TakingAnOrder.Decide(new ReportWorkOrder("user-1", (WorkOrderCategory)99, "12 Baoqing Road", "x", false), Order, Channel.Hotline, Nine, Rules, Book)
            .Rejection!.Code.ShouldBe("work_order.details_missing");
        TakingAnOrder.Decide(new ReportWorkOrder("user-1", WorkOrderCategory.MeteringProblem, "a", "x", false), Order, Channel.Hotline, Nine, null, Book)
            .Rejection!.Code.ShouldBe("work_order.no_rule_in_force");
    }

    [Fact]
    public void each_breach_escalates_one_level_higher_with_the_breach_as_its_reason()
    {
        var order = Reported(WorkOrderCategory.MeteringProblem);
        var context = new CommandContext("d", Order, Nine.AddHours(3), Acting.ByCaseLedger, Book);
        var escalations = new List<CaseEscalated>();
        foreach (var breach in order.Deadlines.BreachesBy(Order, Nine.AddHours(3)))
        {
            order = WorkOrderProjection.Evolve(order, breach)!;
            var escalated = Escalating.OnBreach(order, breach, context).Cast<CaseEscalated>().Single();
            escalations.Add(escalated);
            order = WorkOrderProjection.Evolve(order, escalated)!;
        }

        escalations.Select(e => (e.Level, e.To)).ShouldBe([(1, "team leader"), (2, "service supervisor")]);
        escalations[0].Reason.ShouldBe("Contact the user was due 2025-03-04 09:30 (work-order.metering.contact)");
        order.EscalatedTo.ShouldBe("service supervisor");
    }

    [Fact]
    public void past_the_last_level_a_breach_escalates_no_further()
    {
        var order = Reported(WorkOrderCategory.GridLiaison, compound: true) with { Escalations = 3 };
        var breach = new DeadlineBreached(Order, "x", "Something", Nine, Nine, "work-order.whistle.acknowledged");

        Escalating.OnBreach(order, breach, new CommandContext("d", Order, Nine, Acting.ByCaseLedger, Book)).ShouldBeEmpty();
    }

    [Fact]
    public void a_later_visit_pauses_the_visit_promises_and_resuming_moves_them_by_the_pause()
    {
        var order = Then(Reported(WorkOrderCategory.MeteringProblem), VisitingTheUser.Decide(new RecordContact("called"), Reported(WorkOrderCategory.MeteringProblem), Nine.AddMinutes(10)));
        order = Then(order, VisitingTheUser.Decide(new PostponeVisit("at work"), order, Nine.AddMinutes(30)));
        order.Status.ShouldBe(WorkOrderStatus.Postponed);
        order.Deadlines["on-site"]!.Status.ShouldBe(DeadlineStatus.Paused);

        order = Then(order, VisitingTheUser.Decide(new ResumeVisit(), order, Nine.AddHours(5), Book));

        order.Deadlines["on-site"]!.DueAt.ShouldBe(Nine.AddHours(2) + TimeSpan.FromHours(4.5));
        order.Deadlines["contact"]!.Status.ShouldBe(DeadlineStatus.Met);
    }

    [Fact]
    public void a_resolved_installation_gets_a_follow_up_in_working_time()
    {
        // Friday 7 March 16:30: one working hour that day, six and a half on Monday, five and a half on Tuesday.
        var friday = new DateTimeOffset(2025, 3, 7, 16, 30, 0, TimeSpan.FromHours(8));
        var order = Reported(WorkOrderCategory.Installation);

        order = Then(order, ResolvingAnOrder.Decide(new ResolveWorkOrder("connected"), order, friday, Book));

        order.Status.ShouldBe(WorkOrderStatus.Resolved);
        order.Deadlines["follow-up"]!.DueAt.ShouldBe(new DateTimeOffset(2025, 3, 11, 16, 30, 0, TimeSpan.FromHours(8)));
        ResolvingAnOrder.Decide(new RecordFollowUp(""), order, friday).Rejection!.Code.ShouldBe("work_order.resolution_missing");
    }

    [Fact]
    public void only_an_order_in_a_compound_can_have_the_whistle_blown_and_only_once()
    {
        var outside = Reported(WorkOrderCategory.GridLiaison);
        Escalating.Decide(new BlowTheWhistle("pm-1", "no pressure"), outside, Nine, Book).Rejection!.Code.ShouldBe("work_order.not_a_compound");

        var inside = Reported(WorkOrderCategory.GridLiaison, compound: true);
        var blown = Then(inside, Escalating.Decide(new BlowTheWhistle("pm-1", "no pressure"), inside, Nine, Book));

        blown.EscalatedTo.ShouldBe("street office");
        blown.Deadlines["street-office-acknowledgement"]!.DueAt.ShouldBe(Nine.AddHours(24));
        Escalating.Decide(new BlowTheWhistle("pm-1", "again"), blown, Nine, Book).Rejection!.Code.ShouldBe("work_order.whistle_already_blown");
    }

    [Fact]
    public void the_on_time_rate_counts_settled_deadlines_by_team_category_and_month()
    {
        var kept = Then(Reported(WorkOrderCategory.MeteringProblem), VisitingTheUser.Decide(new RecordArrival(), Reported(WorkOrderCategory.MeteringProblem), Nine.AddMinutes(20)));
        var late = Reported(WorkOrderCategory.MeteringProblem);
        late = Then(late, VisitingTheUser.Decide(new RecordArrival(), late, Nine.AddMinutes(45)));

        var report = WorkOrderReadings.Rate([kept, late], TimeSpan.FromHours(8));

        report.Settled.ShouldBe(4);
        report.OnTime.ShouldBe(3);
        report.Rate.ShouldBe(0.75m);
        report.Rows.ShouldHaveSingleItem().Month.ShouldBe("2025-03");
    }

    [Fact]
    public void a_deadline_is_read_as_at_risk_with_less_than_a_quarter_of_its_time_left()
    {
        var order = Reported(WorkOrderCategory.MeteringProblem);

        var reading = WorkOrderReadings.Read(order, Nine.AddMinutes(25));

        reading.Deadlines.Single(d => d.Key == "contact").State.ShouldBe("at-risk");
        reading.Deadlines.Single(d => d.Key == "contact").TimeLeft.ShouldBe(TimeSpan.FromMinutes(5));
        reading.Deadlines.Single(d => d.Key == "on-site").State.ShouldBe("due");
        WorkOrderReadings.Read(order, Nine.AddMinutes(31)).Deadlines.Single(d => d.Key == "contact").State.ShouldBe("breached");
    }
}
