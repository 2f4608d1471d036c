using System.Diagnostics;
using System.Net;
using CaseLedger.Cases.BirthSupport;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Xunit.Abstractions;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.BirthSupport;

/// <summary>
/// Birth support claims on the real host and PostgreSQL: many claims of one household decided at the
/// same moment through the HTTP API, each decision holding the household's totals and the county's
/// budget, so together they never exceed a cap and none is lost.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_claims_of_one_household_are_decided_at_once(Ledger ledger, ITestOutputHelper output)
{
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly string _district = ledger.NewDistrict("births");

    private LedgerHost Host => ledger.Host;

    private static object Claim(string benefit, string household, string claimant = "mother-1", string? child = null, int? order = null,
        string? born = null, decimal? expense = null, bool withinPolicy = true) => new
    {
        claimant,
        householdRegister = household,
        benefit,
        withinPolicy,
        childId = child,
        birthOrder = order,
        childBornOn = born,
        expense,
    };

    private async Task<Guid> SubmitAsync(object claim, string actor = "clerk-xintian-1", Role role = Role.Clerk, string? channel = "ServiceWindow")
    {
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/birth-support-claims", claim, actor: actor,
            channel: channel, role: role));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync<CommandOutcome>(response)).CaseId;
    }

    private async Task<HttpResponseMessage> DecideAsync(Guid id, Role role = Role.Clerk) =>
        await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/birth-support-claims/{id}/decision", null, actor: "clerk-xintian-2",
            channel: "ServiceWindow", role: role));

    [Fact]
    public async Task concurrent_decisions_never_exceed_the_households_caps_and_none_is_lost()
    {
        ledger.Clock.Set(Nine);
        const int Infertility = 24;
        const int Childcare = 16;
        var claims = new List<Guid>();
        for (var i = 0; i < Infertility; i++)
        {
            claims.Add(await SubmitAsync(Claim("InfertilityTreatment", "hr-race", expense: 450m + i)));
        }

        for (var i = 0; i < Childcare; i++)
        {
            claims.Add(await SubmitAsync(Claim("Childcare", "hr-race", child: "child-race", order: 2, born: "2024-01-10", expense: 300m)));
        }

        ledger.Clock.Set(Nine.AddDays(1));
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(claims.Select(id => DecideAsync(id)));
        clock.Stop();
        output.WriteLine($"{claims.Count} claims of one household decided concurrently in {clock.ElapsedMilliseconds} ms");

        foreach (var response in responses)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        await using var session = Host.Store.QuerySession(_district);
        var decided = await session.Query<BirthSupportClaim>().Where(c => c.HouseholdRegister == "hr-race").ToListAsync();
        decided.Count.ShouldBe(claims.Count);
        decided.ShouldAllBe(c => c.Status != ClaimStatus.Submitted, "no claim is lost");
        decided.Where(c => c.Benefit == SupportBenefit.InfertilityTreatment).Sum(c => c.Paid).ShouldBe(4000m, "the household's infertility cap, exactly");
        decided.Where(c => c.Benefit == SupportBenefit.Childcare).Sum(c => c.Paid).ShouldBe(2000m, "the child's childcare cap for 2025, exactly");
        decided.Count(c => c.Status == ClaimStatus.PaidInPart).ShouldBeLessThanOrEqualTo(2, "at most one claim per cap is cut to the remainder");
        decided.Where(c => c.Status is ClaimStatus.PaidInPart or ClaimStatus.Refused).ShouldAllBe(c => c.Reasons.Count > 0);

        var household = (await session.LoadAsync<HouseholdTotals>("hr-race"))!;
        household.InfertilityPaid.ShouldBe(4000m);
        household.Childcare.Single().Paid.ShouldBe(2000m);
        household.ClaimsDecided.ShouldBe(claims.Count);
        household.TotalPaid.ShouldBe(6000m);
        (await session.LoadAsync<CountyBudget>("budget-2025"))!.Spent.ShouldBe(6000m);
    }

    [Fact]
    public async Task concurrent_decisions_of_many_households_never_exceed_the_countys_budget_and_the_rest_wait()
    {
        // A year of its own in this district: 12 unemployment grants of 480,000 against the 5.65 million budget.
        var year = new DateTimeOffset(2027, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));
        ledger.Clock.Set(year);
        var claims = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            claims.Add(await SubmitAsync(Claim("UnemploymentGrant", $"hr-budget-{i:D2}", claimant: $"mother-budget-{i:D2}", expense: 160_000m)));
        }

        ledger.Clock.Set(year.AddDays(1));
        var responses = await Task.WhenAll(claims.Select(id => DecideAsync(id)));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);

        await using var session = Host.Store.QuerySession(_district);
        var decided = await session.Query<BirthSupportClaim>().Where(c => c.HouseholdRegister.StartsWith("hr-budget-")).ToListAsync();
        decided.Count(c => c.Status == ClaimStatus.Paid).ShouldBe(11);
        var waiting = decided.Where(c => c.Status == ClaimStatus.Deferred).ShouldHaveSingleItem();
        waiting.WaitsForBudgetOf.ShouldBe(2028);
        waiting.Paid.ShouldBe(0m);
        var budget = (await session.LoadAsync<CountyBudget>("budget-2027"))!;
        budget.Spent.ShouldBe(5_280_000m);
        budget.Spent.ShouldBeLessThanOrEqualTo(budget.Budget);

        // The next year's budget pays it.
        ledger.Clock.Set(new DateTimeOffset(2028, 1, 3, 9, 0, 0, TimeSpan.FromHours(8)));
        (await DecideAsync(waiting.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.LoadAsync<CountyBudget>("budget-2028"))!.Spent.ShouldBe(480_000m);
    }

    [Fact]
    public async Task a_resident_claims_for_themselves_a_clerk_decides_and_the_totals_are_served()
    {
        ledger.Clock.Set(Nine);
        var id = await SubmitAsync(Claim("BirthGrant", "hr-resident", claimant: "mother-7", child: "child-7", order: 2), actor: "mother-7",
            role: Role.Resident, channel: "OnlinePlatform");

        var someoneElse = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/birth-support-claims",
            Claim("BirthGrant", "hr-resident", claimant: "mother-8", child: "child-8", order: 3), actor: "mother-7", channel: "OnlinePlatform", role: Role.Resident));
        someoneElse.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await DecideAsync(id, Role.Resident)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await DecideAsync(id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var claim = await ReadAsync<BirthSupportClaim>(await Host.Client.GetAsync($"/districts/{_district}/birth-support-claims/{id}"));
        claim.Status.ShouldBe(ClaimStatus.Paid);
        claim.Paid.ShouldBe(1000m);
        claim.Criteria.ShouldContain(c => c.Clause == DecidingAClaim.Clauses.BirthOrder && c.Met);

        var own = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/birth-support-claims/{id}", actor: "mother-7",
            channel: "OnlinePlatform", role: Role.Resident));
        own.StatusCode.ShouldBe(HttpStatusCode.OK, "a resident reads their own claim");
        var others = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/birth-support-claims/{id}", actor: "mother-8",
            channel: "OnlinePlatform", role: Role.Resident));
        others.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "and nobody else's");

        var households = await ReadItemsAsync<HouseholdTotals>(await Host.Client.GetAsync($"/districts/{_district}/birth-support/households?register=hr-resident"));
        households.ShouldHaveSingleItem().TotalPaid.ShouldBe(1000m);
        var budget = await ReadItemsAsync<CountyBudget>(await Host.Client.GetAsync($"/districts/{_district}/birth-support/budget"));
        budget.ShouldHaveSingleItem().Budget.ShouldBe(5_650_000m);
    }

    [Fact]
    public async Task an_incomplete_claim_gets_a_problem_with_its_code_and_appends_nothing()
    {
        ledger.Clock.Set(Nine);
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/birth-support-claims",
            Claim("Childcare", "hr-bad", child: "child-1", expense: 100m), actor: "clerk-xintian-1", channel: "ServiceWindow", role: Role.Clerk));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("birth_support.birth_date_invalid");
        await using var session = Host.Store.QuerySession(_district);
        (await session.Query<BirthSupportClaim>().CountAsync()).ShouldBe(0);
    }
}
