using System.Net;
using System.Text.Json;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Host;

[Collection(LedgerCollection.Name)]
public sealed class when_the_host_starts_on_an_empty_store(Ledger ledger)
{
    private LedgerHost _host => ledger.Host;

    [Fact]
    public async Task it_answers_health()
    {
        var response = await _host.Client.GetAsync("/health");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task it_serves_its_openapi_document_with_the_vote_routes()
    {
        var response = await _host.Client.GetAsync("/openapi/v1.json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var paths = (await ReadAsync<JsonElement>(response)).GetProperty("paths");
        paths.TryGetProperty("/districts/{district}/renovation-votes/{caseId}/ballots", out _).ShouldBeTrue();
        paths.TryGetProperty("/districts/{district}/cases/{caseId}/events", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task the_seeded_compound_is_visible_with_its_decided_votes()
    {
        var response = await _host.Client.GetAsync("/districts/yuelu/renovation-votes?compoundId=sunshine-garden");

        var tallies = await ReadItemsAsync<VoteTally>(response);
        var online = tallies.Single(t => t.Route == VotingRoute.FullVote);
        online.Units.ShouldBe(702);
        online.FinalOutcome.ShouldBe(VoteOutcome.Passed);
        (online.Count.YesArea / online.Count.ParticipatingArea).ShouldBeGreaterThan(0.95m);
        (online.Count.YesMembers / (decimal)online.Count.ParticipatingMembers).ShouldBeGreaterThan(0.95m);
        var all = await ReadItemsAsync<VoteTally>(await _host.Client.GetAsync("/districts/yuelu/renovation-votes?limit=200"));
        all.ShouldContain(t => t.FinalOutcome == VoteOutcome.Failed);
        all.ShouldContain(t => t.Rule.Version == "1");
    }

    [Fact]
    public async Task it_lists_the_kinds_it_serves_from_the_one_registration()
    {
        var kinds = await ReadAsync<JsonElement>(await _host.Client.GetAsync("/kinds"));

        var registered = ledger.Host.Services.GetRequiredService<CaseLedger.Core.CaseKinds>().All.Select(k => k.Name);
        kinds.EnumerateArray().Select(k => k.GetProperty("name").GetString()).ShouldBe(registered);
        var vote = kinds.EnumerateArray().Single(k => k.GetProperty("name").GetString() == RenovationVoteKind.KindName);
        vote.GetProperty("route").GetString().ShouldBe("renovation-votes");
        vote.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("name").GetString())
            .ShouldBe(["open-vote", "cast-ballot", "withdraw-ballot", "close-vote", "record-committee-decision", "hand-over", "record-complaint"]);
        vote.GetProperty("commands").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "hand-over").GetProperty("path").GetString()
            .ShouldBe("/districts/{district}/cases/{caseId}/hand-overs");
    }
}
