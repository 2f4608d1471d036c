using System.Net;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.CoFunding;

[Collection(LedgerCollection.Name)]
public sealed class when_running_a_co_funded_project_over_http
{
    private readonly Ledger _ledger;
    private readonly string _district;

    public when_running_a_co_funded_project_over_http(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("cofunding-http");
        ledger.Clock.Set(Votes.Start);
    }

    private LedgerHost _host => _ledger.Host;

    private string Projects(string? district = null) => $"/districts/{district ?? _district}/co-funding-projects";

    private string Summary(string? district = null) => $"/districts/{district ?? _district}/co-funding-summary";

    /// <summary>Camphor Court's project as a client sends it: enums by their names.</summary>
    private static object CamphorCourt(int yearBuilt = 2004, string description = "Pipes, facade and lighting renewal",
        string compoundId = "camphor-court", decimal maintenanceFund = 0m, Guid? renovationVoteId = null)
    {
        var funding = new List<object>
        {
            new { source = "CompoundPublicIncome", amount = 426_000.00m },
            new { source = "ResidentsSelfRaised", amount = 372_500.00m },
        };
        if (maintenanceFund > 0)
        {
            funding.Add(new { source = "MaintenanceFund", amount = maintenanceFund });
        }

        return new
        {
            compound = new { id = compoundId, name = "Camphor Court", yearBuilt, hasMaintenanceFund = true, households = 306 },
            description,
            estimatedCost = 798_500.00m,
            funding,
            renovationVoteId,
        };
    }

    private async Task<Guid> RegisterAsync(object body, string? district = null)
    {
        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, Projects(district), body));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var outcome = await ReadAsync<CommandOutcome>(response);
        response.Headers.Location!.ToString().ShouldBe($"{Projects(district)}/{outcome.CaseId}");
        return outcome.CaseId;
    }

    /// <summary>A step a day after the one before.</summary>
    private Task<HttpResponseMessage> PostAsync(Guid id, string step, object? body = null, long? ifMatch = null, string actor = "clerk-yuelu-031",
        string? district = null)
    {
        _host.Clock.Advance(TimeSpan.FromDays(1));
        return _host.Client.SendAsync(Request(HttpMethod.Post, $"{Projects(district)}/{id}/{step}", body, actor: actor, ifMatch: ifMatch));
    }

    private static async Task OkAsync(Task<HttpResponseMessage> step)
    {
        var response = await step;
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<Guid> AnAuditedProjectAsync(decimal auditedCost = 781_236.45m)
    {
        var id = await RegisterAsync(CamphorCourt());
        await OkAsync(PostAsync(id, "start"));
        await OkAsync(PostAsync(id, "completion", new { acceptanceReference = "YL-ACC-2022-0917" }, actor: "inspector-yuelu-004"));
        await OkAsync(PostAsync(id, "audits", new { auditedCost, auditReference = "CS-AUD-2022-1103" }, actor: "auditor-city-012"));
        return id;
    }

    private async Task<CoFundingEligibility> ProjectAsync(Guid id)
    {
        var response = await _host.Client.GetAsync($"{Projects()}/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var view = await ReadAsync<CoFundingEligibility>(response);
        response.Headers.ETag!.Tag.ShouldBe($"\"{view.Version}\"");
        return view;
    }

    private async Task<CaseHistory> HistoryAsync(Guid id)
    {
        var response = await _host.Client.GetAsync($"/districts/{_district}/cases/{id}/events");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadAsync<CaseHistory>(response);
    }

    [Fact]
    public async Task a_project_is_registered_carried_out_audited_awarded_and_paid()
    {
        var id = await AnAuditedProjectAsync();
        await OkAsync(PostAsync(id, "award", actor: "officer-housing-007"));
        var awardedAt = _host.Clock.GetUtcNow();
        var settled = await PostAsync(id, "settlements", new { paymentReference = "PAY-2022-1220" }, actor: "treasury-city-002");

        settled.StatusCode.ShouldBe(HttpStatusCode.OK);
        settled.Headers.ETag!.Tag.ShouldBe("\"6\"");
        var view = await ProjectAsync(id);
        view.Id.ShouldBe(id);
        view.Version.ShouldBe(6);
        view.Stage.ShouldBe(ProjectStage.Awarded);
        view.Compound.ShouldBe(new Compound("camphor-court", "Camphor Court", 2004, true, 306));
        view.Eligible.ShouldBeTrue();
        view.AcceptanceReference.ShouldBe("YL-ACC-2022-0917");
        view.AuditedCost.ShouldBe(781_236.45m);
        view.Grant.ShouldBe(new Grant(234_370.94m, 117_185.47m, 117_185.47m));
        view.AwardedAt.ShouldBe(awardedAt);
        view.Criteria.ShouldAllBe(c => c.Met);
        view.Criteria.Count.ShouldBe(5);
        view.Paid.ShouldBe(view.Grant);
        view.Balance.ShouldBe(0m);

        var history = await HistoryAsync(id);
        history.Kind.ShouldBe(CoFundingKind.KindName);
        history.Events.Select(e => e.Type).ShouldBe([
            "co_funding.project_registered.v1",
            "co_funding.project_started.v1",
            "co_funding.project_completed.v1",
            "co_funding.final_cost_audited.v1",
            "co_funding.award_decided.v1",
            "co_funding.grant_settled.v1",
        ]);
        history.Events.Select(e => e.Actor).ShouldBe([
            "clerk-1", "clerk-yuelu-031", "inspector-yuelu-004", "auditor-city-012", "officer-housing-007", "treasury-city-002",
        ]);
        history.Events.ShouldAllBe(e => e.Rule == "co-funding@1");
    }

    [Fact]
    public async Task the_project_is_served_with_enums_by_name()
    {
        var id = await RegisterAsync(CamphorCourt());

        var json = await ReadAsync<JsonElement>(await _host.Client.GetAsync($"{Projects()}/{id}"));

        json.GetProperty("stage").GetString().ShouldBe("Registered");
        json.GetProperty("funding")[0].GetProperty("source").GetString().ShouldBe("CompoundPublicIncome");
        json.GetProperty("otherMoney").GetDecimal().ShouldBe(798_500.00m);
        // Yuan with their fen, always: as an amount reads, not as it was computed.
        json.GetProperty("otherMoney").GetRawText().ShouldBe("798500.00");
        json.GetProperty("rule").GetProperty("id").GetString().ShouldBe("co-funding");
    }

    [Fact]
    public async Task a_revised_audit_claws_back_and_the_overpayment_is_recovered()
    {
        var id = await AnAuditedProjectAsync(3_981_250.50m);
        await OkAsync(PostAsync(id, "award"));
        await OkAsync(PostAsync(id, "settlements", new { paymentReference = "PAY-2025-0108" }));

        var revised = await PostAsync(id, "audits", new { auditedCost = 3_948_760.35m, auditReference = "CS-AUD-2025-0311-R" });

        revised.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync<CommandOutcome>(revised)).Appended.ShouldBe(["co_funding.final_cost_audited.v1", "co_funding.award_adjusted.v1"]);
        var clawedBack = await ProjectAsync(id);
        clawedBack.InitialGrant!.Total.ShouldBe(1_194_375.15m);
        clawedBack.Grant!.Total.ShouldBe(1_184_628.11m);
        clawedBack.Adjustments.ShouldHaveSingleItem().Difference.ShouldBe(new Grant(-9_747.04m, -4_873.52m, -4_873.52m));
        clawedBack.Balance.ShouldBe(-9_747.04m);

        await OkAsync(PostAsync(id, "settlements", new { paymentReference = "REC-2025-0328" }));

        var recovered = await ProjectAsync(id);
        recovered.Paid.ShouldBe(recovered.Grant);
        recovered.Balance.ShouldBe(0m);
        var nothingDue = await PostAsync(id, "settlements", new { paymentReference = "PAY-X" });
        nothingDue.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ReadAsync<JsonElement>(nothingDue)).GetProperty("code").GetString().ShouldBe("co_funding.nothing_due");
    }

    [Fact]
    public async Task the_district_summary_adds_up_its_projects()
    {
        var paid = await AnAuditedProjectAsync();
        await OkAsync(PostAsync(paid, "award"));
        await OkAsync(PostAsync(paid, "settlements", new { paymentReference = "PAY-1" }));
        await RegisterAsync(CamphorCourt(yearBuilt: 1998, compoundId: "old-mill-lane"));

        var response = await _host.Client.GetAsync(Summary());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var summary = await ReadAsync<CoFundingSummary>(response);
        summary.District.ShouldBe(_district);
        summary.Projects.ShouldBe(2);
        summary.EligibleProjects.ShouldBe(1);
        summary.AwardedProjects.ShouldBe(1);
        summary.GrantsAwarded.ShouldBe(234_370.94m);
        summary.GrantsPaid.ShouldBe(234_370.94m);
        summary.CityPaid.ShouldBe(117_185.47m);
        summary.DistrictPaid.ShouldBe(117_185.47m);
        summary.OtherMoneyOfAwardedProjects.ShouldBe(798_500.00m);
        summary.OtherMoneyBySource[FundingSource.CompoundPublicIncome].ShouldBe(426_000.00m);
        summary.OtherMoneyBySource[FundingSource.ResidentsSelfRaised].ShouldBe(372_500.00m);
        summary.OtherMoneyBySource.Count.ShouldBe(2);
        // 798,500.00 / 234,370.94 = 3.406...
        summary.Leverage.ShouldBe(3.41m);
        var other = await ReadAsync<CoFundingSummary>(await _host.Client.GetAsync(Summary(_ledger.NewDistrict("other"))));
        other.Projects.ShouldBe(0);
        other.Leverage.ShouldBeNull();
    }

    [Fact]
    public async Task a_bad_request_is_a_problem_and_nothing_is_appended()
    {
        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, Projects(), CamphorCourt(description: "  ")));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("co_funding.description_missing");
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        (await ReadItemsAsync<CoFundingEligibility>(await _host.Client.GetAsync(Projects()))).ShouldBeEmpty();
        (await ReadAsync<CoFundingSummary>(await _host.Client.GetAsync(Summary()))).Projects.ShouldBe(0);
    }

    [Fact]
    public async Task a_step_whose_body_still_names_the_project_is_a_problem_and_nothing_is_appended()
    {
        // The project's id comes from the route; a body carrying it as well (as commands once did) is not read on a guess.
        var id = await AnAuditedProjectAsync();

        var response = await PostAsync(id, "settlements", new { projectId = id, paymentReference = "PAY-1" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe("request.body_invalid");
        (await ProjectAsync(id)).Version.ShouldBe(4);
    }

    [Fact]
    public async Task a_request_without_a_token_is_refused()
    {
        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, Projects(), CamphorCourt(), actor: null));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe("auth.token_missing");
        (await ReadItemsAsync<CoFundingEligibility>(await _host.Client.GetAsync(Projects()))).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_step_against_a_stale_version_fails_its_precondition_and_appends_nothing()
    {
        var id = await RegisterAsync(CamphorCourt());
        (await PostAsync(id, "start", ifMatch: 1)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var stale = await PostAsync(id, "completion", new { acceptanceReference = "YL-ACC-2022-0917" }, ifMatch: 1);

        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await ReadAsync<JsonElement>(stale)).GetProperty("code").GetString().ShouldBe("case.version_mismatch");
        var view = await ProjectAsync(id);
        view.Version.ShouldBe(2);
        view.Stage.ShouldBe(ProjectStage.Started);
    }

    [Fact]
    public async Task an_award_before_completion_is_refused_with_the_reason()
    {
        var id = await RegisterAsync(CamphorCourt());
        await OkAsync(PostAsync(id, "start"));

        var response = await PostAsync(id, "award");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("co_funding.not_ready");
        problem.GetProperty("detail").GetString()!.ShouldContain("not accepted yet");
        var view = await ProjectAsync(id);
        view.Version.ShouldBe(2);
        view.Grant.ShouldBeNull();
    }

    [Fact]
    public async Task another_district_sees_no_such_project()
    {
        var id = await RegisterAsync(CamphorCourt());
        var other = _ledger.NewDistrict("other");

        (await _host.Client.GetAsync($"{Projects(other)}/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PostAsync(id, "start", district: other)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProjectAsync(id)).Stage.ShouldBe(ProjectStage.Registered);
    }

    [Fact]
    public async Task a_project_spending_the_fund_is_registered_on_the_committee_s_approval_of_the_same_district()
    {
        var vote = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", new
        {
            compoundId = "compound-1",
            compoundName = "Test Compound",
            proposal = new { description = "Lighting renewal", amount = 30_000.00m },
            roll = Votes.SixUnits(),
            opensAt = _host.Clock.GetUtcNow(),
            closesAt = _host.Clock.GetUtcNow().AddDays(7),
        }));
        var voteId = (await ReadAsync<CommandOutcome>(vote)).CaseId;
        var body = CamphorCourt(compoundId: "compound-1", maintenanceFund: 30_000.00m, renovationVoteId: voteId);

        var undecided = await _host.Client.SendAsync(Request(HttpMethod.Post, Projects(), body));
        undecided.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ReadAsync<JsonElement>(undecided)).GetProperty("code").GetString().ShouldBe("co_funding.vote_not_decided");
        var elsewhere = await _host.Client.SendAsync(Request(HttpMethod.Post, Projects(_ledger.NewDistrict("other")), body));
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ReadAsync<JsonElement>(elsewhere)).GetProperty("code").GetString().ShouldBe("co_funding.vote_not_found");

        (await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{voteId}/committee-decision",
            new { approved = true, note = "Minute 12" }, actor: "committee-1"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var id = await RegisterAsync(body);

        var view = await ProjectAsync(id);
        view.RenovationVoteId.ShouldBe(voteId);
        view.OtherMoney.ShouldBe(828_500.00m);
        view.Criteria.Single(c => c.Clause == Eligibility.VoteClause).Detail.ShouldContain("owners' committee");
    }
}

/// <summary>The demo data the host seeds into <see cref="Ledger.SeededDistrict"/> (yuelu), read and never written.</summary>
[Collection(LedgerCollection.Name)]
public sealed class when_the_host_starts_with_the_co_funding_seeds(Ledger ledger)
{
    private static readonly Guid SunshineGarden = Guid.Parse("0190c9a0-0000-7000-8000-000000000102");

    private LedgerHost _host => ledger.Host;

    [Fact]
    public async Task yuelu_s_summary_adds_up_the_seeded_projects()
    {
        var summary = await ReadAsync<CoFundingSummary>(await _host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/co-funding-summary"));

        summary.Projects.ShouldBe(3);
        summary.EligibleProjects.ShouldBe(2);
        summary.AwardedProjects.ShouldBe(2);
        // Camphor Court 234,370.94 + Sunshine Garden 1,184,628.11 after its claw-back, both settled.
        summary.GrantsAwarded.ShouldBe(1_418_999.05m);
        summary.GrantsPaid.ShouldBe(1_418_999.05m);
        summary.OtherMoneyOfAwardedProjects.ShouldBe(4_825_500.00m);
        summary.OtherMoneyBySource[FundingSource.OutsideFunds].ShouldBe(2_337_000.00m);
        summary.Leverage.ShouldBe(3.40m);
    }

    [Fact]
    public async Task the_seeded_claw_back_is_recovered()
    {
        var view = await ReadAsync<CoFundingEligibility>(await _host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/co-funding-projects/{SunshineGarden}"));

        view.RenovationVoteId.ShouldBe(Guid.Parse("0190c9a0-0000-7000-8000-000000000001"));
        view.AuditRevisions.ShouldBe(2);
        view.Adjustments.ShouldHaveSingleItem().Difference.Total.ShouldBe(-9_747.04m);
        view.Paid.Total.ShouldBe(1_184_628.11m);
        view.Balance.ShouldBe(0m);
    }
}
