using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.IntegrationTests.Certificates;

[Collection(PostgresCollection.Name)]
public sealed class when_storing_a_certificate_application(PostgresServer server) : IAsyncLifetime
{
    private static readonly RuleBook Rules = RuleBook.Default();
    private static readonly DateTimeOffset Start = CertificateApplications.Start;
    private DocumentStore _store = null!;

    public async Task InitializeAsync() => _store = Stores.For(await server.CreateDatabaseAsync("certificates"));

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private async Task<CommandOutcome> ApplyAsync(string district, ApplyForCertificate command, Acting acting, DateTimeOffset now)
    {
        await using var session = _store.LightweightSession(district);
        return await CaseCommands.StartAsync<Certificate>(session, command.ApplicationId, acting,
            () => ApplyingForACertificate.Decide(command, acting.Channel, now, Rules));
    }

    private async Task<CommandOutcome> StepAsync(string district, Guid id, Acting acting, Func<Certificate, Decision> decide, long? expectedVersion = null)
    {
        await using var session = _store.LightweightSession(district);
        return await CaseCommands.ExecuteAsync(session, id, expectedVersion, acting, decide);
    }

    private Task<CommandOutcome> ReviewAsync(string district, Guid id, DateTimeOffset at, long? expectedVersion = null) =>
        StepAsync(district, id, new Acting("clerk-3", Channel.ServiceWindow),
            c => ReviewingAnApplication.Decide(new ReviewCertificateApplication(id), c, at), expectedVersion);

    [Fact]
    public async Task events_round_trip_with_their_names_and_metadata()
    {
        var id = Guid.NewGuid();
        var applicant = new Acting("applicant-0001", Channel.WeChatMiniProgram, CorrelationId: "corr-1", CausationId: "cause-1");
        (await ApplyAsync("yuelu", CertificateApplications.Eligible(id), applicant, Start)).IsAccepted.ShouldBeTrue();
        (await ReviewAsync("yuelu", id, Start.AddHours(3))).IsAccepted.ShouldBeTrue();

        await using var query = _store.QuerySession("yuelu");
        var history = await CaseHistoryEndpoints.Read(query, new CaseKinds(), id);

        history.ShouldNotBeNull();
        history.Version.ShouldBe(3);
        history.District.ShouldBe("yuelu");
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
        var proxy = new Acting("staff-help-and-handle-01", Channel.Proxy, OnBehalfOf: "applicant-0001");

        (await ApplyAsync("yuelu", CertificateApplications.Eligible(id), proxy, Start)).IsAccepted.ShouldBeTrue();

        await using var query = _store.QuerySession("yuelu");
        var history = (await CaseHistoryEndpoints.Read(query, new CaseKinds(), id)).ShouldNotBeNull();
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
        await ApplyAsync("yuelu", CertificateApplications.Eligible(id, DocumentType.HongKongMacaoPermit), new Acting("a-1", Channel.AlipayMiniProgram), Start);
        await ReviewAsync("yuelu", id, Start.AddHours(2));

        await using var query = _store.QuerySession("yuelu");
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
        await ApplyAsync("yuelu", CertificateApplications.Eligible(id), new Acting("a-1", Channel.OnlinePlatform), Start);

        var outcome = await StepAsync("yuelu", id, new Acting("clerk-3", Channel.ServiceWindow),
            c => IssuingACertificate.Decide(new MailCertificate(id, "SF1"), c, Start.AddHours(1)));

        outcome.Rejection!.Code.ShouldBe("certificate.out_of_order");
        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(2);
        (await query.LoadAsync<CertificateEligibility>(id))!.Status.ShouldBe(CertificateStatus.AwaitingReview);
    }

    [Fact]
    public async Task a_refused_application_appends_nothing()
    {
        var id = Guid.NewGuid();
        var command = CertificateApplications.Eligible(id) with { ExistingDocument = null };

        var outcome = await ApplyAsync("yuelu", command, new Acting("a-1", Channel.OnlinePlatform), Start);

        outcome.Rejection!.Code.ShouldBe("certificate.existing_document_missing");
        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamStateAsync(id)).ShouldBeNull();
        (await query.LoadAsync<CertificateEligibility>(id)).ShouldBeNull();
    }

    [Fact]
    public async Task another_district_can_neither_read_nor_write_the_application()
    {
        var id = Guid.NewGuid();
        await ApplyAsync("yuelu", CertificateApplications.Eligible(id), new Acting("a-1", Channel.OnlinePlatform), Start);

        await using (var other = _store.QuerySession("furong"))
        {
            (await other.Events.FetchStreamAsync(id)).ShouldBeEmpty();
            (await other.LoadAsync<CertificateEligibility>(id)).ShouldBeNull();
            (await other.LoadAsync<Certificate>(id)).ShouldBeNull();
            (await other.Query<CertificateEligibility>().Where(e => e.Id == id).ToListAsync()).ShouldBeEmpty();
            (await CertificateEndpoints.CountAsync(other)).ShouldBeEmpty();
            (await CaseHistoryEndpoints.Read(other, new CaseKinds(), id)).ShouldBeNull();
        }

        var outcome = await ReviewAsync("furong", id, Start.AddHours(1));

        outcome.Rejection!.Code.ShouldBe("case.not_found");
        await using var own = _store.QuerySession("yuelu");
        (await own.Events.FetchStreamAsync(id)).Count.ShouldBe(2);
        (await own.LoadAsync<CertificateEligibility>(id))!.Status.ShouldBe(CertificateStatus.AwaitingReview);
    }

    [Fact]
    public async Task a_write_against_a_stale_version_loses()
    {
        var id = Guid.NewGuid();
        await ApplyAsync("yuelu", CertificateApplications.Eligible(id), new Acting("a-1", Channel.OnlinePlatform), Start);
        (await ReviewAsync("yuelu", id, Start.AddHours(1), expectedVersion: 2)).IsAccepted.ShouldBeTrue();

        await Should.ThrowAsync<JasperFx.ConcurrencyException>(() =>
            StepAsync("yuelu", id, new Acting("clerk-3", Channel.ServiceWindow),
                c => ReviewingAnApplication.Decide(new ApproveCertificate(id), c, Start.AddHours(2)), expectedVersion: 2));

        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task the_district_is_counted_by_document_type_and_route_in_the_database()
    {
        var acting = new Acting("a-1", Channel.WeChatMiniProgram);
        await ApplyAsync("tianxin", CertificateApplications.Eligible(Guid.NewGuid()), acting, Start);
        await ApplyAsync("tianxin", CertificateApplications.Eligible(Guid.NewGuid()), acting, Start);
        await ApplyAsync("tianxin", CertificateApplications.WithoutFingerprints(Guid.NewGuid()), acting, Start);
        await ApplyAsync("tianxin", CertificateApplications.Eligible(Guid.NewGuid(), DocumentType.TaiwanPermit), acting, Start);
        await ApplyAsync("kaifu", CertificateApplications.Eligible(Guid.NewGuid(), DocumentType.TaiwanPermit), acting, Start);

        await using var query = _store.QuerySession("tianxin");
        var counts = await CertificateEndpoints.CountAsync(query);

        counts.ShouldBe([
            new CertificateCount(DocumentType.OrdinaryPassport, CertificateRoute.FullyOnline, 2),
            new CertificateCount(DocumentType.OrdinaryPassport, CertificateRoute.InPersonWindow, 1),
            new CertificateCount(DocumentType.TaiwanPermit, CertificateRoute.FullyOnline, 1),
        ]);
    }
}
