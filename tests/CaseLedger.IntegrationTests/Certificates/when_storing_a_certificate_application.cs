using CaseLedger.Audit;
using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.Certificates;

[Collection(LedgerCollection.Name)]
public sealed class when_storing_a_certificate_application(Ledger ledger)
{
    private static readonly DateTimeOffset Start = CertificateApplications.Start;
    private static readonly Acting Clerk = new("clerk-3", Channel.ServiceWindow, Role.Clerk);
    private readonly string _district = ledger.NewDistrict("cert");

    private CasePipeline Pipeline => ledger.Host.Services.GetRequiredService<CasePipeline>();

    private CaseKinds Kinds => ledger.Host.Services.GetRequiredService<CaseKinds>();

    private Task<CommandOutcome> ApplyAsync(string district, Guid id, ApplyForCertificate command, Acting acting, DateTimeOffset now) =>
        Pipeline.ExecuteAsync(new CommandRequest(district, id, command, acting) { At = now });

    private Task<CommandOutcome> StepAsync(string district, Guid id, object command, DateTimeOffset at, long? expectedVersion = null) =>
        Pipeline.ExecuteAsync(new CommandRequest(district, id, command, Clerk) { At = at, ExpectedVersion = expectedVersion });

    private Task<CommandOutcome> ReviewAsync(string district, Guid id, DateTimeOffset at, long? expectedVersion = null) =>
        StepAsync(district, id, new ReviewCertificateApplication(), at, expectedVersion);

    [Fact]
    public async Task events_round_trip_with_their_names_and_metadata()
    {
        var id = Guid.NewGuid();
        var applicant = new Acting("applicant-0001", Channel.WeChatMiniProgram, Role.Resident, CorrelationId: "corr-1", CausationId: "cause-1");
        (await ApplyAsync(_district, id, CertificateApplications.Eligible(), applicant, Start)).IsAccepted.ShouldBeTrue();
        (await ReviewAsync(_district, id, Start.AddHours(3))).IsAccepted.ShouldBeTrue();

        await using var query = ledger.Store.QuerySession(_district);
        var history = await CaseHistories.ReadAsync(query, Kinds, id);

        history.ShouldNotBeNull();
        history.Version.ShouldBe(3);
        history.District.ShouldBe(_district);
        history.Kind.ShouldBe(CertificateKind.KindName);
        history.Events.Select(e => e.Type).ShouldBe(["certificate.applied.v1", "certificate.eligibility_decided.v1", "certificate.reviewed.v1"]);
        history.Events.ShouldAllBe(e => e.Rule == "certificate-online@1");
        var (applied, decided, reviewed) = (history.Events[0], history.Events[1], history.Events[2]);
        applied.Actor.ShouldBe("applicant-0001");
        applied.Channel.ShouldBe("WeChatMiniProgram");
        applied.CorrelationId.ShouldBe("corr-1");
        applied.CausationId.ShouldBe("cause-1");
        decided.Actor.ShouldBe("applicant-0001");
        reviewed.Actor.ShouldBe("clerk-3");
        reviewed.Channel.ShouldBe("ServiceWindow");
        var application = applied.Data.ShouldBeOfType<CertificateApplied>();
        application.ApplicationId.ShouldBe(id);
        application.ApplicationDate.ShouldBe(new DateOnly(2025, 12, 1));
        application.Rules.MinimumAge.ShouldBe(16);
        application.AppliedAt.ShouldBe(Start);
        var eligibility = decided.Data.ShouldBeOfType<CertificateEligibilityDecided>();
        eligibility.Route.ShouldBe(CertificateRoute.FullyOnline);
        eligibility.Criteria.Count.ShouldBe(6);
        reviewed.Data.ShouldBeOfType<CertificateApplicationReviewed>().ReviewedAt.ShouldBe(Start.AddHours(3));
    }

    [Fact]
    public async Task a_proxy_application_records_actor_and_subject_and_goes_to_a_window()
    {
        var id = Guid.NewGuid();
        var proxy = new Acting("staff-help-and-handle-01", Channel.Proxy, Role.Proxy, OnBehalfOf: "applicant-0001");

        (await ApplyAsync(_district, id, CertificateApplications.Eligible(), proxy, Start)).IsAccepted.ShouldBeTrue();

        await using var query = ledger.Store.QuerySession(_district);
        var history = (await CaseHistories.ReadAsync(query, Kinds, id)).ShouldNotBeNull();
        history.Events[0].Actor.ShouldBe("staff-help-and-handle-01");
        history.Events[0].OnBehalfOf.ShouldBe("applicant-0001");
        history.Events[0].Channel.ShouldBe("Proxy");
        var view = (await query.LoadAsync<CertificateEligibility>(id)).ShouldNotBeNull();
        view.Route.ShouldBe(CertificateRoute.InPersonWindow);
        view.Criteria.Where(c => !c.Met).Select(c => c.Clause).ShouldBe([Eligibility.ChannelClause]);
    }

    [Fact]
    public async Task the_snapshot_and_the_read_model_are_updated_in_the_same_transaction()
    {
        var id = Guid.NewGuid();
        (await ApplyAsync(_district, id, CertificateApplications.Eligible(DocumentType.HongKongMacaoPermit), new Acting("applicant-0001", Channel.AlipayMiniProgram, Role.Resident), Start))
            .IsAccepted.ShouldBeTrue();
        (await ReviewAsync(_district, id, Start.AddHours(2))).IsAccepted.ShouldBeTrue();

        await using var query = ledger.Store.QuerySession(_district);
        var snapshot = (await query.LoadAsync<Certificate>(id)).ShouldNotBeNull();
        var view = (await query.LoadAsync<CertificateEligibility>(id)).ShouldNotBeNull();

        snapshot.Status.ShouldBe(CertificateStatus.Reviewed);
        snapshot.Rule.ShouldBe(new RuleRef("certificate-online", "1"));
        snapshot.LastStepAt.ShouldBe(Start.AddHours(2));
        view.Status.ShouldBe(CertificateStatus.Reviewed);
        view.Version.ShouldBe(3);
        view.DocumentType.ShouldBe(DocumentType.HongKongMacaoPermit);
        view.Channel.ShouldBe(Channel.AlipayMiniProgram);
        view.ReviewedAt.ShouldBe(Start.AddHours(2));
    }

    [Fact]
    public async Task a_refused_step_appends_nothing()
    {
        var id = Guid.NewGuid();
        await ApplyAsync(_district, id, CertificateApplications.Eligible(), new Acting("applicant-0001", Channel.OnlinePlatform, Role.Resident), Start);

        var outcome = await StepAsync(_district, id, new MailCertificate("SF1"), Start.AddHours(1));

        outcome.Rejection!.Code.ShouldBe("certificate.out_of_order");
        outcome.Appended.ShouldBeEmpty();
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(2);
        (await query.LoadAsync<CertificateEligibility>(id))!.Status.ShouldBe(CertificateStatus.AwaitingReview);
    }

    [Fact]
    public async Task a_refused_application_appends_nothing()
    {
        var id = Guid.NewGuid();
        var command = CertificateApplications.Eligible() with { ExistingDocument = null };

        var outcome = await ApplyAsync(_district, id, command, new Acting("applicant-0001", Channel.OnlinePlatform, Role.Resident), Start);

        outcome.Rejection!.Code.ShouldBe("certificate.existing_document_missing");
        outcome.Rejection.Kind.ShouldBe(RejectionKind.Invalid);
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamStateAsync(id)).ShouldBeNull();
        (await query.LoadAsync<CertificateEligibility>(id)).ShouldBeNull();
    }

    [Fact]
    public async Task another_district_can_neither_read_nor_write_the_application()
    {
        var id = Guid.NewGuid();
        var otherDistrict = ledger.NewDistrict("other");
        await ApplyAsync(_district, id, CertificateApplications.Eligible(), new Acting("applicant-0001", Channel.OnlinePlatform, Role.Resident), Start);

        await using (var other = ledger.Store.QuerySession(otherDistrict))
        {
            (await other.Events.FetchStreamAsync(id)).ShouldBeEmpty();
            (await other.LoadAsync<CertificateEligibility>(id)).ShouldBeNull();
            (await other.LoadAsync<Certificate>(id)).ShouldBeNull();
            (await other.Query<CertificateEligibility>().Where(e => e.Id == id).ToListAsync()).ShouldBeEmpty();
            (await CertificateCounts.CountAsync(other)).ShouldBeEmpty();
            (await CaseHistories.ReadAsync(other, Kinds, id)).ShouldBeNull();
        }

        var outcome = await ReviewAsync(otherDistrict, id, Start.AddHours(1));

        outcome.Rejection!.Code.ShouldBe("case.not_found");
        await using var own = ledger.Store.QuerySession(_district);
        (await own.Events.FetchStreamAsync(id)).Count.ShouldBe(2);
        (await own.LoadAsync<CertificateEligibility>(id))!.Status.ShouldBe(CertificateStatus.AwaitingReview);
    }

    [Fact]
    public async Task a_write_against_a_stale_version_is_refused_and_appends_nothing()
    {
        var id = Guid.NewGuid();
        await ApplyAsync(_district, id, CertificateApplications.Eligible(), new Acting("applicant-0001", Channel.OnlinePlatform, Role.Resident), Start);
        (await ReviewAsync(_district, id, Start.AddHours(1), expectedVersion: 2)).IsAccepted.ShouldBeTrue();

        var stale = await StepAsync(_district, id, new ApproveCertificate(), Start.AddHours(2), expectedVersion: 2);

        stale.Rejection!.Code.ShouldBe("case.version_mismatch");
        stale.Rejection.Kind.ShouldBe(RejectionKind.Stale);
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(3);
        (await query.LoadAsync<CertificateEligibility>(id))!.Status.ShouldBe(CertificateStatus.Reviewed);
    }

    [Fact]
    public async Task the_district_is_counted_by_document_type_and_route_in_the_database()
    {
        var neighbour = ledger.NewDistrict("neighbour");
        var acting = new Acting("applicant-0001", Channel.WeChatMiniProgram, Role.Resident);
        await ApplyAsync(_district, Guid.NewGuid(), CertificateApplications.Eligible(), acting, Start);
        await ApplyAsync(_district, Guid.NewGuid(), CertificateApplications.Eligible(), acting, Start);
        await ApplyAsync(_district, Guid.NewGuid(), CertificateApplications.WithoutFingerprints(), acting, Start);
        await ApplyAsync(_district, Guid.NewGuid(), CertificateApplications.Eligible(DocumentType.TaiwanPermit), acting, Start);
        await ApplyAsync(neighbour, Guid.NewGuid(), CertificateApplications.Eligible(DocumentType.TaiwanPermit), acting, Start);

        await using var query = ledger.Store.QuerySession(_district);
        var counts = await CertificateCounts.CountAsync(query);

        counts.ShouldBe([
            new CertificateCount(DocumentType.OrdinaryPassport, CertificateRoute.FullyOnline, 2),
            new CertificateCount(DocumentType.OrdinaryPassport, CertificateRoute.InPersonWindow, 1),
            new CertificateCount(DocumentType.TaiwanPermit, CertificateRoute.FullyOnline, 1),
        ]);
    }
}
