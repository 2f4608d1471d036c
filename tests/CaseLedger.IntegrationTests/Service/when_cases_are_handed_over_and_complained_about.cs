using System.Net;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Core.Service;
using CaseLedger.Hosting;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Service;

/// <summary>
/// Hand-overs between service levels and complaints, on the real host and PostgreSQL: case-wide
/// operations of the core, recorded in the case's own stream through the command pipeline, and the
/// district's on-time rate across kinds and levels read from the cases' service records.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_cases_are_handed_over_and_complained_about
{
    /// <summary>Tuesday 4 March 2025, 09:00 in Shaoyang.</summary>
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly Ledger _ledger;
    private readonly string _district;

    public when_cases_are_handed_over_and_complained_about(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("levels");
        ledger.Clock.Set(Nine);
    }

    private LedgerHost Host => _ledger.Host;

    private static object HandOver(string from = "VillageStation", string to = "DistrictCentre") => new
    {
        from,
        fromOffice = "Xiangyang village station",
        to,
        toOffice = "Yongding district centre, window 12",
        reason = "The meter has to be replaced by the district's team",
    };

    private async Task<Guid> ReportAsync()
    {
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/work-orders", new
        {
            reporter = "user-0001",
            category = "MeteringProblem",
            address = "12 Baoqing Road",
            description = "The meter runs with every tap closed",
            residentialCompound = false,
        }, actor: "hotline-operator-1", channel: "Hotline", role: Role.Clerk));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync<CommandOutcome>(response)).CaseId;
    }

    private async Task<HttpResponseMessage> PostAsync(Guid id, string what, object body, string actor = "window-clerk-3", Role role = Role.Clerk,
        long? ifMatch = null, string? onBehalfOf = null, string? idempotencyKey = null)
    {
        var request = Request(HttpMethod.Post, $"/districts/{_district}/cases/{id}/{what}", body, actor: actor, role: role, ifMatch: ifMatch,
            onBehalfOf: onBehalfOf);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Host.Client.SendAsync(request);
    }

    private async Task<IReadOnlyList<JasperFx.Events.IEvent>> EventsAsync(Guid id)
    {
        await using var session = Host.Store.QuerySession(_district);
        return await session.Events.FetchStreamAsync(id);
    }

    private async Task<T> GetAsync<T>(string path)
    {
        var response = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/{path}", role: Role.Auditor, actor: "auditor-1"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadAsync<T>(response);
    }

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        JsonDocument.Parse(body).RootElement.GetProperty("code").GetString().ShouldBe(code, body);
    }

    [Fact]
    public async Task a_hand_over_is_an_event_of_the_case_recorded_by_the_clerk_with_its_levels_offices_and_reason()
    {
        var id = await ReportAsync();
        Host.Clock.Set(Nine.AddMinutes(5));

        var response = await PostAsync(id, "hand-overs", HandOver());

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var outcome = await ReadAsync<CommandOutcome>(response);
        outcome.Appended.ShouldBe(["service.handed_over.v1"]);
        response.Headers.ETag!.Tag.ShouldBe($"\"{outcome.Version}\"");
        var recorded = (await EventsAsync(id))[^1];
        var handedOver = recorded.Data.ShouldBeOfType<CaseHandedOver>();
        handedOver.ShouldBe(new CaseHandedOver(id, "work-order", ServiceLevel.VillageStation, "Xiangyang village station", ServiceLevel.DistrictCentre,
            "Yongding district centre, window 12", "The meter has to be replaced by the district's team", Nine.AddMinutes(5)));
        recorded.UserName.ShouldBe("window-clerk-3");
        recorded.Headers!["role"].ToString().ShouldBe("clerk");

        await using var session = Host.Store.QuerySession(_district);
        var entry = await session.Query<AuditEntry>().SingleAsync(e => e.CaseId == id && e.Version == recorded.Version);
        entry.Kind.ShouldBe("work-order", "the audit trail names the kind of the case handed over");
        entry.Summary.ShouldBe("Handed over from Xiangyang village station (village or community station) to Yongding district centre, window 12 (district centre): " +
            "The meter has to be replaced by the district's team");
        var verified = (await _ledger.VerifyCaseAsync(_district, id))!;
        verified.Intact.ShouldBeTrue(string.Join("; ", verified.Findings.Select(f => $"{f.Document}: {f.What} at {f.Member}: {f.Expected} / {f.Found}")));

        var read = await GetAsync<CaseServiceReading>($"cases/{id}/deadlines");
        read.AcceptedAt.ShouldBe(ServiceLevel.VillageStation);
        read.Level.ShouldBe(ServiceLevel.DistrictCentre);
        read.HandOvers.ShouldHaveSingleItem().ToOffice.ShouldBe("Yongding district centre, window 12");
    }

    [Fact]
    public async Task a_case_of_a_kind_that_keeps_no_deadlines_is_handed_over_and_complained_about_the_same_way()
    {
        _ledger.Clock.Set(Certificates.CertificateApplications.Start);
        var applied = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/certificates", Certificates.CertificateApplications.Body(),
            actor: "applicant-0001", channel: "OnlinePlatform"));
        applied.StatusCode.ShouldBe(HttpStatusCode.Created, await applied.Content.ReadAsStringAsync());
        var id = (await ReadAsync<CommandOutcome>(applied)).CaseId;

        (await PostAsync(id, "hand-overs", HandOver("TownshipCentre"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(id, "complaints", new { complainant = "applicant-0001", complaint = "The certificate never came" })).StatusCode
            .ShouldBe(HttpStatusCode.OK);

        var events = await EventsAsync(id);
        events[^2].Data.ShouldBeOfType<CaseHandedOver>().Kind.ShouldBe("certificate-issuance");
        events[^1].Data.ShouldBeOfType<ComplaintRecorded>().Kind.ShouldBe("certificate-issuance");
        var read = await GetAsync<CaseServiceReading>($"cases/{id}/deadlines");
        read.Kind.ShouldBe("certificate-issuance");
        read.Deadlines.ShouldBeEmpty();
        read.AcceptedAt.ShouldBe(ServiceLevel.TownshipCentre);
        (await GetAsync<DistrictComplaints>("complaints?kind=certificate-issuance")).Total.ShouldBe(1);
    }

    [Fact]
    public async Task a_hand_over_from_a_level_the_case_is_not_at_or_downwards_is_refused_and_appends_nothing()
    {
        var id = await ReportAsync();
        (await PostAsync(id, "hand-overs", HandOver("VillageStation", "TownshipCentre"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var before = (await EventsAsync(id)).Count;

        await ShouldBeProblemAsync(await PostAsync(id, "hand-overs", HandOver("VillageStation", "DistrictCentre")), HttpStatusCode.Conflict,
            "hand_over.not_at_level");
        await ShouldBeProblemAsync(await PostAsync(id, "hand-overs", HandOver("TownshipCentre", "VillageStation")), HttpStatusCode.UnprocessableEntity,
            "hand_over.not_upward");
        await ShouldBeProblemAsync(await PostAsync(id, "hand-overs", new { from = "TownshipCentre", fromOffice = " ", to = "DistrictCentre", toOffice = "x", reason = "y" }),
            HttpStatusCode.BadRequest, "hand_over.text_invalid");
        await ShouldBeProblemAsync(await PostAsync(id, "hand-overs", HandOver("Village", "DistrictCentre")), HttpStatusCode.BadRequest, "request.body_invalid");
        await ShouldBeProblemAsync(await PostAsync(id, "hand-overs", HandOver("TownshipCentre"), ifMatch: before - 1), HttpStatusCode.PreconditionFailed,
            "case.version_mismatch");
        await ShouldBeProblemAsync(await PostAsync(id, "hand-overs", HandOver("TownshipCentre"), actor: "auditor-1", role: Role.Auditor),
            HttpStatusCode.Forbidden, "auth.role_not_allowed");
        await ShouldBeProblemAsync(await PostAsync(Guid.NewGuid(), "hand-overs", HandOver("TownshipCentre")), HttpStatusCode.NotFound, "case.not_found");

        (await EventsAsync(id)).Count.ShouldBe(before);
        (await PostAsync(id, "hand-overs", HandOver("TownshipCentre"), ifMatch: before)).StatusCode.ShouldBe(HttpStatusCode.OK,
            "the case's level now is where the last hand-over went");
    }

    [Fact]
    public async Task two_clerks_handing_over_the_same_case_at_once_are_taken_one_after_the_other_and_only_one_hand_over_is_recorded()
    {
        var id = await ReportAsync();

        var answers = await Task.WhenAll(PostAsync(id, "hand-overs", HandOver(), actor: "clerk-a"), PostAsync(id, "hand-overs", HandOver(), actor: "clerk-b"));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        var refused = answers.Single(a => a.StatusCode != HttpStatusCode.OK);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict, await refused.Content.ReadAsStringAsync());
        (await EventsAsync(id)).Count(e => e.Data is CaseHandedOver).ShouldBe(1);
    }

    [Fact]
    public async Task a_hand_over_sent_twice_with_one_idempotency_key_is_recorded_once()
    {
        var id = await ReportAsync();
        var first = await PostAsync(id, "hand-overs", HandOver(), idempotencyKey: "hand-over-1");
        var again = await PostAsync(id, "hand-overs", HandOver(), idempotencyKey: "hand-over-1");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.Headers.GetValues("Idempotency-Replayed").ShouldBe(["true"]);
        (await ReadAsync<CommandOutcome>(again)).Version.ShouldBe((await ReadAsync<CommandOutcome>(first)).Version);
        (await EventsAsync(id)).Count(e => e.Data is CaseHandedOver).ShouldBe(1);
    }

    [Fact]
    public async Task a_complaint_is_recorded_on_behalf_of_the_complainant_shown_with_the_case_and_counted_for_the_district()
    {
        var id = await ReportAsync();
        var other = await ReportAsync();
        Host.Clock.Set(Nine.AddDays(2));

        var response = await PostAsync(id, "complaints", new { complainant = "user-0001", complaint = "Nobody came although it was promised within two hours" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var recorded = (await EventsAsync(id))[^1];
        recorded.Data.ShouldBeOfType<ComplaintRecorded>().Complainant.ShouldBe("user-0001");
        recorded.Headers![CaseHeaders.OnBehalfOf].ToString().ShouldBe("user-0001", "the clerk enters the complaint for the complainant");
        (await PostAsync(id, "complaints", new { complainant = "user-0001", complaint = "Still nobody" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(other, "complaints", new { complainant = "user-0002", complaint = "The bill is wrong" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var read = await GetAsync<CaseServiceReading>($"cases/{id}/deadlines");
        read.Complaints.Select(c => c.Text).ShouldBe(["Nobody came although it was promised within two hours", "Still nobody"]);
        var counted = await GetAsync<DistrictComplaints>("complaints?from=2025-03&to=2025-03");
        counted.Total.ShouldBe(3);
        counted.ByKind.ShouldBe([new ComplaintCount("work-order", 3, 2)]);
        counted.ByMonth.ShouldBe([new ComplaintCount("2025-03", 3, 2)]);
        (await GetAsync<DistrictComplaints>("complaints?from=2025-04")).Total.ShouldBe(0);
    }

    [Fact]
    public async Task a_complaint_without_its_complainant_or_for_someone_else_is_refused_and_appends_nothing()
    {
        var id = await ReportAsync();
        var before = (await EventsAsync(id)).Count;

        await ShouldBeProblemAsync(await PostAsync(id, "complaints", new { complainant = "", complaint = "Nobody came" }), HttpStatusCode.BadRequest,
            "complaint.text_invalid");
        await ShouldBeProblemAsync(await PostAsync(id, "complaints", new { complainant = "user-0001" }), HttpStatusCode.BadRequest, "request.body_invalid");
        await ShouldBeProblemAsync(await PostAsync(id, "complaints", new { complainant = "user-0001", complaint = "Nobody came" }, onBehalfOf: "user-0009"),
            HttpStatusCode.Forbidden, "auth.on_behalf_of_mismatch");

        (await EventsAsync(id)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task a_hand_over_is_about_no_person_so_a_clerk_saying_on_whose_behalf_is_refused_and_appends_nothing()
    {
        var id = await ReportAsync();
        var before = (await EventsAsync(id)).Count;

        await ShouldBeProblemAsync(await PostAsync(id, "hand-overs", HandOver(), onBehalfOf: "user-0001"), HttpStatusCode.Forbidden,
            "auth.on_behalf_of_mismatch");

        (await EventsAsync(id)).Count.ShouldBe(before);
        (await PostAsync(id, "hand-overs", HandOver())).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task the_district_on_time_rate_counts_every_settled_deadline_by_month_kind_and_the_level_the_case_was_accepted_at()
    {
        var station = await ReportAsync();
        var centre = await ReportAsync();
        (await PostAsync(station, "hand-overs", HandOver())).StatusCode.ShouldBe(HttpStatusCode.OK);
        Host.Clock.Set(Nine.AddMinutes(10));
        (await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/work-orders/{station}/contact", new { note = "called" },
            actor: "service-staff-1"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The centre's order is never contacted: its contact is breached at 09:30; the station's is
        // on site late, at 11:10, after its 11:00 breach.
        Host.Clock.Set(Nine.AddMinutes(31));
        await Host.Services.GetRequiredService<DeadlineSweep>().SweepAsync(district: _district);
        Host.Clock.Set(Nine.AddHours(2).AddMinutes(10));
        await Host.Services.GetRequiredService<DeadlineSweep>().SweepAsync(district: _district);
        (await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/work-orders/{station}/arrival", actor: "service-staff-1")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var rate = await GetAsync<DistrictOnTimeRate>("on-time-rate");

        // Settled: the station's contact (on time) and on-site (late); the centre's contact and on-site (both breached).
        rate.All.ShouldBe(new OnTimeCount("all", 4, 1, 1, 2, 0.25m));
        rate.ByMonth.ShouldBe([new OnTimeCount("2025-03", 4, 1, 1, 2, 0.25m)]);
        rate.ByKind.ShouldBe([new OnTimeCount("work-order", 4, 1, 1, 2, 0.25m)]);
        rate.ByLevel.ShouldBe([new OnTimeCount("VillageStation", 2, 1, 1, 0, 0.5m), new OnTimeCount("DistrictCentre", 2, 0, 0, 2, 0m)]);
        (await GetAsync<DistrictOnTimeRate>("on-time-rate?level=villagestation&kind=work-order&from=2025-03&to=2025-03")).All
            .ShouldBe(new OnTimeCount("all", 2, 1, 1, 0, 0.5m));
        (await GetAsync<DistrictOnTimeRate>("on-time-rate?to=2025-02")).All.Settled.ShouldBe(0);

        var read = await GetAsync<CaseServiceReading>($"cases/{centre}/deadlines");
        read.Deadlines.Select(d => d.State).ShouldBe(["breached", "breached"]);
        read.Escalations.Select(e => e.To).ShouldBe(["team leader", "service supervisor"]);
    }

    [Fact]
    public async Task the_seeded_work_orders_were_accepted_at_every_level_and_drew_complaints()
    {
        var response = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{Ledger.SeededDistrict}/on-time-rate?kind=work-order",
            role: Role.Auditor, actor: "auditor-1"));
        var rate = await ReadAsync<DistrictOnTimeRate>(response);
        rate.ByLevel.Select(l => l.Key).ShouldBe(["VillageStation", "TownshipCentre", "DistrictCentre"]);
        rate.ByLevel.Sum(l => l.Settled).ShouldBe(rate.All.Settled);

        var complaints = await ReadAsync<DistrictComplaints>(await Host.Client.SendAsync(Request(HttpMethod.Get,
            $"/districts/{Ledger.SeededDistrict}/complaints", role: Role.Auditor, actor: "auditor-1")));
        complaints.Total.ShouldBe(4);
        complaints.ByKind.ShouldBe([new ComplaintCount("work-order", 4, 4)]);
    }

    [Theory]
    [InlineData("from=2025-13", "service.month_invalid")]
    [InlineData("to=March", "service.month_invalid")]
    [InlineData("from=2025-04&to=2025-03", "service.period_invalid")]
    [InlineData("kind=parking-permit", "service.kind_unknown")]
    [InlineData("level=moon-base", "service.level_unknown")]
    public async Task a_bad_query_of_the_rate_or_the_complaints_is_refused_with_its_code(string query, string code)
    {
        foreach (var path in new[] { "on-time-rate", "complaints" })
        {
            var response = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/{path}?{query}", role: Role.Auditor, actor: "auditor-1"));
            await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, code);
        }
    }

    [Theory]
    [InlineData("work-orders/on-time-rate?from=2025-13", "reading.month_invalid")]
    [InlineData("work-orders/on-time-rate?from=2025-04&to=2025-03", "reading.period_invalid")]
    [InlineData("port-visas/per-day?from=2025-03", "reading.day_invalid")]
    [InlineData("property-registrations/same-day-rate?to=2025-03-32", "reading.day_invalid")]
    [InlineData("property-registrations/same-day-rate?from=2025-03-02&to=2025-03-01", "reading.period_invalid")]
    public async Task a_bad_period_of_a_kinds_reading_is_refused_with_its_code(string query, string code) =>
        await ShouldBeProblemAsync(await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/{query}", role: Role.Auditor, actor: "auditor-1")),
            HttpStatusCode.BadRequest, code);

    [Fact]
    public async Task the_work_orders_on_time_rate_is_read_for_the_months_asked()
    {
        await ReportAsync();
        Host.Clock.Set(Nine.AddMinutes(31));
        await Host.Services.GetRequiredService<DeadlineSweep>().SweepAsync(district: _district);

        (await GetAsync<OnTimeReport>("work-orders/on-time-rate?from=2025-03&to=2025-03")).Settled.ShouldBeGreaterThan(0);
        (await GetAsync<OnTimeReport>("work-orders/on-time-rate?from=2025-04")).Settled.ShouldBe(0);
    }
}
