using System.Net;
using System.Text.Json;
using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Hosting;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.WorkOrders;

/// <summary>
/// Work orders on the real host and PostgreSQL: the host's clock is moved by hand and the sweep is
/// run when a test means time to have passed (the background sweep is off in tests).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_work_order_deadlines_fall_due
{
    /// <summary>Tuesday 4 March 2025, 09:00 in Shaoyang.</summary>
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly Ledger _ledger;
    private readonly string _district;

    public when_work_order_deadlines_fall_due(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("orders");
        ledger.Clock.Set(Nine);
    }

    private LedgerHost Host => _ledger.Host;

    private DeadlineSweep Sweep => Host.Services.GetRequiredService<DeadlineSweep>();

    private static object Order(string category = "MeteringProblem", bool compound = false) => new
    {
        reporter = "user-0001",
        category,
        address = "12 Baoqing Road",
        description = "The meter runs with every tap closed",
        residentialCompound = compound,
    };

    private async Task<Guid> ReportAsync(object? body = null)
    {
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/work-orders", body ?? Order(), actor: "hotline-operator-1",
            channel: "Hotline", role: Role.Clerk));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync<CommandOutcome>(response)).CaseId;
    }

    private async Task StepAsync(Guid id, string step, object? body = null)
    {
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/work-orders/{id}/{step}", body, actor: "service-staff-1"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<IReadOnlyList<JasperFx.Events.IEvent>> EventsAsync(Guid id)
    {
        await using var session = Host.Store.QuerySession(_district);
        return await session.Events.FetchStreamAsync(id);
    }

    private async Task<WorkOrderDeadlines> DeadlinesAsync(Guid id)
    {
        var response = await Host.Client.GetAsync($"/districts/{_district}/work-orders/deadlines");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await ReadItemsAsync<WorkOrderDeadlines>(response)).Single(o => o.OrderId == id);
    }

    [Fact]
    public async Task the_deadlines_worklist_puts_the_soonest_due_first_a_page_at_a_time_and_leaves_out_orders_with_nothing_pending()
    {
        // Three metering orders reported a minute apart, the first of them contacted (only its on-site
        // visit pending, due after the others' contact), and a fourth contacted and resolved: nothing pending.
        var metering = await ReportAsync();
        Host.Clock.Set(Nine.AddMinutes(1));
        var second = await ReportAsync();
        Host.Clock.Set(Nine.AddMinutes(2));
        var third = await ReportAsync();
        await StepAsync(metering, "contact", new { note = "called" });
        var done = await ReportAsync();
        await StepAsync(done, "contact", new { note = "called" });
        await StepAsync(done, "resolve", new { resolution = "The meter was replaced" });
        List<Guid> expected;
        await using (var session = Host.Store.QuerySession(_district))
        {
            var pending = await session.Query<WorkOrder>().Where(o => o.SoonestPendingDue != null).ToListAsync();
            pending.Select(o => o.Id).ShouldBe([metering, second, third], ignoreOrder: true);
            pending.Select(o => o.SoonestPendingDue).Distinct().Count().ShouldBe(3, "no two orders fall due at once, so the order is the due times'");
            expected = pending.OrderBy(o => o.SoonestPendingDue).Select(o => o.Id).ToList();
        }

        var walked = new List<Guid>();
        var next = $"/districts/{_district}/work-orders/deadlines?limit=1";
        while (next is not null)
        {
            var response = await Host.Client.GetAsync(next);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var page = await ReadAsync<ListPage<WorkOrderDeadlines>>(response);
            page.Items.Count.ShouldBeLessThanOrEqualTo(1);
            walked.AddRange(page.Items.Select(o => o.OrderId));
            next = page.Next;
        }

        walked.ShouldBe(expected, "soonest pending deadline first, each once, the order with nothing pending left out");
        var counted = await ReadAsync<ListPage<WorkOrderDeadlines>>(await Host.Client.GetAsync($"/districts/{_district}/work-orders/deadlines?count=exact"));
        counted.Count!.Value.ShouldBe(3);
    }

    [Fact]
    public async Task a_breach_is_recorded_by_the_sweep_as_caseledger_itself_and_escalated_to_the_team_leader()
    {
        var id = await ReportAsync();
        Host.Clock.Set(Nine.AddMinutes(29));
        await Sweep.SweepAsync(district: _district);
        (await EventsAsync(id)).ShouldNotContain(e => e.Data is DeadlineBreached, "nothing is due yet");

        Host.Clock.Set(Nine.AddMinutes(31));
        await Sweep.SweepAsync(district: _district);

        var events = await EventsAsync(id);
        var breach = events.Select(e => e.Data).OfType<DeadlineBreached>().ShouldHaveSingleItem();
        breach.Key.ShouldBe("contact");
        breach.DueAt.ShouldBe(Nine.AddMinutes(30));
        breach.NoticedAt.ShouldBe(Nine.AddMinutes(31), "a breach noticed late says when it was noticed");
        var escalation = events.Select(e => e.Data).OfType<CaseEscalated>().ShouldHaveSingleItem();
        escalation.To.ShouldBe("team leader");
        var recorded = events.Single(e => e.Data is DeadlineBreached);
        recorded.UserName.ShouldBe("caseledger");
        recorded.Headers!["role"].ToString().ShouldBe("system");
        recorded.Headers!["channel"].ToString().ShouldBe("System");
        recorded.Headers!["kind"].ToString().ShouldBe("work-order", "the core's deadline events say whose case they are in");
        await using (var session = Host.Store.QuerySession(_district))
        {
            var entry = await session.Query<CaseLedger.Audit.AuditEntry>().SingleAsync(a => a.Id == recorded.Id);
            entry.Kind.ShouldBe("work-order");
            entry.Role.ShouldBe("system");
            entry.Summary.ShouldBe("Deadline contact breached: Contact the user was due 2025-03-04 09:30 +08:00, noticed 2025-03-04 09:31 +08:00");
        }

        var read = await DeadlinesAsync(id);
        read.EscalatedTo.ShouldBe("team leader");
        read.Deadlines.Single(d => d.Key == "contact").State.ShouldBe("breached");
        read.Deadlines.Single(d => d.Key == "on-site").TimeLeft.ShouldBe(TimeSpan.FromMinutes(89), "time left is read from the clock");

        await Sweep.SweepAsync(district: _district);
        (await EventsAsync(id)).Count.ShouldBe(events.Count, "a breach is recorded once");
    }

    [Fact]
    public async Task a_paused_clock_is_not_breached_and_runs_again_with_the_time_that_was_left()
    {
        var id = await ReportAsync();
        Host.Clock.Set(Nine.AddMinutes(10));
        await StepAsync(id, "contact", new { note = "called" });
        Host.Clock.Set(Nine.AddMinutes(30));
        await StepAsync(id, "postpone", new { reason = "The user is at work until the afternoon" });

        Host.Clock.Set(Nine.AddHours(5));
        await Sweep.SweepAsync(district: _district);
        (await EventsAsync(id)).ShouldNotContain(e => e.Data is DeadlineBreached);
        (await DeadlinesAsync(id)).Deadlines.Single(d => d.Key == "on-site").State.ShouldBe("paused");

        await StepAsync(id, "resume");
        var resumed = (await EventsAsync(id)).Select(e => e.Data).OfType<DeadlineResumed>().ShouldHaveSingleItem();
        resumed.DueAt.ShouldBe(Nine.AddHours(5) + TimeSpan.FromMinutes(90), "ninety minutes were left when the user asked for a later visit");

        Host.Clock.Set(Nine.AddHours(6).AddMinutes(31));
        await Sweep.SweepAsync(district: _district);
        (await EventsAsync(id)).Select(e => e.Data).OfType<DeadlineBreached>().ShouldHaveSingleItem().Key.ShouldBe("on-site");
    }

    [Fact]
    public async Task a_working_time_follow_up_skips_the_weekend_and_the_qingming_holiday()
    {
        var thursday = new DateTimeOffset(2025, 4, 3, 10, 0, 0, TimeSpan.FromHours(8));
        Host.Clock.Set(thursday);
        var id = await ReportAsync(Order("Installation"));
        Host.Clock.Set(thursday.AddHours(6).AddMinutes(30));
        await StepAsync(id, "resolve", new { resolution = "Connected" });

        // 16:30 Thursday: an hour that day, Friday 4 April is Qingming, the weekend is off, six and a
        // half hours on Monday, five and a half on Tuesday 8 April: due 16:30 that Tuesday.
        var due = new DateTimeOffset(2025, 4, 8, 16, 30, 0, TimeSpan.FromHours(8));
        (await EventsAsync(id)).Select(e => e.Data).OfType<DeadlineSet>().Single(d => d.Key == "follow-up").DueAt.ShouldBe(due);
        Host.Clock.Set(due.AddMinutes(-1));
        await Sweep.SweepAsync(district: _district);
        (await EventsAsync(id)).ShouldNotContain(e => e.Data is DeadlineBreached);

        Host.Clock.Set(due.AddMinutes(1));
        await Sweep.SweepAsync(district: _district);
        (await EventsAsync(id)).Select(e => e.Data).OfType<DeadlineBreached>().ShouldHaveSingleItem().DueAt.ShouldBe(due);
    }

    [Fact]
    public async Task a_whistle_escalates_to_the_street_office_with_its_reason()
    {
        var id = await ReportAsync(Order("GridLiaison", compound: true));
        Host.Clock.Set(Nine.AddHours(3));
        await StepAsync(id, "whistle", new { propertyManager = "pm-7", problem = "No pressure on the upper floors" });

        var escalation = (await EventsAsync(id)).Select(e => e.Data).OfType<CaseEscalated>().ShouldHaveSingleItem();
        escalation.To.ShouldBe("street office");
        escalation.Reason.ShouldContain("No pressure on the upper floors");
        (await DeadlinesAsync(id)).Deadlines.Single().DueAt.ShouldBe(Nine.AddHours(27));
    }

    [Fact]
    public async Task a_malformed_order_is_a_problem_and_appends_nothing()
    {
        foreach (var body in new object[] { new { reporter = "user-1", category = "Plumbing", address = "a", description = "b" }, new { reporter = "user-1" }, "[]" })
        {
            var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/work-orders", body, actor: "hotline-operator-1",
                channel: "Hotline", role: Role.Clerk));
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        await using var session = Host.Store.QuerySession(_district);
        (await session.Query<WorkOrder>().CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task the_districts_on_time_rate_covers_every_kind_that_keeps_deadlines()
    {
        var order = await ReportAsync();
        Host.Clock.Set(Nine.AddMinutes(20));
        await StepAsync(order, "arrival");
        // A certificate under certificate-online@2 (2026), promised within 7 days and not delivered.
        var applied = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.FromHours(8));
        var certificate = Guid.NewGuid();
        var pipeline = Host.Services.GetRequiredService<CasePipeline>();
        (await pipeline.ExecuteAsync(new CommandRequest(_district, certificate, CaseLedger.IntegrationTests.Certificates.CertificateApplications.Eligible(),
            new Acting("applicant-0001", Channel.OnlinePlatform, Role.Resident)) { At = applied })).Rejection.ShouldBeNull();
        await Sweep.SweepAsync(applied.AddDays(8), _district);

        var response = await Host.Client.GetAsync($"/districts/{_district}/on-time-rate");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var rate = await ReadAsync<Core.Service.DistrictOnTimeRate>(response);

        rate.Cells.Select(c => (c.Kind, c.Month, c.Settled, c.OnTime)).ShouldBe([("work-order", "2025-03", 2, 2), ("certificate-issuance", "2026-01", 1, 0)]);
        rate.ByKind.Select(k => (k.Key, k.Settled, k.OnTime, k.Breached)).ShouldBe([("certificate-issuance", 1, 0, 1), ("work-order", 2, 2, 0)]);
        rate.All.Settled.ShouldBe(3);
        rate.All.OnTime.ShouldBe(2);
        rate.All.Rate.ShouldBe(0.6667m);
    }

    [Fact]
    public async Task the_seeded_month_shows_an_on_time_rate_with_late_and_escalated_orders()
    {
        var response = await Host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/work-orders/on-time-rate");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await ReadAsync<OnTimeReport>(response);

        report.Settled.ShouldBeGreaterThan(report.OnTime);
        report.OnTime.ShouldBeGreaterThan(0);
        report.Rows.ShouldAllBe(r => r.Month == "2025-03");
        report.Rows.Sum(r => r.Settled).ShouldBe(report.Settled);
    }
}
