using System.Net;
using CaseLedger.Cases.PropertyRegistrations;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.PropertyRegistrations;

// An owner looks up the registration status of their properties online, signed in as a resident: their
// own cases only, never another owner's; staff read the district's list instead.
[Collection(LedgerCollection.Name)]
public sealed class when_an_owner_looks_up_their_registrations
{
    private static readonly DateTimeOffset Nine = new(2025, 3, 5, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly Ledger _ledger;
    private readonly string _district;

    public when_an_owner_looks_up_their_registrations(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("property-owner");
        ledger.Clock.Set(Nine);
    }

    private string Mine => $"/districts/{_district}/property-registrations/mine";

    private async Task<Guid> ApplyAsync(string owner, string property)
    {
        var response = await _ledger.Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/property-registrations",
            new { owner, propertyId = property, business = "Transfer", partners = Array.Empty<object>() }, role: Role.Resident, actor: owner,
            channel: "OnlinePlatform"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync<CommandOutcome>(response)).CaseId;
    }

    [Fact]
    public async Task an_owner_sees_the_status_of_their_own_registrations_and_no_one_elses()
    {
        var first = await ApplyAsync("owner-0101", "LY-2025-0101");
        var second = await ApplyAsync("owner-0101", "LY-2025-0102");
        await ApplyAsync("owner-0202", "LY-2025-0202");

        var response = await _ledger.Host.Client.SendAsync(Request(HttpMethod.Get, Mine, role: Role.Resident, actor: "owner-0101", channel: "OnlinePlatform"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var mine = await ReadItemsAsync<OwnRegistration>(response);
        mine.Select(r => r.Id).ShouldBe([first, second], ignoreOrder: true);
        mine.ShouldAllBe(r => r.Status == RegistrationStatus.InProgress && r.Remaining.Count > 0);
        mine.Select(r => r.PropertyId).ShouldBe(["LY-2025-0101", "LY-2025-0102"], ignoreOrder: true);

        // The look-up is a list like the others: a page at a time, by its next link.
        var one = await ReadAsync<Core.ListPage<OwnRegistration>>(await _ledger.Host.Client.SendAsync(
            Request(HttpMethod.Get, Mine + "?limit=1", role: Role.Resident, actor: "owner-0101", channel: "OnlinePlatform")));
        var two = await ReadAsync<Core.ListPage<OwnRegistration>>(await _ledger.Host.Client.SendAsync(
            Request(HttpMethod.Get, one.Next!, role: Role.Resident, actor: "owner-0101", channel: "OnlinePlatform")));
        one.Items.Concat(two.Items).Select(r => r.Id).ShouldBe(mine.Select(r => r.Id));
        two.Next.ShouldBeNull();
    }

    [Fact]
    public async Task staff_read_the_list_instead_and_the_look_up_takes_no_filter()
    {
        await ApplyAsync("owner-0303", "LY-2025-0303");

        var clerk = await _ledger.Host.Client.SendAsync(Request(HttpMethod.Get, Mine, role: Role.Clerk));
        var filtered = await _ledger.Host.Client.SendAsync(Request(HttpMethod.Get, Mine + "?owner=owner-0303", role: Role.Resident, actor: "owner-0404",
            channel: "OnlinePlatform"));
        var nobody = await _ledger.Host.Client.SendAsync(Request(HttpMethod.Get, Mine, role: Role.Resident, actor: "owner-0404", channel: "OnlinePlatform"));

        clerk.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        filtered.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync<System.Text.Json.JsonElement>(filtered)).GetProperty("code").GetString().ShouldBe("query.filter_unknown");
        (await ReadItemsAsync<OwnRegistration>(nobody)).ShouldBeEmpty();
    }
}
