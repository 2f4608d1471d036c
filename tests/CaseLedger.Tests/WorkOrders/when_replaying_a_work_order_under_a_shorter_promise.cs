using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using CaseLedger.Tests.Scenarios;

namespace CaseLedger.Tests.WorkOrders;

// What-if at the boundary: a metering order replayed under work-order@2-proposed (on site within 90
// minutes, not 2 hours). A visit at the very minute the proposed promise falls due keeps it, as a step
// at its due time does live; a minute later breaks it.
public sealed class when_replaying_a_work_order_under_a_shorter_promise
{
    private static readonly CaseKinds Kinds = new([new WorkOrderKind()]);
    private static readonly RuleBook Book = Kinds.RulesBuilder().AddFiles(Path.Combine(ScenarioCatalog.RepositoryRoot, "seeds", "rules")).Build();
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));

    private static async Task<WhatIfCase> ReplayedWithVisitAfterAsync(TimeSpan visit)
    {
        var fixture = new CaseFixture(Kinds, Book);
        var order = Guid.CreateVersion7();
        fixture.Given(order, new ReportWorkOrder("user-1", WorkOrderCategory.MeteringProblem, "12 Baoqing Road", "The meter runs", false), Nine);
        fixture.Given(order, new RecordContact("called"), Nine.AddMinutes(20));
        fixture.Given(order, new RecordArrival(), Nine + visit);
        var replayed = await WhatIf.ReplayAsync(Vocabulary.Of(new WorkOrderKind()), Book, Book.Get(WorkOrderRules.RuleId, "2-proposed"),
            fixture.District, order, fixture.Recorded(order));
        return replayed.ShouldNotBeNull();
    }

    [Fact]
    public async Task a_visit_at_the_very_minute_the_proposed_promise_falls_due_keeps_it()
    {
        var replayed = await ReplayedWithVisitAfterAsync(TimeSpan.FromMinutes(90));

        replayed.Outcome.ShouldBe("kept");
        replayed.ProposedOutcome.ShouldBe("kept");
        replayed.ProposedPromises.ShouldBe(replayed.Promises);
    }

    [Fact]
    public async Task a_visit_a_minute_later_breaks_it()
    {
        var replayed = await ReplayedWithVisitAfterAsync(TimeSpan.FromMinutes(91));

        replayed.Outcome.ShouldBe("kept");
        replayed.ProposedOutcome.ShouldBe("broken");
        replayed.ProposedPromises.OnTime.ShouldBe(replayed.Promises.OnTime - 1);
    }
}
