using System.Net;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Host;

[Collection(LedgerCollection.Name)]
public sealed class when_running_a_vote_over_http
{
    private readonly Ledger _ledger;
    private readonly string _district;

    public when_running_a_vote_over_http(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("http");
        ledger.Clock.Set(Votes.Start);
    }

    private LedgerHost _host => _ledger.Host;

    private static object OpenRequest(DateTimeOffset opensAt, decimal amount = 120_000m) => new
    {
        compoundId = "compound-1",
        compoundName = "Test Compound",
        proposal = new { description = "Roof waterproofing", amount },
        roll = Votes.SixUnits(),
        opensAt,
        closesAt = opensAt.AddDays(7),
    };

    private async Task<Guid> OpenVoteAsync()
    {
        var district = _district;
        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{district}/renovation-votes", OpenRequest(_host.Clock.GetUtcNow())));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var outcome = await ReadAsync<CommandOutcome>(response);
        response.Headers.Location!.ToString().ShouldBe($"/districts/{district}/renovation-votes/{outcome.CaseId}");
        return outcome.CaseId;
    }

    private Task<HttpResponseMessage> CastAsync(Guid id, string unit, string voter, string choice, long? ifMatch = null, string? channel = "WeChatMiniProgram",
        string? actor = null, string? onBehalfOf = null) =>
        _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{id}/ballots",
            new { unitId = unit, voterId = voter, choice }, actor: actor ?? voter, channel: channel, onBehalfOf: onBehalfOf, ifMatch: ifMatch));

    private async Task<VoteTally> TallyAsync(Guid id)
    {
        var response = await _host.Client.GetAsync($"/districts/{_district}/renovation-votes/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadAsync<VoteTally>(response);
    }

    private async Task<CaseHistory> HistoryAsync(Guid id)
    {
        var response = await _host.Client.GetAsync($"/districts/{_district}/cases/{id}/events");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadAsync<CaseHistory>(response);
    }

    [Fact]
    public async Task a_vote_is_opened_voted_on_closed_and_decided()
    {
        var id = await OpenVoteAsync();
        _host.Clock.Advance(TimeSpan.FromHours(1));
        foreach (var i in new[] { 1, 2, 3, 4 })
        {
            (await CastAsync(id, $"U{i}", $"O{i}", "Yes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await CastAsync(id, "U5", "O5", "No")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CastAsync(id, "U5", "O5", "Yes", channel: "Proxy", actor: "staff-9", onBehalfOf: "O5")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var open = await TallyAsync(id);
        open.Status.ShouldBe(VoteStatus.Open);
        open.Count.YesMembers.ShouldBe(5);
        open.Count.NoMembers.ShouldBe(0);
        open.VerdictSoFar.ShouldBe(VoteOutcome.Passed);

        var early = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{id}/close"));
        early.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        _host.Clock.Advance(TimeSpan.FromDays(7));
        var closed = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{id}/close"));
        closed.StatusCode.ShouldBe(HttpStatusCode.OK);

        var tally = await TallyAsync(id);
        tally.Status.ShouldBe(VoteStatus.Decided);
        tally.FinalOutcome.ShouldBe(VoteOutcome.Passed);
        tally.FinalReasons.Select(r => r.Clause).ShouldBe([
            Counting.ParticipationByAreaClause, Counting.ParticipationByHeadcountClause,
            Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause]);

        var history = await HistoryAsync(id);
        history.Kind.ShouldBe("renovation-vote");
        history.Events.Select(e => e.Type).ShouldBe([
            "renovation_vote.opened.v1",
            .. Enumerable.Repeat("renovation_vote.ballot_cast.v1", 6),
            "renovation_vote.closed.v1"]);
        var proxy = history.Events[6];
        proxy.Actor.ShouldBe("staff-9");
        proxy.OnBehalfOf.ShouldBe("O5");
        proxy.Channel.ShouldBe("Proxy");
        history.Events.ShouldAllBe(e => e.Rule == "renovation-vote@2");
    }

    [Fact]
    public async Task a_write_answers_with_the_case_as_it_left_it_so_no_second_call_is_needed()
    {
        var id = await OpenVoteAsync();
        _host.Clock.Advance(TimeSpan.FromHours(1));

        var cast = await CastAsync(id, "U1", "O1", "Yes");
        var answer = await ReadAsync<JsonElement>(cast);
        var tally = answer.GetProperty("case");

        cast.StatusCode.ShouldBe(HttpStatusCode.OK);
        tally.GetProperty("id").GetGuid().ShouldBe(id);
        tally.GetProperty("count").GetProperty("yesMembers").GetInt32().ShouldBe(1);
        tally.GetProperty("version").GetInt64().ShouldBe(answer.GetProperty("version").GetInt64());
        // The same as the case read back.
        tally.GetProperty("count").GetProperty("yesMembers").GetInt32().ShouldBe((await TallyAsync(id)).Count.YesMembers);

        // A resident's ballot answers with the case exactly when GET of the case would show it to them.
        var own = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{id}/ballots",
            new { unitId = "U2", voterId = "O2", choice = "No" }, actor: "O2", channel: "WeChatMiniProgram", role: Role.Resident));
        var outcome = await ReadAsync<JsonElement>(own);
        own.StatusCode.ShouldBe(HttpStatusCode.OK, outcome.ToString());
        var read = await _host.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/renovation-votes/{id}", actor: "O2", role: Role.Resident));
        outcome.GetProperty("case").ValueKind.ShouldBe(read.StatusCode == HttpStatusCode.OK ? JsonValueKind.Object : JsonValueKind.Null);
    }

    [Fact]
    public async Task a_malformed_roll_is_a_problem_and_nothing_is_appended()
    {
        var body = new
        {
            compoundId = "compound-1",
            compoundName = "Test Compound",
            proposal = new { description = "Roof", amount = 120_000m },
            roll = new[] { new RollEntry("U1", "O1", 80m), new RollEntry("U1", "O2", -3m) },
            opensAt = _host.Clock.GetUtcNow(),
            closesAt = _host.Clock.GetUtcNow().AddDays(7),
        };

        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("renovation_vote.duplicate_unit");
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        (await ReadItemsAsync<VoteTally>(await _host.Client.GetAsync($"/districts/{_district}/renovation-votes"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task unreadable_json_is_a_problem()
    {
        var request = Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes");
        request.Content = new StringContent("{\"compoundId\": 5", System.Text.Encoding.UTF8, "application/json");

        var response = await _host.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task a_request_without_a_token_is_refused_and_appends_nothing()
    {
        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", OpenRequest(_host.Clock.GetUtcNow()), actor: null));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe("auth.token_missing");
        (await ReadItemsAsync<VoteTally>(await _host.Client.GetAsync($"/districts/{_district}/renovation-votes"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_ballot_against_a_stale_version_fails_its_precondition_and_appends_nothing()
    {
        var id = await OpenVoteAsync();
        (await CastAsync(id, "U1", "O1", "Yes", ifMatch: 1)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var stale = await CastAsync(id, "U2", "O2", "Yes", ifMatch: 1);

        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await ReadAsync<JsonElement>(stale)).GetProperty("code").GetString().ShouldBe("case.version_mismatch");
        (await HistoryAsync(id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task an_unknown_unit_is_a_problem_with_the_reason()
    {
        var id = await OpenVoteAsync();

        var response = await CastAsync(id, "U42", "O1", "Yes");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("renovation_vote.unknown_unit");
        problem.GetProperty("detail").GetString()!.ShouldContain("U42");
        (await HistoryAsync(id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task another_district_sees_no_such_case()
    {
        var id = await OpenVoteAsync();
        var other = _ledger.NewDistrict("other");

        (await _host.Client.GetAsync($"/districts/{other}/renovation-votes/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _host.Client.GetAsync($"/districts/{other}/cases/{id}/events")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var write = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{other}/renovation-votes/{id}/ballots",
            new { unitId = "U1", voterId = "O1", choice = "Yes" }, actor: "O1"));
        write.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await HistoryAsync(id)).Version.ShouldBe(1);
    }

    [Fact]
    public async Task a_small_spend_takes_the_simplified_route_and_the_committee_decides()
    {
        var response = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes",
            OpenRequest(_host.Clock.GetUtcNow(), amount: 49_999.99m)));
        var id = (await ReadAsync<CommandOutcome>(response)).CaseId;

        (await CastAsync(id, "U1", "O1", "Yes")).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var decided = await _host.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{id}/committee-decision",
            new { approved = true, note = "Minute 12" }, actor: "committee-1"));

        decided.StatusCode.ShouldBe(HttpStatusCode.OK);
        var tally = await TallyAsync(id);
        tally.Route.ShouldBe(VotingRoute.Simplified);
        tally.FinalOutcome.ShouldBe(VoteOutcome.Passed);
        tally.CommitteeNote.ShouldBe("Minute 12");
    }
}
