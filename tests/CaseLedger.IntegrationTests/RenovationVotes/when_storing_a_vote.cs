using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.RenovationVotes;

[Collection(LedgerCollection.Name)]
public sealed class when_storing_a_vote(Ledger ledger)
{
    private readonly string _district = ledger.NewDistrict("vote");

    private CasePipeline Pipeline => ledger.Host.Services.GetRequiredService<CasePipeline>();

    private Task<CommandOutcome> OpenAsync(string district, Guid id, Acting acting, DateTimeOffset now) =>
        Pipeline.ExecuteAsync(new CommandRequest(district, id, Votes.Open(now), acting) { At = now });

    private Task<CommandOutcome> CastAsync(string district, Guid id, string unit, string voter, BallotChoice choice, Acting acting,
        DateTimeOffset now, long? expectedVersion = null) =>
        Pipeline.ExecuteAsync(new CommandRequest(district, id, new CastBallot(unit, voter, choice), acting) { At = now, ExpectedVersion = expectedVersion });

    [Fact]
    public async Task events_round_trip_with_their_names_and_metadata()
    {
        var id = Guid.NewGuid();
        var opening = new Acting("clerk-7", Channel.ServiceWindow, Role.Clerk, CorrelationId: "corr-1", CausationId: "cause-1");
        (await OpenAsync(_district, id, opening, Votes.Start)).IsAccepted.ShouldBeTrue();
        var proxy = new Acting("staff-3", Channel.Proxy, Role.Proxy, OnBehalfOf: "O2", CorrelationId: "corr-2");
        (await CastAsync(_district, id, "U2", "O2", BallotChoice.Yes, proxy, Votes.Start.AddHours(1))).IsAccepted.ShouldBeTrue();

        await using var query = ledger.Store.QuerySession(_district);
        var history = await CaseHistories.ReadAsync(query, ledger.Host.Services.GetRequiredService<CaseKinds>(), id);

        history.ShouldNotBeNull();
        history.Version.ShouldBe(2);
        history.District.ShouldBe(_district);
        history.Kind.ShouldBe(RenovationVoteKind.KindName);
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
        var clerk = new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk);
        await OpenAsync(_district, id, clerk, Votes.Start);
        await CastAsync(_district, id, "U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.WeChatMiniProgram, Role.Resident), Votes.Start.AddMinutes(5));
        await CastAsync(_district, id, "U2", "O2", BallotChoice.Abstain, new Acting("O2", Channel.AlipayMiniProgram, Role.Resident), Votes.Start.AddMinutes(6));

        await using var query = ledger.Store.QuerySession(_district);
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
        await OpenAsync(_district, id, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk), Votes.Start);

        var outcome = await CastAsync(_district, id, "U99", "O1", BallotChoice.Yes, new Acting("O1", Channel.OnlinePlatform, Role.Resident), Votes.Start.AddMinutes(1));

        outcome.Rejection!.Code.ShouldBe("renovation_vote.unknown_unit");
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task another_district_can_neither_read_nor_write_the_case()
    {
        var id = Guid.NewGuid();
        var other = ledger.NewDistrict("other");
        await OpenAsync(_district, id, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk), Votes.Start);

        await using (var session = ledger.Store.QuerySession(other))
        {
            (await session.Events.FetchStreamAsync(id)).ShouldBeEmpty();
            (await session.LoadAsync<VoteTally>(id)).ShouldBeNull();
            (await session.Query<VoteTally>().Where(t => t.Id == id).ToListAsync()).ShouldBeEmpty();
            (await CaseHistories.ReadAsync(session, new CaseKinds(), id)).ShouldBeNull();
        }

        var outcome = await CastAsync(other, id, "U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.OnlinePlatform, Role.Resident), Votes.Start.AddMinutes(1));

        outcome.Rejection!.Code.ShouldBe("case.not_found");
        await using var own = ledger.Store.QuerySession(_district);
        (await own.Events.FetchStreamAsync(id)).Count.ShouldBe(1);
        (await own.LoadAsync<VoteTally>(id))!.Count.ParticipatingMembers.ShouldBe(0);
    }

    [Fact]
    public async Task a_write_against_a_stale_version_is_refused_and_appends_nothing()
    {
        var id = Guid.NewGuid();
        await OpenAsync(_district, id, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk), Votes.Start);
        await CastAsync(_district, id, "U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.OnlinePlatform, Role.Resident), Votes.Start.AddMinutes(1));

        var stale = await CastAsync(_district, id, "U2", "O2", BallotChoice.No, new Acting("O2", Channel.OnlinePlatform, Role.Resident), Votes.Start.AddMinutes(2), expectedVersion: 1);
        var current = await CastAsync(_district, id, "U2", "O2", BallotChoice.No, new Acting("O2", Channel.OnlinePlatform, Role.Resident), Votes.Start.AddMinutes(3), expectedVersion: 2);

        stale.Rejection!.Code.ShouldBe("case.version_mismatch");
        stale.Rejection.Kind.ShouldBe(RejectionKind.Stale);
        current.Version.ShouldBe(3);
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task concurrent_ballots_to_one_vote_are_applied_one_after_another_and_none_is_lost()
    {
        var id = Guid.NewGuid();
        var roll = Enumerable.Range(1, 24).Select(i => new RollEntry($"U{i}", $"O{i}", 50m + i)).ToList();
        var open = Votes.Open(Votes.Start) with { Roll = roll };
        (await Pipeline.ExecuteAsync(new CommandRequest(_district, id, open, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk)) { At = Votes.Start })).IsAccepted.ShouldBeTrue();

        var outcomes = await Task.WhenAll(roll.Select(unit => Task.Run(() =>
            CastAsync(_district, id, unit.UnitId, unit.OwnerId, BallotChoice.Yes, new Acting(unit.OwnerId, Channel.OnlinePlatform, Role.Resident), Votes.Start.AddHours(1)))));

        outcomes.ShouldAllBe(o => o.IsAccepted);
        outcomes.Select(o => o.Version).Order().ShouldBe(Enumerable.Range(2, roll.Count).Select(v => (long)v));
        await using var query = ledger.Store.QuerySession(_district);
        var tally = (await query.LoadAsync<VoteTally>(id)).ShouldNotBeNull();
        tally.Version.ShouldBe(roll.Count + 1);
        tally.Count.YesMembers.ShouldBe(roll.Count);
        tally.Count.YesArea.ShouldBe(roll.Sum(u => u.Area));
        (await query.Events.FetchStreamAsync(id)).Count(e => e.Data is BallotCast).ShouldBe(roll.Count);
    }

    [Fact]
    public async Task co_owners_and_an_owner_of_two_units_changing_their_ballots_at_once_leave_a_count_that_agrees_with_the_events()
    {
        // Both co-owners of one unit, and an owner through either of his two units, change their
        // members' ballots again and again, all at once: each change must read the ballot the
        // previous one left, or the count would drift.
        var id = Guid.NewGuid();
        var roll = new[] { new RollEntry("A-1", "ann", 80m, ["bo"]), new RollEntry("D-1", "dan", 60m), new RollEntry("D-2", "dan", 40m), new RollEntry("E-1", "eve", 10m) };
        (await Pipeline.ExecuteAsync(new CommandRequest(_district, id, Votes.Open(Votes.Start) with { Roll = roll },
            new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk)) { At = Votes.Start })).IsAccepted.ShouldBeTrue();
        var ballots = Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? (Unit: "A-1", Voter: i % 4 == 0 ? "ann" : "bo", Choice: (BallotChoice)(i % 3))
            : (Unit: i % 4 == 1 ? "D-1" : "D-2", Voter: "dan", Choice: (BallotChoice)((i + 1) % 3)));

        var outcomes = await Task.WhenAll(ballots.Select(b => Task.Run(() =>
            CastAsync(_district, id, b.Unit, b.Voter, b.Choice, new Acting(b.Voter, Channel.OnlinePlatform, Role.Resident), Votes.Start.AddHours(1)))));

        outcomes.ShouldAllBe(o => o.IsAccepted);
        await using var query = ledger.Store.QuerySession(_district);
        var events = (await query.Events.FetchStreamAsync(id)).Select(e => e.Data).OfType<BallotCast>().ToList();
        var tally = (await query.LoadAsync<VoteTally>(id)).ShouldNotBeNull();
        foreach (var member in events.GroupBy(e => e.MemberId))
        {
            var cast = member.ToList();
            cast.Zip(cast.Skip(1)).ShouldAllBe(pair => pair.Second.Replaces == pair.First.Choice);
            foreach (var unit in cast[^1].Units)
            {
                (await query.LoadAsync<MemberBallot>(MemberBallot.IdFor(id, unit))).ShouldNotBeNull().Ballot.ShouldBe(cast[^1].Choice);
            }
        }

        tally.Count.ParticipatingMembers.ShouldBe(2);
        tally.Count.ParticipatingArea.ShouldBe(180m);
        tally.Count.ShouldBe(Fold.Events<VoteTally>(VoteTallyProjection.Evolve,
            (await query.Events.FetchStreamAsync(id)).Select(e => e.Data))!.Count);
    }

    [Fact]
    public async Task a_ballot_reads_and_rewrites_only_its_own_part_of_the_roll()
    {
        var id = Guid.NewGuid();
        await OpenAsync(_district, id, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk), Votes.Start);
        await CastAsync(_district, id, "U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.OnlinePlatform, Role.Resident), Votes.Start.AddMinutes(1));

        await using var query = ledger.Store.QuerySession(_district);
        var snapshot = await query.LoadAsync<VoteTally>(id);
        var member = await query.LoadAsync<MemberBallot>(MemberBallot.IdFor(id, "U1"));
        var other = await query.LoadAsync<MemberBallot>(MemberBallot.IdFor(id, "U2"));
        var unit = await query.LoadAsync<VoteUnit>(VoteUnit.IdFor(id, "U1"));

        snapshot.ShouldNotBeNull();
        snapshot.Count.YesArea.ShouldBe(100m);
        member.ShouldNotBeNull().Ballot.ShouldBe(BallotChoice.Yes);
        other.ShouldNotBeNull().Ballot.ShouldBeNull();
        unit.ShouldNotBeNull().Owners.ShouldBe(["O1"]);
        unit.MemberId.ShouldBe("O1");
    }

    [Fact]
    public async Task a_command_without_a_district_is_refused()
    {
        var outcome = await Pipeline.ExecuteAsync(new CommandRequest("", Guid.NewGuid(), Votes.Open(Votes.Start), new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk)));

        outcome.Rejection!.Code.ShouldBe("case.district_invalid");
    }

    [Fact]
    public async Task opening_a_case_whose_id_is_taken_is_refused_as_a_conflict()
    {
        var id = Guid.NewGuid();
        await OpenAsync(_district, id, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk), Votes.Start);

        var again = await OpenAsync(_district, id, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk), Votes.Start);

        again.Rejection!.Code.ShouldBe("case.already_exists");
        again.Rejection.Kind.ShouldBe(RejectionKind.Conflict);
    }
}
