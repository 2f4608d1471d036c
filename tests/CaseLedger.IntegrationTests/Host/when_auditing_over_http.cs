using System.Net;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Host;

[Collection(LedgerCollection.Name)]
public sealed class when_auditing_over_http(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrict("audit-http");
    private Guid _vote;

    private LedgerHost _host => ledger.Host;

    public async Task InitializeAsync()
    {
        ledger.Clock.Set(Votes.Start);
        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", new
        {
            compoundId = "compound-1",
            compoundName = "Test Compound",
            proposal = new { description = "Roof waterproofing", amount = 120_000m },
            roll = Votes.SixUnits(),
            opensAt = _host.Clock.GetUtcNow(),
            closesAt = _host.Clock.GetUtcNow().AddDays(7),
        }));
        _vote = (await ReadAsync<CommandOutcome>(response)).CaseId;
        _host.Clock.Advance(TimeSpan.FromHours(1));
        foreach (var (unit, owner) in new[] { ("U1", "O1"), ("U2", "O2") })
        {
            (await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{_vote}/ballots",
                new { unitId = unit, voterId = owner, choice = "Yes" }, actor: "staff-3", channel: "Proxy", onBehalfOf: owner))).EnsureSuccessStatusCode();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_audit_trail_lists_the_case_s_entries_oldest_first()
    {
        var page = await ReadAsync<AuditPage>(await _host.Client.GetAsync($"/audit/entries?district={_district}&caseId={_vote}&order=oldest"));

        page.Entries.Select(e => e.Version).ShouldBe([1, 2, 3]);
        page.Next.ShouldBeNull();
        page.Entries[1].Actor.ShouldBe("staff-3");
        page.Entries[1].OnBehalfOf.ShouldBe("O1");
    }

    [Theory]
    [InlineData("/audit/entries")]
    [InlineData("/audit/entries?district=yuelu&caseId=nope")]
    [InlineData("/audit/entries?district=yuelu&from=yesterday")]
    [InlineData("/audit/entries?district=yuelu&order=sideways")]
    [InlineData("/audit/entries?district=Bad District")]
    public async Task a_malformed_audit_query_is_a_problem(string url)
    {
        var response = await _host.Client.GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task the_state_at_a_version_and_the_difference_between_versions_are_served()
    {
        var state = await ReadAsync<JsonElement>(await _host.Client.GetAsync($"/districts/{_district}/cases/{_vote}/state?version=2"));
        var diff = await ReadAsync<JsonElement>(await _host.Client.GetAsync($"/districts/{_district}/cases/{_vote}/diff?fromVersion=1&toVersion=3"));

        state.GetProperty("version").GetInt64().ShouldBe(2);
        state.GetProperty("state").GetProperty("version").GetInt64().ShouldBe(2);
        state.GetProperty("state").GetProperty("count").GetProperty("yesMembers").GetInt32().ShouldBe(1);
        diff.GetProperty("eventsBetween").GetArrayLength().ShouldBe(2);
        var yes = diff.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("path").GetString() == "count.yesMembers");
        yes.GetProperty("before").GetInt32().ShouldBe(0);
        yes.GetProperty("after").GetInt32().ShouldBe(2);
        (await _host.Client.GetAsync($"/districts/{_district}/cases/{_vote}/state?version=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _host.Client.GetAsync($"/districts/{ledger.NewDistrict("other")}/cases/{_vote}/state")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_latest_state_has_the_version_the_live_read_model_has_in_its_etag()
    {
        var live = await _host.Client.GetAsync($"/districts/{_district}/renovation-votes/{_vote}");
        var state = await ReadAsync<JsonElement>(await _host.Client.GetAsync($"/districts/{_district}/cases/{_vote}/state"));

        live.Headers.ETag!.Tag.ShouldBe("\"3\"");
        (await ReadAsync<JsonElement>(live)).GetProperty("version").GetInt64().ShouldBe(3);
        state.GetProperty("version").GetInt64().ShouldBe(3);
        state.GetProperty("state").GetProperty("version").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task a_difference_sends_texts_as_texts_numbers_as_numbers_and_leaves_out_what_was_absent()
    {
        var diff = await ReadAsync<JsonElement>(await _host.Client.GetAsync($"/districts/{_district}/cases/{_vote}/diff?fromVersion=1&toVersion=2"));

        var changes = diff.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("path").GetString()!);
        changes["ballotEvents"].GetProperty("before").ValueKind.ShouldBe(JsonValueKind.Number);
        changes["ballotEvents"].GetProperty("after").GetInt32().ShouldBe(1);
        changes["count.yesArea"].GetProperty("after").ValueKind.ShouldBe(JsonValueKind.Number);
        changes["criteriaSoFar[0].detail"].GetProperty("after").ValueKind.ShouldBe(JsonValueKind.String);
        changes.Values.Where(c => c.EnumerateObject().Count() < 2).ShouldBeEmpty("a change has a value on at least one side");
    }

    [Fact]
    public async Task a_sealed_case_verifies_and_exports_a_bundle_that_verifies()
    {
        (await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/seals", role: Role.Administrator))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var verification = await ReadAsync<CaseVerification>(await _host.Client.GetAsync($"/districts/{_district}/cases/{_vote}/verification"));
        var bundleResponse = await _host.Client.GetAsync($"/districts/{_district}/cases/{_vote}/bundle");
        var bundle = JsonSerializer.Deserialize<AuditBundle>(await bundleResponse.Content.ReadAsStringAsync(), AuditBundle.Json)!;

        verification.Intact.ShouldBeTrue();
        verification.MatchesSeal.ShouldBe(true);
        AuditBundles.Verify(bundle, [ledger.Sealing.Key.PublicOnly()]).Valid.ShouldBeTrue();
        bundle.Seal.ShouldNotBeNull();
        (await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/seals", role: Role.Administrator))).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task cases_of_a_district_are_found_by_kind_and_text()
    {
        var found = await ReadAsync<JsonElement>(await _host.Client.GetAsync($"/districts/{_district}/cases?kind=renovation-vote&q=test%20compound"));
        var none = await ReadAsync<JsonElement>(await _host.Client.GetAsync($"/districts/{_district}/cases?q=no-such-text"));

        found.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("caseId").GetGuid()).ShouldContain(_vote);
        none.GetProperty("items").GetArrayLength().ShouldBe(0);
        none.GetProperty("next").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task a_token_may_not_claim_the_system_channel()
    {
        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{_vote}/ballots",
            new { unitId = "U3", voterId = "O3", choice = "Yes" }, actor: "O3", channel: "System", role: Role.Resident));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe("auth.token_invalid");
    }
}
