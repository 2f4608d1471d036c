using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Identity;

// Who acts is the signed-in person: a resident votes only as themselves, proxy staff must say whom
// they serve, a clerk's paper ballot is recorded on the voter's behalf, an auditor reads every
// district granted and writes in none, and a district nobody set up does not exist.
[Collection(LedgerCollection.Name)]
public sealed class when_people_act_in_their_roles(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrict("roles");
    private Guid _vote;

    private HttpClient Client => ledger.Client;

    public async Task InitializeAsync()
    {
        ledger.Clock.Set(Votes.Start);
        var opened = await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", new
        {
            compoundId = "compound-1", compoundName = "Test Compound", proposal = new { description = "Roof", amount = 120_000m },
            roll = Votes.SixUnits().Select(u => new { unitId = u.UnitId, ownerId = u.OwnerId, area = u.Area }),
            opensAt = Votes.Start, closesAt = Votes.Start.AddDays(7),
        }));
        opened.StatusCode.ShouldBe(HttpStatusCode.Created);
        _vote = (await ReadAsync<CommandOutcome>(opened)).CaseId;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> CastAsync(string unit, string voter, string actor, string channel, Role? role = null, string? onBehalfOf = null) =>
        Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{_vote}/ballots",
            new { unitId = unit, voterId = voter, choice = "Yes" }, actor: actor, channel: channel, role: role, onBehalfOf: onBehalfOf));

    private async Task<IReadOnlyList<CaseEventView>> HistoryAsync() =>
        (await ReadAsync<CaseHistory>(await Client.GetAsync($"/districts/{_district}/cases/{_vote}/events"))).Events;

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString();

    [Fact]
    public async Task a_resident_votes_as_themselves_and_is_recorded_so()
    {
        (await CastAsync("U1", "O1", "O1", "WeChatMiniProgram")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var ballot = (await HistoryAsync())[^1];
        ballot.Actor.ShouldBe("O1");
        ballot.Channel.ShouldBe("WeChatMiniProgram");
        ballot.OnBehalfOf.ShouldBeNull();
    }

    [Fact]
    public async Task a_resident_voting_for_someone_else_is_refused_and_nothing_is_appended()
    {
        var response = await CastAsync("U2", "O2", "O1", "OnlinePlatform");

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(response)).ShouldBe("auth.not_your_own");
        (await HistoryAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task proxy_staff_without_on_behalf_of_are_refused_and_with_it_are_recorded_acting_for_the_voter()
    {
        var without = await CastAsync("U3", "O3", "staff-help-7", "Proxy");
        var someoneElse = await CastAsync("U3", "O3", "staff-help-7", "Proxy", onBehalfOf: "O4");
        var with = await CastAsync("U3", "O3", "staff-help-7", "Proxy", onBehalfOf: "O3");

        without.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(without)).ShouldBe("acting.on_behalf_of_missing");
        someoneElse.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(someoneElse)).ShouldBe("auth.on_behalf_of_mismatch");
        with.StatusCode.ShouldBe(HttpStatusCode.OK);
        var ballot = (await HistoryAsync())[^1];
        (ballot.Actor, ballot.OnBehalfOf, ballot.Channel).ShouldBe(("staff-help-7", "O3", "Proxy"));
        (await HistoryAsync()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task a_clerks_paper_ballot_is_recorded_on_the_voters_behalf_under_the_clerks_name()
    {
        (await CastAsync("U4", "O4", "clerk-yuelu-017", "ServiceWindow")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var ballot = (await HistoryAsync())[^1];
        (ballot.Actor, ballot.OnBehalfOf, ballot.Channel).ShouldBe(("clerk-yuelu-017", "O4", "ServiceWindow"));
        var entry = (await AuditTrail.QueryAsync(ledger.Store, new AuditQuery([_district], CaseId: _vote))).Entries[0];
        (entry.Actor, entry.Role).ShouldBe(("clerk-yuelu-017", "clerk"));
    }

    [Fact]
    public async Task a_clerk_saying_on_whose_behalf_they_act_must_name_the_voter_and_is_then_recorded_so()
    {
        var someoneElse = await CastAsync("U5", "O5", "clerk-yuelu-017", "ServiceWindow", onBehalfOf: "O6");
        // A clerk who is the voter, claiming to act for another owner, is no less refused.
        var asTheVoter = await CastAsync("U5", "O5", "O5", "ServiceWindow", Role.Clerk, onBehalfOf: "O6");
        var theVoter = await CastAsync("U5", "O5", "clerk-yuelu-017", "ServiceWindow", onBehalfOf: "O5");

        someoneElse.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(someoneElse)).ShouldBe("auth.on_behalf_of_mismatch");
        asTheVoter.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(asTheVoter)).ShouldBe("auth.on_behalf_of_mismatch");
        theVoter.StatusCode.ShouldBe(HttpStatusCode.OK);
        var history = await HistoryAsync();
        history.Count.ShouldBe(2);
        (history[^1].Actor, history[^1].OnBehalfOf).ShouldBe(("clerk-yuelu-017", "O5"));
    }

    [Fact]
    public async Task a_clerk_may_not_say_on_whose_behalf_they_close_a_vote_which_is_about_no_person()
    {
        ledger.Clock.Set(Votes.Start.AddDays(7));

        var response = await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{_vote}/close",
            actor: "clerk-yuelu-017", onBehalfOf: "O1"));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(response)).ShouldBe("auth.on_behalf_of_mismatch");
        (await HistoryAsync()).Count.ShouldBe(1);
        (await Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{_vote}/close",
            actor: "clerk-yuelu-017"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task an_auditor_reads_several_districts_at_once_and_writes_in_none()
    {
        var second = ledger.NewDistrict("roles-b");
        var token = Token("auditor-7", [Role.Auditor], [_district, second], Channel.ServiceWindow);
        HttpRequestMessage As(HttpMethod method, string url, object? body = null)
        {
            var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative))
            {
                Content = body is null ? null : JsonContent.Create(body, options: Json),
            };
            request.Headers.Authorization = new("Bearer", token);
            return request;
        }

        var trail = await Client.SendAsync(As(HttpMethod.Get, $"/audit/entries?district={_district}&district={second}"));
        var history = await Client.SendAsync(As(HttpMethod.Get, $"/districts/{_district}/cases/{_vote}/events"));
        var write = await Client.SendAsync(As(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{_vote}/close"));
        var seal = await Client.SendAsync(As(HttpMethod.Post, $"/districts/{second}/seals"));
        var third = await Client.SendAsync(As(HttpMethod.Get, $"/audit/entries?district={_district}&district={ledger.NewDistrict("roles-c")}"));

        trail.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync<AuditPage>(trail)).Entries.ShouldNotBeEmpty();
        history.StatusCode.ShouldBe(HttpStatusCode.OK);
        write.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        seal.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        third.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(third)).ShouldBe("auth.district_not_granted");
        (await HistoryAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_district_nobody_set_up_is_not_created_by_naming_it()
    {
        var response = await Client.SendAsync(Request(HttpMethod.Post, "/districts/nowhere-district/renovation-votes",
            Votes.Open(Votes.Start)));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await CodeOf(response)).ShouldBe("district.unknown");
        (await ledger.Host.Services.GetRequiredService<Hosting.DistrictRegistry>().IsKnownAsync("nowhere-district")).ShouldBeFalse();
    }

    [Fact]
    public async Task an_administrator_sets_a_district_up_and_a_clerk_may_not()
    {
        var district = $"new-{Guid.NewGuid():N}"[..20];
        var clerk = await Client.SendAsync(Request(HttpMethod.Post, "/districts", new { id = district, name = "New District" }, districts: [district]));
        var admin = await Client.SendAsync(Request(HttpMethod.Post, "/districts", new { id = district, name = "New District" }, role: Role.Administrator,
            districts: [district]));
        var again = await Client.SendAsync(Request(HttpMethod.Post, "/districts", new { id = district, name = "New District" }, role: Role.Administrator,
            districts: [district]));
        var list = await Client.SendAsync(Request(HttpMethod.Get, "/districts", districts: [district]));

        clerk.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        admin.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ReadAsync<List<Hosting.DistrictRecord>>(list)).Select(d => d.Id).ShouldBe([district]);
    }

    [Fact]
    public async Task a_resident_reads_their_own_vote_and_not_a_vote_of_another_compound()
    {
        var own = await Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/renovation-votes/{_vote}", actor: "O5", channel: "OnlinePlatform"));
        var stranger = await Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/renovation-votes/{_vote}", actor: "not-an-owner",
            channel: "OnlinePlatform"));
        var history = await Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/cases/{_vote}/events", actor: "O5", channel: "OnlinePlatform"));

        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync<VoteTally>(own)).Id.ShouldBe(_vote);
        stranger.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(stranger)).ShouldBe("auth.not_your_own");
        history.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "the history names every owner on the roll");
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("foreign key")]
    [InlineData("garbage")]
    public async Task a_token_that_does_not_check_out_is_refused_as_invalid(string what)
    {
        var now = DateTimeOffset.UtcNow;
        var token = what switch
        {
            "expired" => Keys.Mint("clerk-1", [Role.Clerk], [_district], Channel.ServiceWindow, TimeSpan.FromMinutes(1), now.AddHours(-2)),
            "foreign key" => Http.Identity.TokenKeys.InMemory().Mint("clerk-1", [Role.Clerk], [_district], Channel.ServiceWindow, TimeSpan.FromHours(1), now),
            _ => "not.a.token",
        };
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/districts/{_district}/renovation-votes", UriKind.Relative));
        request.Headers.Authorization = new("Bearer", token);

        var response = await Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CodeOf(response)).ShouldBe("auth.token_invalid");
    }
}
