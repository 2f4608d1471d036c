using System.Net;
using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.WorkOrders;

/// <summary>
/// Deadlines that fall due together are recorded many cases to a transaction
/// (<see cref="CasePipeline.RecordBreachesAsync(string, IReadOnlyList{ValueTuple{string, Guid}}, DateTimeOffset?, CancellationToken)"/>),
/// and each case is still recorded as if alone: its own due time, once, on its latest state, with its
/// own chain links, audit entries and read models; a case that cannot be recorded holds back no other.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_breaches_are_recorded_in_batches
{
    /// <summary>Tuesday 4 March 2025, 17:00 in Shaoyang.</summary>
    private static readonly DateTimeOffset Five = new(2025, 3, 4, 17, 0, 0, TimeSpan.FromHours(8));

    private readonly Ledger _ledger;

    public when_breaches_are_recorded_in_batches(Ledger ledger)
    {
        _ledger = ledger;
        ledger.Clock.Set(Five);
    }

    private LedgerHost Host => _ledger.Host;

    private CasePipeline Pipeline => Host.Services.GetRequiredService<CasePipeline>();

    private async Task<List<Guid>> ReportAsync(string district, int orders)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < orders; i++)
        {
            // One order a minute: their contact promises fall due a minute apart.
            Host.Clock.Set(Five.AddMinutes(i));
            ids.Add(await MeteringOrders.ReportAsync(Host, district, i));
        }

        return ids;
    }

    private static List<(string Kind, Guid CaseId)> Due(IEnumerable<Guid> ids) => ids.Select(id => ("work-order", id)).ToList();

    private async Task<IReadOnlyList<JasperFx.Events.IEvent>> EventsAsync(string district, Guid id)
    {
        await using var session = Host.Store.QuerySession(district);
        return await session.Events.FetchStreamAsync(id);
    }

    [Fact]
    public async Task each_case_records_its_own_due_time_once_with_its_escalation_chain_and_audit_entries()
    {
        var district = _ledger.NewDistrict("batch");
        var ids = await ReportAsync(district, 6);
        var noticed = Five.AddHours(1);

        // Every case named twice, in another order: one transaction, each case recorded once.
        var outcomes = await Pipeline.RecordBreachesAsync(district, Due([.. ids, .. Enumerable.Reverse(ids)]), noticed);

        outcomes.Count.ShouldBe(ids.Count);
        outcomes.Select(o => o.CaseId).ShouldBe(ids);
        await using var session = Host.Store.QuerySession(district);
        for (var i = 0; i < ids.Count; i++)
        {
            outcomes[i].Appended.ShouldBe(["deadline.breached.v1", "deadline.escalated.v1"]);
            var events = await EventsAsync(district, ids[i]);
            var set = events.Select(e => e.Data).OfType<DeadlineSet>().Single(d => d.Key == "contact");
            var breach = events.Single(e => e.Data is DeadlineBreached);
            ((DeadlineBreached)breach.Data).DueAt.ShouldBe(set.DueAt, "a breach records its own deadline's due time");
            ((DeadlineBreached)breach.Data).DueAt.ShouldBe(Five.AddMinutes(i + 30));
            ((DeadlineBreached)breach.Data).NoticedAt.ShouldBe(noticed);
            events.Count(e => e.Data is CaseEscalated).ShouldBe(1);
            breach.UserName.ShouldBe("caseledger");
            breach.Headers!["kind"].ToString().ShouldBe("work-order");
            breach.Headers!["rule"].ToString().ShouldBe(events[0].Headers!["rule"].ToString(), "the rule the case is decided under, on its own events");
            var recorded = new[] { breach.Version, events.Single(e => e.Data is CaseEscalated).Version };
            (await session.Query<AuditEntry>().CountAsync(e => e.CaseId == ids[i] && e.Version.IsOneOf(recorded))).ShouldBe(2);
            var verified = (await _ledger.VerifyCaseAsync(district, ids[i]))!;
            verified.Intact.ShouldBeTrue(string.Join("; ", verified.Findings.Select(f => $"{f.Document}: {f.What} at {f.Member}: {f.Expected} / {f.Found}")));
        }

        var again = await Pipeline.RecordBreachesAsync(district, Due(ids), noticed.AddMinutes(5));
        again.ShouldAllBe(o => o.IsAccepted && o.Appended.Count == 0, "a breach already recorded is not recorded again");
    }

    [Fact]
    public async Task a_deadline_met_before_the_batch_is_not_breached_and_one_not_yet_due_waits()
    {
        var district = _ledger.NewDistrict("batch");
        var ids = await ReportAsync(district, 3);
        Host.Clock.Set(Five.AddMinutes(10));
        var contacted = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{district}/work-orders/{ids[0]}/contact", new { note = "called" },
            actor: "service-staff-1"));
        contacted.StatusCode.ShouldBe(HttpStatusCode.OK, await contacted.Content.ReadAsStringAsync());

        // At 17:31 only the second order's contact promise (due 17:31) has fallen due; the third's is due at 17:32.
        var outcomes = await Pipeline.RecordBreachesAsync(district, Due(ids), Five.AddMinutes(31));

        outcomes[0].Appended.ShouldBeEmpty("the first order's contact deadline was met");
        outcomes[1].Appended.ShouldContain("deadline.breached.v1");
        outcomes[2].Appended.ShouldBeEmpty("the third order's contact deadline is not due yet");
        (await EventsAsync(district, ids[0])).ShouldNotContain(e => e.Data is DeadlineBreached);
        (await EventsAsync(district, ids[2])).ShouldNotContain(e => e.Data is DeadlineBreached);
    }

    [Fact]
    public async Task batches_over_the_same_cases_at_once_record_each_breach_once()
    {
        var district = _ledger.NewDistrict("batch");
        var ids = await ReportAsync(district, 8);
        var noticed = Five.AddHours(1);

        // Two nodes' checks, or a check and the sweep, over the same cases at the same moment.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(n => Pipeline.RecordBreachesAsync(district, Due(n % 2 == 0 ? ids : Enumerable.Reverse(ids)), noticed)));

        foreach (var id in ids)
        {
            var events = await EventsAsync(district, id);
            events.Count(e => e.Data is DeadlineBreached).ShouldBe(1);
            events.Count(e => e.Data is CaseEscalated).ShouldBe(1);
        }
    }

    [Fact]
    public async Task a_case_whose_history_does_not_verify_is_refused_and_the_others_are_recorded()
    {
        var district = _ledger.NewDistrictToTamperWith("batch-forged");
        var ids = await ReportAsync(district, 4);
        var forged = ids[1];
        // A forger edits the order as stored and its opening event: its documents no longer match their
        // digests, and its events no longer match their chain.
        await _ledger.ExecuteSqlAsync("update caseledger.mt_doc_workorder set data = jsonb_set(data, '{reporter}', '\"someone-else\"') " +
                                      "where id = @id and tenant_id = @district", ("id", forged), ("district", district));
        await _ledger.ExecuteSqlAsync("update caseledger.mt_events set data = jsonb_set(data, '{reporter}', '\"someone-else\"') " +
                                      "where stream_id = @id and tenant_id = @district and version = 1", ("id", forged), ("district", district));

        var outcomes = await Pipeline.RecordBreachesAsync(district, Due([.. ids, Guid.NewGuid()]), Five.AddHours(1));

        outcomes[1].Rejection.ShouldNotBeNull().Code.ShouldBe("case.history_unverified");
        outcomes[4].Rejection.ShouldNotBeNull().Code.ShouldBe("case.not_found");
        (await EventsAsync(district, forged)).ShouldNotContain(e => e.Data is DeadlineBreached);
        foreach (var id in ids.Where(id => id != forged))
        {
            (await EventsAsync(district, id)).Count(e => e.Data is DeadlineBreached).ShouldBe(1);
        }
    }

    [Fact]
    public async Task a_case_whose_document_cannot_be_read_fails_the_batch_and_the_others_are_recorded_one_by_one()
    {
        var district = _ledger.NewDistrictToTamperWith("batch-unreadable");
        var ids = await ReportAsync(district, 4);
        var unreadable = ids[2];
        await _ledger.ExecuteSqlAsync("update caseledger.mt_doc_workorder set data = jsonb_set(data, '{category}', '\"Sideways\"') " +
                                      "where id = @id and tenant_id = @district", ("id", unreadable), ("district", district));

        var outcomes = await Pipeline.RecordBreachesAsync(district, Due(ids), Five.AddHours(1));

        outcomes[2].Rejection.ShouldNotBeNull().Code.ShouldBe("case.document_unreadable");
        (await EventsAsync(district, unreadable)).ShouldNotContain(e => e.Data is DeadlineBreached);
        foreach (var id in ids.Where(id => id != unreadable))
        {
            (await EventsAsync(district, id)).Count(e => e.Data is DeadlineBreached).ShouldBe(1);
        }
    }
}
