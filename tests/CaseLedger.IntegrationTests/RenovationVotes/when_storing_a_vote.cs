using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.IntegrationTests.RenovationVotes;

[Collection(PostgresCollection.Name)]
public sealed class when_storing_a_vote(PostgresServer server) : IAsyncLifetime
{
    private static readonly RuleBook Rules = RuleBook.Default();
    private DocumentStore _store = null!;

    public async Task InitializeAsync() => _store = Stores.For(await server.CreateDatabaseAsync("store"));

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private async Task<CommandOutcome> OpenAsync(string district, Guid id, Acting acting, DateTimeOffset now)
    {
        await using var session = _store.LightweightSession(district);
        return await CaseCommands.StartAsync<RenovationVote>(session, id, acting,
            () => OpeningAVote.Decide(Votes.Open(id, now), acting.Channel, now,
                Rules.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, now)));
    }

    private async Task<CommandOutcome> CastAsync(string district, Guid id, string unit, string voter, BallotChoice choice, Acting acting,
        DateTimeOffset now, long? expectedVersion = null)
    {
        await using var session = _store.LightweightSession(district);
        return await CaseCommands.ExecuteAsync<RenovationVote>(session, id, expectedVersion, acting,
            vote => CastingABallot.Decide(new CastBallot(id, unit, voter, choice), vote, now));
    }

    [Fact]
    public async Task events_round_trip_with_their_names_and_metadata()
    {
        var id = Guid.NewGuid();
        var opening = new Acting("clerk-7", Channel.ServiceWindow, CorrelationId: "corr-1", CausationId: "cause-1");
        (await OpenAsync("yuelu", id, opening, Votes.Start)).IsAccepted.ShouldBeTrue();
        var proxy = new Acting("staff-3", Channel.Proxy, OnBehalfOf: "O2", CorrelationId: "corr-2");
        (await CastAsync("yuelu", id, "U2", "O2", BallotChoice.Yes, proxy, Votes.Start.AddHours(1))).IsAccepted.ShouldBeTrue();

        await using var query = _store.QuerySession("yuelu");
        var history = await CaseHistoryEndpoints.Read(query, new CaseKinds(), id);

        history.ShouldNotBeNull();
        history.Version.ShouldBe(2);
        history.District.ShouldBe("yuelu");
        var (opened, cast) = (history.Events[0], history.Events[1]);
        opened.Type.ShouldBe("renovation_vote.opened.v1");
        opened.Actor.ShouldBe("clerk-7");
        opened.OnBehalfOf.ShouldBeNull();
        opened.Channel.ShouldBe("ServiceWindow");
        opened.Rule.ShouldBe("renovation-vote@2");
        opened.CorrelationId.ShouldBe("corr-1");
        opened.CausationId.ShouldBe("cause-1");
        cast.Type.ShouldBe("renovation_vote.ballot_cast.v1");
        cast.Actor.ShouldBe("staff-3");
        cast.OnBehalfOf.ShouldBe("O2");
        cast.Channel.ShouldBe("Proxy");
        cast.CorrelationId.ShouldBe("corr-2");
        var ballot = cast.Data.ShouldBeOfType<BallotCast>();
        ballot.VoterId.ShouldBe("O2");
        ballot.MemberArea.ShouldBe(100m);
        ballot.CastAt.ShouldBe(Votes.Start.AddHours(1));
    }

    [Fact]
    public async Task the_tally_is_updated_in_the_same_transaction_as_the_ballot()
    {
        var id = Guid.NewGuid();
        var clerk = new Acting("clerk-1", Channel.ServiceWindow);
        await OpenAsync("yuelu", id, clerk, Votes.Start);
        await CastAsync("yuelu", id, "U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.WeChatMiniProgram), Votes.Start.AddMinutes(5));
        await CastAsync("yuelu", id, "U2", "O2", BallotChoice.Abstain, new Acting("O2", Channel.AlipayMiniProgram), Votes.Start.AddMinutes(6));

        await using var query = _store.QuerySession("yuelu");
        var tally = await query.LoadAsync<VoteTally>(id);

        tally.ShouldNotBeNull();
        tally.Version.ShouldBe(3);
        tally.Count.YesMembers.ShouldBe(1);
        tally.Count.AbstainMembers.ShouldBe(1);
        tally.Count.ParticipatingArea.ShouldBe(200m);
        tally.Rule.ShouldBe(new RuleRef("renovation-vote", "2"));
    }

    [Fact]
    public async Task a_rejected_ballot_appends_nothing()
    {
        var id = Guid.NewGuid();
        await OpenAsync("yuelu", id, new Acting("clerk-1", Channel.ServiceWindow), Votes.Start);

        var outcome = await CastAsync("yuelu", id, "U99", "O1", BallotChoice.Yes, new Acting("O1", Channel.OnlinePlatform), Votes.Start.AddMinutes(1));

        outcome.Rejection!.Code.ShouldBe("renovation_vote.unknown_unit");
        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task another_district_can_neither_read_nor_write_the_case()
    {
        var id = Guid.NewGuid();
        await OpenAsync("yuelu", id, new Acting("clerk-1", Channel.ServiceWindow), Votes.Start);

        await using (var other = _store.QuerySession("furong"))
        {
            (await other.Events.FetchStreamAsync(id)).ShouldBeEmpty();
            (await other.LoadAsync<VoteTally>(id)).ShouldBeNull();
            (await other.Query<VoteTally>().Where(t => t.Id == id).ToListAsync()).ShouldBeEmpty();
            (await CaseHistoryEndpoints.Read(other, new CaseKinds(), id)).ShouldBeNull();
        }

        var outcome = await CastAsync("furong", id, "U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.OnlinePlatform), Votes.Start.AddMinutes(1));

        outcome.Rejection!.Code.ShouldBe("case.not_found");
        await using var own = _store.QuerySession("yuelu");
        (await own.Events.FetchStreamAsync(id)).Count.ShouldBe(1);
        (await own.LoadAsync<VoteTally>(id))!.Count.ParticipatingMembers.ShouldBe(0);
    }

    [Fact]
    public async Task a_write_against_a_stale_version_loses()
    {
        var id = Guid.NewGuid();
        await OpenAsync("yuelu", id, new Acting("clerk-1", Channel.ServiceWindow), Votes.Start);
        await CastAsync("yuelu", id, "U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.OnlinePlatform), Votes.Start.AddMinutes(1));

        await Should.ThrowAsync<JasperFx.ConcurrencyException>(() =>
            CastAsync("yuelu", id, "U2", "O2", BallotChoice.No, new Acting("O2", Channel.OnlinePlatform), Votes.Start.AddMinutes(2), expectedVersion: 1));

        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task a_ballot_reads_the_snapshot_instead_of_replaying_the_stream()
    {
        var id = Guid.NewGuid();
        await OpenAsync("yuelu", id, new Acting("clerk-1", Channel.ServiceWindow), Votes.Start);
        await CastAsync("yuelu", id, "U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.OnlinePlatform), Votes.Start.AddMinutes(1));

        await using var query = _store.QuerySession("yuelu");
        var snapshot = await query.LoadAsync<RenovationVote>(id);

        snapshot.ShouldNotBeNull();
        snapshot.Members["O1"].Ballot.ShouldBe(BallotChoice.Yes);
        snapshot.Count.YesArea.ShouldBe(100m);
    }

    [Fact]
    public async Task a_command_without_a_district_is_refused()
    {
        await using var session = _store.LightweightSession();
        var id = Guid.NewGuid();

        var outcome = await CaseCommands.StartAsync<RenovationVote>(session, id, new Acting("clerk-1", Channel.ServiceWindow),
            () => OpeningAVote.Decide(Votes.Open(id, Votes.Start), Channel.ServiceWindow, Votes.Start, Rules.Get<RenovationVoteRules>(RenovationVoteRules.RuleId, "2")));

        outcome.Rejection!.Code.ShouldBe("case.district_missing");
    }
}
