using System.Net;
using System.Text.Json;
using CaseLedger.Cases.BirthSupport;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.BirthSupport;

/// <summary>
/// A claim's expense over HTTP: whatever the benefit, an expense sent is either a positive amount of a
/// benefit worked out from one, or the claim is refused (400) and nothing is stored; it is never
/// recorded as no expense at all.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_a_claim_states_an_expense(Ledger ledger)
{
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly string _district = ledger.NewDistrict("expenses");

    private Task<HttpResponseMessage> SubmitAsync(string benefit, decimal? expense) =>
        ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/birth-support-claims", new
        {
            claimant = "mother-1",
            householdRegister = "hr-expense",
            benefit,
            withinPolicy = true,
            childId = benefit is "BirthGrant" or "NewbornInsurance" ? "child-2" : null,
            birthOrder = benefit == "BirthGrant" ? 2 : (int?)null,
            childBornOn = (string?)null,
            expense,
        }, actor: "clerk-xintian-1"));

    private async Task<int> ClaimsAsync()
    {
        await using var session = ledger.Store.QuerySession(_district);
        return await session.Query<BirthSupportClaim>().CountAsync();
    }

    [Theory]
    [InlineData("BirthGrant", -1)]
    [InlineData("Delivery", -400)]
    [InlineData("PrenatalScreening", -0.01)]
    [InlineData("InfertilityTreatment", -2500)]
    [InlineData("NewbornInsurance", -320.25)]
    [InlineData("UnemploymentGrant", 0)]
    [InlineData("BirthGrant", 1000)]
    public async Task an_expense_that_is_not_a_positive_amount_of_a_benefit_that_takes_one_is_refused_and_nothing_is_stored(string benefit, double expense)
    {
        ledger.Clock.Set(Nine);

        var response = await SubmitAsync(benefit, (decimal)expense);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe("birth_support.expense_invalid");
        (await ClaimsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_positive_expense_is_recorded_as_sent_and_a_fixed_amount_benefit_records_none()
    {
        ledger.Clock.Set(Nine);

        (await SubmitAsync("InfertilityTreatment", 2500.50m)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await SubmitAsync("Delivery", null)).StatusCode.ShouldBe(HttpStatusCode.Created);

        await using var session = ledger.Store.QuerySession(_district);
        var claims = await session.Query<BirthSupportClaim>().ToListAsync();
        claims.Single(c => c.Benefit == SupportBenefit.InfertilityTreatment).Expense.ShouldBe(2500.50m);
        claims.Single(c => c.Benefit == SupportBenefit.Delivery).Expense.ShouldBeNull();
    }
}
