using System.Net;
using CaseLedger.Cases.BirthSupport;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.BirthSupport;

// seeds/birth-support-claims/yuelu.json, its dated commands run through the pipeline when the shared host first starts; read only.
[Collection(LedgerCollection.Name)]
public sealed class when_the_birth_support_seeds_are_loaded(Ledger ledger)
{
    private LedgerHost Host => ledger.Host;

    [Fact]
    public async Task each_claim_shows_its_criteria_and_amount_and_one_waits_for_its_decision()
    {
        var response = await Host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/birth-support-claims");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var claims = await ReadItemsAsync<BirthSupportClaim>(response);

        claims.Count.ShouldBe(12);
        claims.Where(c => c.Status == ClaimStatus.Submitted).ShouldHaveSingleItem();
        var cut = claims.Where(c => c.Status == ClaimStatus.PaidInPart && c.Benefit == SupportBenefit.InfertilityTreatment).ShouldHaveSingleItem();
        cut.Paid.ShouldBe(1000m);
        cut.Reasons.ShouldHaveSingleItem().ShouldContain("4,000.00");
        claims.ShouldContain(c => c.Status == ClaimStatus.Refused && c.BirthOrder == 1);
    }

    [Fact]
    public async Task the_households_totals_and_the_countys_spending_are_served_against_their_caps()
    {
        var households = await ReadItemsAsync<HouseholdTotals>(await Host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/birth-support/households"));
        var infertile = households.Single(h => h.Id == "XT-0002");
        infertile.InfertilityPaid.ShouldBe(infertile.InfertilityCap);
        households.Single(h => h.Id == "XT-0001").Childcare.ShouldHaveSingleItem().Paid.ShouldBe(2000m);

        var budget = await ReadItemsAsync<CountyBudget>(await Host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/birth-support/budget"));
        var year = budget.ShouldHaveSingleItem();
        year.Year.ShouldBe(2025);
        year.Spent.ShouldBe(households.Sum(h => h.TotalPaid));
    }
}
