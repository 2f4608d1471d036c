using CaseLedger.Audit;
using CaseLedger.Cases.CoFunding;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;

namespace CaseLedger.IntegrationTests.CoFunding;

/// <summary>The district summary computed from rebuilt projects equals the one computed from the live ones.</summary>
[Collection(LedgerCollection.Name)]
public sealed class when_rebuilding_the_co_funding_summary(Ledger ledger)
{
    [Fact]
    public async Task the_district_summary_from_rebuilt_projects_is_the_same()
    {
        await using var before = ledger.Store.QuerySession(Ledger.SeededDistrict);
        var live = CoFundingSummary.Of(Ledger.SeededDistrict, await before.Query<CoFundingEligibility>().ToListAsync());

        await Rebuilding.RebuildAsync(ledger.Store, nameof(CoFundingEligibility));

        await using var after = ledger.Store.QuerySession(Ledger.SeededDistrict);
        var rebuilt = CoFundingSummary.Of(Ledger.SeededDistrict, await after.Query<CoFundingEligibility>().ToListAsync());
        rebuilt.ShouldBeEquivalentTo(live);
        live.Projects.ShouldBe(3);
        live.GrantsPaid.ShouldBeGreaterThan(0);
    }
}
