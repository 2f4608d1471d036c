using CaseLedger.Audit;
using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;

namespace CaseLedger.IntegrationTests.Certificates;

// The read model is a pure function of the events: rebuilding it, replaying every stored event through
// the projection, must give back exactly the documents the inline projection wrote live.
[Collection(LedgerCollection.Name)]
public sealed class when_rebuilding_the_eligibility_read_model(Ledger ledger) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = CertificateApplications.Start;
    private readonly string[] _districts = [ledger.NewDistrict("rebuild"), ledger.NewDistrict("rebuild")];

    public async Task InitializeAsync()
    {
        foreach (var district in _districts)
        {
            await ApplicationsAtEveryStageAsync(district);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task rebuilding_from_the_events_gives_back_the_live_documents()
    {
        var live = await StoredJsonAsync<CertificateEligibility>();
        live.Values.Sum(d => d.Count).ShouldBe(14);
        // Damage the live documents, so that only a real replay can restore them.
        var district = _districts[0];
        var (first, second) = (live[district].Keys.First(), live[district].Keys.Last());
        await using (var session = ledger.Store.LightweightSession(district))
        {
            var damaged = (await session.LoadAsync<CertificateEligibility>(first))!;
            session.Store(damaged with { Status = CertificateStatus.Delivered, ElapsedDays = 99m });
            session.Delete<CertificateEligibility>(second);
            await session.SaveChangesAsync();
        }

        var broken = await StoredJsonAsync<CertificateEligibility>();
        broken[district][first].ShouldNotBe(live[district][first]);
        broken[district].ShouldNotContainKey(second);

        await Rebuilding.RebuildAsync(ledger.Store, nameof(CertificateEligibility));

        var rebuilt = await StoredJsonAsync<CertificateEligibility>();
        foreach (var each in _districts)
        {
            rebuilt[each].Keys.ShouldBe(live[each].Keys, ignoreOrder: true);
            foreach (var (id, json) in live[each])
            {
                rebuilt[each][id].ShouldBe(json, $"{each}/{id}");
            }
        }
    }

    [Fact]
    public async Task rebuilding_the_write_side_snapshot_gives_back_the_live_snapshots()
    {
        var live = await StoredJsonAsync<Certificate>();
        live.Values.Sum(d => d.Count).ShouldBe(14);

        await Rebuilding.RebuildAsync(ledger.Store, nameof(Certificate));

        var rebuilt = await StoredJsonAsync<Certificate>();
        foreach (var district in _districts)
        {
            rebuilt[district].ShouldBe(live[district], ignoreOrder: true);
        }
    }

    /// <summary>The stored JSON of every document of a type, by district and id.</summary>
    private async Task<Dictionary<string, Dictionary<Guid, string>>> StoredJsonAsync<T>() where T : class
    {
        var result = new Dictionary<string, Dictionary<Guid, string>>();
        foreach (var district in _districts)
        {
            await using var query = ledger.Store.QuerySession(district);
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
        var applicant = new Acting("applicant-0001", Channel.WeChatMiniProgram, Role.Resident);
        var clerk = new Acting("clerk", Channel.ServiceWindow, Role.Clerk);
        object[] delivered = [new ReviewCertificateApplication(), new ApproveCertificate(), new ProduceCertificate(),
            new MailCertificate("SF1458203377061"), new RecordCertificateDelivery()];
        var stages = new (ApplyForCertificate Command, object[] Steps)[]
        {
            (CertificateApplications.Eligible(), []),
            (CertificateApplications.Eligible(DocumentType.TaiwanPermit), [new ReviewCertificateApplication()]),
            (CertificateApplications.Eligible(), [new ReviewCertificateApplication(), new RejectCertificateApplication("Photo")]),
            (CertificateApplications.Eligible(DocumentType.HongKongMacaoPermit), delivered),
            (CertificateApplications.Eligible(), delivered),
            (CertificateApplications.WithoutFingerprints(), []),
            (CertificateApplications.WithoutFingerprints(DocumentType.TaiwanPermit), []),
        };

        foreach (var (command, steps) in stages)
        {
            var id = Guid.NewGuid();
            var at = Start;
            await SampleCases.RunAsync(ledger, district, id, command, at, applicant);
            foreach (var step in steps)
            {
                // Uneven gaps, so elapsed days carry decimals.
                at = at.AddHours(17).AddMinutes(23);
                await SampleCases.RunAsync(ledger, district, id, step, at, clerk);
            }
        }
    }
}
