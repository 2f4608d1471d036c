using CaseLedger.Core;
using System.Net;
using CaseLedger.Audit;
using CaseLedger.Cases.PropertyRegistrations;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.PropertyRegistrations;

// seeds/property-registrations/yuelu.json, its dated commands run through the pipeline when the shared host first starts; read only.
[Collection(LedgerCollection.Name)]
public sealed class when_the_property_registration_seeds_are_loaded(Ledger ledger)
{
    private async Task<T> GetAsync<T>(string path)
    {
        var response = await ledger.Host.Client.GetAsync($"/districts/{Ledger.SeededDistrict}/{path}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadAsync<T>(response);
    }

    [Fact]
    public async Task every_seeded_case_is_complete_and_the_days_show_their_same_day_rate()
    {
        var cases = (await GetAsync<ListPage<PropertyRegistration>>("property-registrations?limit=200")).Items;

        cases.Count.ShouldBe(6);
        cases.ShouldAllBe(c => c.Status == RegistrationStatus.Completed);
        cases.Count(c => c.AtTheFastest == true).ShouldBe(2);
        var days = await GetAsync<List<SameDayRow>>("property-registrations/same-day-rate");
        days.Select(d => (d.Day, d.Applied, d.CompletedSameDay)).ShouldBe([("2025-03-03", 3, 3), ("2025-03-04", 1, 0), ("2025-03-05", 2, 2)]);
    }

    [Fact]
    public async Task the_partners_steps_are_recorded_as_their_institutions()
    {
        var history = await GetAsync<CaseHistory>("cases/0195b000-0000-7000-8000-000000000602/events");

        var bank = history.Events.Single(e => e.Institution is not null);
        (bank.Role, bank.Institution, bank.Channel).ShouldBe(("partner", "bank-of-jilin-liaoyuan", "Partner"));
    }
}
