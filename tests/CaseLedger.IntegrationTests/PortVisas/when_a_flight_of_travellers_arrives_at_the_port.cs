using System.Net;
using System.Text.Json;
using CaseLedger.Cases.PortVisas;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.PortVisas;

/// <summary>
/// Port visas on the real host and PostgreSQL: a travel agency submits its group's travellers at
/// once, each its own case, as proxy staff for each traveller; the port's clerks decide them one by one.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_a_flight_of_travellers_arrives_at_the_port
{
    private static readonly DateTimeOffset Morning = new(2025, 6, 10, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly Ledger _ledger;
    private readonly string _district;

    public when_a_flight_of_travellers_arrives_at_the_port(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("port");
        ledger.Clock.Set(Morning);
    }

    private LedgerHost Host => _ledger.Host;

    private static object Traveller(string group, int n, decimal fee = 0m, string agency = "zhangjiajie-cits") => new
    {
        groupId = group,
        agency,
        flight = "KE8853",
        travellerName = $"Traveller {n:000}",
        passportNumber = Passport(group, n),
        nationality = "KOR",
        handling = "InAdvance",
        visaFee = fee,
    };

    private static string Passport(string group, int n) => $"{group}-M{n:0000}";

    private HttpRequestMessage Submit(string group, int n, decimal fee = 0m) =>
        Request(HttpMethod.Post, $"/districts/{_district}/port-visas", Traveller(group, n, fee), actor: "cits-staff-01", channel: "Proxy",
            onBehalfOf: Passport(group, n));

    private async Task<int> CountAsync(string group)
    {
        await using var session = Host.Store.QuerySession(_district);
        return await session.Query<Traveller>().CountAsync(t => t.GroupId == group);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString();

    [Fact]
    public async Task a_burst_of_100_travellers_from_16_clients_is_recorded_with_none_lost()
    {
        const int travellers = 100;
        const int clients = 16;
        var statuses = new HttpStatusCode[travellers];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (var n = client; n < travellers; n += clients)
            {
                using var response = await Host.Client.SendAsync(Submit("BURST-1", n));
                statuses[n] = response.StatusCode;
            }
        })));

        statuses.ShouldAllBe(s => s == HttpStatusCode.Created);
        (await CountAsync("BURST-1")).ShouldBe(travellers);
        await using var session = Host.Store.QuerySession(_district);
        var passports = await session.Query<Traveller>().Where(t => t.GroupId == "BURST-1").Select(t => t.PassportNumber).ToListAsync();
        passports.Distinct().Count().ShouldBe(travellers, "each traveller once");

        var agencies = await ReadAsync<List<VisasOfAgency>>(await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/port-visas/per-agency")));
        agencies.ShouldHaveSingleItem().ShouldBe(new VisasOfAgency("zhangjiajie-cits", 1, travellers, 0, 0, travellers));
    }

    [Fact]
    public async Task a_fee_on_a_visa_is_refused_with_the_rule_clause_and_nothing_is_appended()
    {
        using var response = await Host.Client.SendAsync(Submit("FEE-1", 1, fee: 100m));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("port_visa.fee_not_allowed");
        problem.GetProperty("clauses")[0].GetProperty("clause").GetString().ShouldBe("port-visa.no-fee");
        (await CountAsync("FEE-1")).ShouldBe(0);
    }

    [Fact]
    public async Task a_traveller_is_looked_up_alone_decided_by_a_clerk_only_and_counted_per_day()
    {
        using var submitted = await Host.Client.SendAsync(Submit("ONE-1", 7));
        submitted.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await ReadAsync<CommandOutcome>(submitted)).CaseId;

        // The agency's staff see their traveller by its id, but may not decide it nor list the district's travellers.
        using var lookedUp = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/port-visas/{id}", actor: "cits-staff-01", channel: "Proxy"));
        lookedUp.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync<Traveller>(lookedUp)).ShouldSatisfyAllConditions(
            t => t.Status.ShouldBe(VisaStatus.Submitted), t => t.GroupId.ShouldBe("ONE-1"), t => t.PassportNumber.ShouldBe(Passport("ONE-1", 7)));
        using var byTheAgency = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/port-visas/{id}/issue",
            new { visaNumber = "ZJJ-V-1", fee = 0 }, actor: "cits-staff-01", channel: "Proxy", onBehalfOf: Passport("ONE-1", 7)));
        byTheAgency.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeAsync(byTheAgency)).ShouldBe("auth.role_not_allowed");
        using var list = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/port-visas", actor: "cits-staff-01", channel: "Proxy"));
        list.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var issued = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/port-visas/{id}/issue",
            new { visaNumber = "ZJJ-V-1", fee = 0 }, actor: "port-clerk-03"));
        issued.StatusCode.ShouldBe(HttpStatusCode.OK, await issued.Content.ReadAsStringAsync());
        using var again = await Host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/port-visas/{id}/refuse",
            new { reason = "Second thoughts" }, actor: "port-clerk-03"));
        (await CodeAsync(again)).ShouldBe("port_visa.already_decided");

        var days = await ReadAsync<List<VisasOnDay>>(await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/port-visas/per-day")));
        days.ShouldBe([new VisasOnDay("2025-06-10", 1, 1, 0)]);
        var traveller = await ReadAsync<Traveller>(await Host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/port-visas/{id}")));
        traveller.ValidUntil.ShouldBe(new DateOnly(2025, 7, 9));
    }

    [Fact]
    public async Task a_submission_retried_with_its_idempotency_key_records_the_traveller_once()
    {
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Keyed()
        {
            var request = Submit("RETRY-1", 3);
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        using var first = await Host.Client.SendAsync(Keyed());
        using var retried = await Host.Client.SendAsync(Keyed());

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        retried.StatusCode.ShouldBe(HttpStatusCode.Created);
        retried.Headers.GetValues("Idempotency-Replayed").ShouldBe(["true"]);
        (await ReadAsync<CommandOutcome>(retried)).CaseId.ShouldBe((await ReadAsync<CommandOutcome>(first)).CaseId);
        (await CountAsync("RETRY-1")).ShouldBe(1);
    }

    [Fact]
    public async Task the_kind_is_listed_for_the_auditors_page_with_its_commands_and_queries()
    {
        var kinds = await ReadAsync<List<KindInfo>>(await Host.Client.GetAsync("/kinds"));

        var visas = kinds.Single(k => k.Name == "port-visa");
        visas.Route.ShouldBe("port-visas");
        visas.Label.ShouldBe("Port visa on arrival");
        visas.Commands.Select(c => c.Name).ShouldBe(["submit-traveller", "issue-visa", "refuse-visa", "hand-over", "record-complaint"]);
        visas.Queries.Count.ShouldBe(2);
    }
}
