using System.Net;
using CaseLedger.Audit;
using CaseLedger.Cases.Certificates;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Certificates;

// seeds/certificates/yuelu.json, its dated commands run through the pipeline when the shared host first starts; read only.
[Collection(LedgerCollection.Name)]
public sealed class when_the_certificate_seeds_are_loaded(Ledger ledger)
{
    private LedgerHost _host => ledger.Host;

    private async Task<List<CertificateEligibility>> ListAsync(string query = "")
    {
        var response = await _host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/certificates{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadItemsAsync<CertificateEligibility>(response);
    }

    [Fact]
    public async Task each_document_type_is_delivered_fully_online()
    {
        var delivered = await ListAsync("?status=Delivered");

        delivered.Select(d => d.DocumentType).ShouldBe(Enum.GetValues<DocumentType>(), ignoreOrder: true);
        delivered.ShouldAllBe(d => d.Route == CertificateRoute.FullyOnline && d.ElapsedDays > 0 && d.ElapsedDays < 7);
        delivered.ShouldAllBe(d => d.ApplicationDate >= new DateOnly(2025, 11, 20));
        var first = delivered.Single(d => d.ApplicantId == "cs-applicant-0001");
        // 2025-11-21 09:12 to 2025-11-24 11:20, Changsha time.
        first.ElapsedDays.ShouldBe(3.09m);
    }

    [Fact]
    public async Task each_criterion_fails_alone_for_one_applicant_who_is_routed_to_a_window()
    {
        var routed = await ListAsync("?route=InPersonWindow");

        var unmet = routed.Select(r => r.Criteria.Where(c => !c.Met).Select(c => c.Clause).ShouldHaveSingleItem()).ToList();
        unmet.ShouldBe([
            Eligibility.RouteOpenClause, Eligibility.ChannelClause, Eligibility.HouseholdCityClause,
            Eligibility.AgeClause, Eligibility.DocumentSituationClause, Eligibility.FingerprintsClause], ignoreOrder: true);
        routed.ShouldAllBe(r => r.Status == CertificateStatus.RoutedToWindow);
        routed.Single(r => r.Criteria.Any(c => c.Clause == Eligibility.RouteOpenClause && !c.Met)).Rule.Version.ShouldBe("0");
    }

    [Fact]
    public async Task one_application_was_rejected_at_review_with_its_reason()
    {
        var rejected = (await ListAsync("?status=Rejected")).ShouldHaveSingleItem();

        rejected.ReviewedAt.ShouldNotBeNull();
        rejected.RejectionReason!.ShouldContain("photo");
    }

    [Fact]
    public async Task the_counts_cover_every_seeded_application()
    {
        var counts = await ReadAsync<List<CertificateCount>>(await _host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/certificates/counts"));

        counts.Sum(c => c.Count).ShouldBe(12);
        counts.Where(c => c.Route == CertificateRoute.InPersonWindow).Sum(c => c.Count).ShouldBe(6);
    }

    [Fact]
    public async Task the_seeded_history_names_who_acted_for_whom()
    {
        var atTheWindow = (await ListAsync("?route=InPersonWindow")).Single(r => r.Channel == Core.Channel.ServiceWindow);

        var history = await ReadAsync<CaseHistory>(await _host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/cases/{atTheWindow.Id}/events"));

        history.Kind.ShouldBe(CertificateKind.KindName);
        history.Events[0].Actor.ShouldBe("yuelu-window-clerk-02");
        history.Events[0].OnBehalfOf.ShouldBe("cs-applicant-0010");
    }
}
