using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.WorkOrders;

// What-if over the store: the seeded month of orders, read (never written), replayed with time passing
// between their recorded steps under work-order@2-proposed (on site within 90 minutes, not 2 hours).
[Collection(LedgerCollection.Name)]
public sealed class when_asking_what_a_shorter_promise_would_have_changed(Ledger ledger)
{
    private CaseKinds Kinds => ledger.Host.Services.GetRequiredService<CaseKinds>();

    [Fact]
    public async Task the_orders_reached_between_90_minutes_and_2_hours_would_have_broken_their_promise()
    {
        var rules = Kinds.RulesBuilder().AddFiles(Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "rules")).Build();

        var report = await WhatIf.RunAsync(ledger.Store, new ScenarioEngine(Kinds), rules, rules.Get(WorkOrderRules.RuleId, "2-proposed"),
            [Ledger.SeededDistrict]);

        // Which seeded orders were on site after 90 minutes but within 2 hours, from their recorded events.
        await using var session = ledger.Store.QuerySession(Ledger.SeededDistrict);
        var orders = await session.Query<WorkOrder>().ToListAsync();
        var expected = orders
            .Where(o => o.Kept == "kept" && o.Deadlines["on-site"] is { MetAt: { } met } onSite
                && onSite.DueAt - met < TimeSpan.FromMinutes(30))
            .Select(o => o.Id)
            .ToList();

        report.CasesExamined.ShouldBe(orders.Count);
        expected.ShouldNotBeEmpty("the seeded month has visits between 90 minutes and 2 hours");
        report.Changed.Where(c => c.Outcome == "kept" && c.ProposedOutcome == "broken").Select(c => c.CaseId).ShouldBe(expected, ignoreOrder: true);
        report.Changed.ShouldAllBe(c => c.ChangedClauses.Contains("work-order.metering.on-site"));

        // And what the on-time rate would have been: every on-site visit made on time but after 90 minutes a
        // promise broken instead of kept, in orders kept and in orders already broken for another reason alike.
        var flipped = orders.Count(o => o.Deadlines["on-site"] is { MetAt: { } met, OnTime: true } onSite && onSite.DueAt - met < TimeSpan.FromMinutes(30));
        var recorded = PromisesKept.None;
        foreach (var order in orders)
        {
            recorded += PromisesKept.Of((await session.Events.FetchStreamAsync(order.Id)).Select(e => e.Data));
        }

        report.HasDeadlines.ShouldBeTrue();
        report.OnTimeRecorded.ShouldBe(recorded);
        report.OnTimeProposed.Settled.ShouldBe(recorded.Settled);
        flipped.ShouldBeGreaterThanOrEqualTo(expected.Count);
        report.OnTimeProposed.OnTime.ShouldBe(recorded.OnTime - flipped);
        report.OnTimeProposed.Rate!.Value.ShouldBeLessThan(report.OnTimeRecorded.Rate!.Value);
    }
}
