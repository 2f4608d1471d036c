using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.IntegrationTests.Certificates;

// The read model is a pure function of the events: Marten's own rebuild, replaying every stored event
// through the projection, must give back exactly the documents the inline projection wrote live.
[Collection(PostgresCollection.Name)]
public sealed class when_rebuilding_the_eligibility_read_model(PostgresServer server) : IAsyncLifetime
{
    private static readonly RuleBook Rules = RuleBook.Default();
    private static readonly DateTimeOffset Start = CertificateApplications.Start;
    private static readonly string[] Districts = ["yuelu", "furong"];
    private DocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = Stores.For(await server.CreateDatabaseAsync("rebuild"));
        foreach (var district in Districts)
        {
            await ApplicationsAtEveryStageAsync(district);
        }
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task rebuilding_from_the_events_gives_back_the_live_documents()
    {
        var live = await StoredJsonAsync<CertificateEligibility>();
        live.Values.Sum(d => d.Count).ShouldBe(14);
        // Damage the live documents, so that only a real replay can restore them.
        var (first, second) = (live["yuelu"].Keys.First(), live["yuelu"].Keys.Last());
        await using (var session = _store.LightweightSession("yuelu"))
        {
            var damaged = (await session.LoadAsync<CertificateEligibility>(first))!;
            session.Store(damaged with { Status = CertificateStatus.Delivered, ElapsedDays = 99m });
            session.Delete<CertificateEligibility>(second);
            await session.SaveChangesAsync();
        }

        var broken = await StoredJsonAsync<CertificateEligibility>();
        broken["yuelu"][first].ShouldNotBe(live["yuelu"][first]);
        broken["yuelu"].ShouldNotContainKey(second);

        using var daemon = await _store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<CertificateEligibility>(CancellationToken.None);

        var rebuilt = await StoredJsonAsync<CertificateEligibility>();
        foreach (var district in Districts)
        {
            rebuilt[district].Keys.ShouldBe(live[district].Keys, ignoreOrder: true);
            foreach (var (id, json) in live[district])
            {
                rebuilt[district][id].ShouldBe(json, $"{district}/{id}");
            }
        }
    }

    [Fact]
    public async Task rebuilding_the_write_side_snapshot_gives_back_the_live_snapshots()
    {
        var live = await StoredJsonAsync<Certificate>();

        using var daemon = await _store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<Certificate>(CancellationToken.None);

        var rebuilt = await StoredJsonAsync<Certificate>();
        foreach (var district in Districts)
        {
            rebuilt[district].ShouldBe(live[district], ignoreOrder: true);
        }
    }

    /// <summary>The stored JSON of every document of a type, by district and id.</summary>
    private async Task<Dictionary<string, Dictionary<Guid, string>>> StoredJsonAsync<T>() where T : class
    {
        var result = new Dictionary<string, Dictionary<Guid, string>>();
        foreach (var district in Districts)
        {
            await using var query = _store.QuerySession(district);
            var ids = await query.Events.QueryAllRawEvents().Select(e => e.StreamId).Distinct().ToListAsync();
            var documents = new Dictionary<Guid, string>();
            foreach (var id in ids)
            {
                if (await query.Json.FindByIdAsync<T>(id) is { } json)
                {
                    documents[id] = json;
                }
            }

            result[district] = documents;
        }

        return result;
    }

    /// <summary>Seven applications: awaiting review, reviewed, rejected, delivered (two), routed to a window (two).</summary>
    private async Task ApplicationsAtEveryStageAsync(string district)
    {
        var applicant = new Acting("applicant", Channel.WeChatMiniProgram);
        var clerk = new Acting("clerk", Channel.ServiceWindow);
        var stages = new (ApplyForCertificate Command, Func<Guid, Certificate, DateTimeOffset, Decision>[] Steps)[]
        {
            (CertificateApplications.Eligible(Guid.NewGuid()), []),
            (CertificateApplications.Eligible(Guid.NewGuid(), DocumentType.TaiwanPermit), [Review]),
            (CertificateApplications.Eligible(Guid.NewGuid()), [Review, (id, c, at) => ReviewingAnApplication.Decide(new RejectCertificateApplication(id, "Photo"), c, at)]),
            (CertificateApplications.Eligible(Guid.NewGuid(), DocumentType.HongKongMacaoPermit), [Review, Approve, Produce, Mail, Deliver]),
            (CertificateApplications.Eligible(Guid.NewGuid()), [Review, Approve, Produce, Mail, Deliver]),
            (CertificateApplications.WithoutFingerprints(Guid.NewGuid()), []),
            (CertificateApplications.WithoutFingerprints(Guid.NewGuid(), DocumentType.TaiwanPermit), []),
        };

        foreach (var (command, steps) in stages)
        {
            var at = Start;
            await using (var session = _store.LightweightSession(district))
            {
                (await CaseCommands.StartAsync<Certificate>(session, command.ApplicationId, applicant,
                    () => ApplyingForACertificate.Decide(command, applicant.Channel, at, Rules))).IsAccepted.ShouldBeTrue();
            }

            foreach (var step in steps)
            {
                // Uneven gaps, so elapsed days carry decimals.
                at = at.AddHours(17).AddMinutes(23);
                var stepAt = at;
                await using var session = _store.LightweightSession(district);
                (await CaseCommands.ExecuteAsync<Certificate>(session, command.ApplicationId, null, clerk,
                    c => step(command.ApplicationId, c, stepAt))).IsAccepted.ShouldBeTrue();
            }
        }
    }

    private static Decision Review(Guid id, Certificate c, DateTimeOffset at) => ReviewingAnApplication.Decide(new ReviewCertificateApplication(id), c, at);

    private static Decision Approve(Guid id, Certificate c, DateTimeOffset at) => ReviewingAnApplication.Decide(new ApproveCertificate(id), c, at);

    private static Decision Produce(Guid id, Certificate c, DateTimeOffset at) => IssuingACertificate.Decide(new ProduceCertificate(id), c, at);

    private static Decision Mail(Guid id, Certificate c, DateTimeOffset at) => IssuingACertificate.Decide(new MailCertificate(id, "SF1458203377061"), c, at);

    private static Decision Deliver(Guid id, Certificate c, DateTimeOffset at) => IssuingACertificate.Decide(new RecordCertificateDelivery(id), c, at);
}
