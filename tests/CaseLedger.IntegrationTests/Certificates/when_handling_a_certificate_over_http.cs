using System.Net;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Certificates;

[Collection(LedgerCollection.Name)]
public sealed class when_handling_a_certificate_over_http
{
    private readonly Ledger _ledger;
    private readonly string _district;

    public when_handling_a_certificate_over_http(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("cert-http");
        ledger.Clock.Set(CertificateApplications.Start);
    }

    private LedgerHost Host => _ledger.Host;

    private async Task<Guid> ApplyAsync(string? district = null, object? body = null, string channel = "WeChatMiniProgram")
    {
        district ??= _district;
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{district}/certificates",
            body ?? CertificateApplications.Body(), actor: "applicant-0001", channel: channel));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var outcome = await ReadAsync<CommandOutcome>(response);
        response.Headers.Location!.ToString().ShouldBe($"/districts/{district}/certificates/{outcome.CaseId}");
        outcome.Version.ShouldBe(2);
        return outcome.CaseId;
    }

    private Task<HttpResponseMessage> StepAsync(Guid id, string step, object? body = null, long? ifMatch = null, string? district = null) =>
        Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{district ?? _district}/certificates/{id}/{step}", body, actor: "clerk-3", ifMatch: ifMatch));

    private async Task<CertificateEligibility> ViewAsync(Guid id)
    {
        var response = await Host.Client.GetAsync($"/districts/{_district}/certificates/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadAsync<CertificateEligibility>(response);
    }

    private async Task<List<CertificateEligibility>> ListAsync(string district)
    {
        var response = await Host.Client.GetAsync($"/districts/{district}/certificates");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadItemsAsync<CertificateEligibility>(response);
    }

    private async Task<CaseHistory> HistoryAsync(Guid id)
    {
        var response = await Host.Client.GetAsync($"/districts/{_district}/cases/{id}/events");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadAsync<CaseHistory>(response);
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString();

    [Fact]
    public async Task an_application_goes_from_the_mini_program_to_the_doorstep()
    {
        var id = await ApplyAsync();
        var applied = await ViewAsync(id);
        applied.Route.ShouldBe(CertificateRoute.FullyOnline);
        applied.Status.ShouldBe(CertificateStatus.AwaitingReview);
        applied.ApplicationDate.ShouldBe(new DateOnly(2025, 12, 1));

        Host.Clock.Advance(TimeSpan.FromHours(5));
        (await StepAsync(id, "review")).StatusCode.ShouldBe(HttpStatusCode.OK);
        Host.Clock.Advance(TimeSpan.FromMinutes(40));
        (await StepAsync(id, "approve")).StatusCode.ShouldBe(HttpStatusCode.OK);
        Host.Clock.Advance(TimeSpan.FromHours(20));
        (await StepAsync(id, "produce")).StatusCode.ShouldBe(HttpStatusCode.OK);
        Host.Clock.Advance(TimeSpan.FromHours(6));
        var mailed = await StepAsync(id, "mail", new { trackingReference = "SF1458203377061" });
        mailed.StatusCode.ShouldBe(HttpStatusCode.OK);
        mailed.Headers.ETag!.Tag.ShouldBe("\"6\"");
        Host.Clock.Advance(TimeSpan.FromHours(41).Add(TimeSpan.FromMinutes(20)));
        (await StepAsync(id, "deliver")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var delivered = await ViewAsync(id);
        delivered.Status.ShouldBe(CertificateStatus.Delivered);
        delivered.TrackingReference.ShouldBe("SF1458203377061");
        delivered.AppliedAt.ShouldBe(CertificateApplications.Start);
        delivered.DeliveredAt.ShouldBe(CertificateApplications.Start.AddHours(73));
        // 73 hours = 3.041666... days.
        delivered.ElapsedDays.ShouldBe(3.04m);
        delivered.Version.ShouldBe(7);

        var history = await HistoryAsync(id);
        history.Kind.ShouldBe(CertificateKind.KindName);
        history.Events.Select(e => e.Type).ShouldBe([
            "certificate.applied.v1", "certificate.eligibility_decided.v1", "certificate.reviewed.v1", "certificate.approved.v1",
            "certificate.produced.v1", "certificate.mailed.v1", "certificate.delivered.v1"]);
        history.Events[0].Actor.ShouldBe("applicant-0001");
        history.Events[0].Channel.ShouldBe("WeChatMiniProgram");
        history.Events[2].Actor.ShouldBe("clerk-3");
        history.Events.ShouldAllBe(e => e.Rule == "certificate-online@1");
    }

    [Fact]
    public async Task an_application_at_a_window_is_taken_routed_and_then_goes_no_further_online()
    {
        var id = await ApplyAsync(channel: "ServiceWindow");

        var view = await ViewAsync(id);
        view.Route.ShouldBe(CertificateRoute.InPersonWindow);
        view.Status.ShouldBe(CertificateStatus.RoutedToWindow);
        view.Criteria.Single(c => !c.Met).Clause.ShouldBe(Eligibility.ChannelClause);

        var review = await StepAsync(id, "review");
        review.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await CodeOf(review)).ShouldBe("certificate.routed_to_window");
        (await HistoryAsync(id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task a_missing_date_of_birth_is_a_problem_and_nothing_is_appended()
    {
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/certificates",
            CertificateApplications.Body(dateOfBirth: null), actor: "applicant-0001", channel: "OnlinePlatform"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("certificate.date_of_birth_missing");
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        (await ListAsync(_district)).ShouldBeEmpty();
    }

    [Fact]
    public async Task an_unknown_document_type_is_a_problem_naming_where_the_body_is_wrong()
    {
        // The body holds the document type by name, so the JSON reader refuses an unknown one before any
        // decision, naming the known types.
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/certificates",
            CertificateApplications.Body(documentType: "ResidencePermit"), actor: "applicant-0001", channel: "OnlinePlatform"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("request.body_invalid");
        problem.GetProperty("path").GetString().ShouldBe("$.documentType");
        problem.GetProperty("detail").GetString().ShouldBe("$.documentType: expected one of: OrdinaryPassport, HongKongMacaoPermit, TaiwanPermit");
        (await ListAsync(_district)).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_rejection_without_a_reason_is_a_problem()
    {
        var id = await ApplyAsync();
        (await StepAsync(id, "review")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await StepAsync(id, "reject", new { reason = " " });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(response)).ShouldBe("certificate.reason_missing");
        (await HistoryAsync(id)).Version.ShouldBe(3);
    }

    [Fact]
    public async Task a_step_out_of_order_is_refused_with_the_reason()
    {
        var id = await ApplyAsync();

        var response = await StepAsync(id, "deliver");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("certificate.out_of_order");
        problem.GetProperty("detail").GetString()!.ShouldContain("must first be mailed");
        (await HistoryAsync(id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task a_step_against_a_stale_version_fails_its_precondition_and_appends_nothing()
    {
        var id = await ApplyAsync();
        (await StepAsync(id, "review", ifMatch: 2)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var stale = await StepAsync(id, "approve", ifMatch: 2);

        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await CodeOf(stale)).ShouldBe("case.version_mismatch");
        (await HistoryAsync(id)).Version.ShouldBe(3);
        (await ViewAsync(id)).Status.ShouldBe(CertificateStatus.Reviewed);
    }

    [Fact]
    public async Task another_district_sees_no_such_application()
    {
        var id = await ApplyAsync();
        var other = _ledger.NewDistrict("other");

        (await Host.Client.GetAsync($"/districts/{other}/certificates/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Host.Client.GetAsync($"/districts/{other}/cases/{id}/events")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await StepAsync(id, "review", district: other)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await HistoryAsync(id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task the_counts_group_the_districts_applications_by_document_type_and_route()
    {
        var neighbour = _ledger.NewDistrict("neighbour");
        await ApplyAsync();
        await ApplyAsync();
        await ApplyAsync(body: CertificateApplications.Body(documentType: "TaiwanPermit"));
        await ApplyAsync(body: CertificateApplications.Body(fingerprintsOnFile: false));
        await ApplyAsync(neighbour, CertificateApplications.Body(documentType: "HongKongMacaoPermit"));

        var response = await Host.Client.GetAsync($"/districts/{_district}/certificates/counts");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync<List<CertificateCount>>(response)).ShouldBe([
            new CertificateCount(DocumentType.OrdinaryPassport, CertificateRoute.FullyOnline, 2),
            new CertificateCount(DocumentType.OrdinaryPassport, CertificateRoute.InPersonWindow, 1),
            new CertificateCount(DocumentType.TaiwanPermit, CertificateRoute.FullyOnline, 1),
        ]);
        var raw = await ReadAsync<JsonElement>(await Host.Client.GetAsync($"/districts/{_district}/certificates/counts"));
        raw[0].GetProperty("documentType").GetString().ShouldBe("OrdinaryPassport");
        raw[0].GetProperty("route").GetString().ShouldBe("FullyOnline");
        raw[0].GetProperty("count").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task the_list_can_be_narrowed_to_a_route_and_refuses_unknown_filters()
    {
        await ApplyAsync();
        await ApplyAsync(channel: "ServiceWindow");

        var routed = await ReadItemsAsync<CertificateEligibility>(await Host.Client.GetAsync($"/districts/{_district}/certificates?route=InPersonWindow"));
        var bad = await Host.Client.GetAsync($"/districts/{_district}/certificates?status=Lost");

        routed.ShouldHaveSingleItem().Route.ShouldBe(CertificateRoute.InPersonWindow);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(bad)).ShouldBe("query.filter_unknown_value");
    }
}
