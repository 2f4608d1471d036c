using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Core.Vouching;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// Someone with database access forges a document a decision reads (a vote's tally, a member's
/// standing ballot) without touching the events: the command must decide on what the case's events
/// produce, record a tamper finding, and leave the stored document as it is for a rebuild to repair.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_a_stored_document_is_forged_before_a_decision(Ledger ledger)
{
    private readonly string _district = ledger.NewDistrictToTamperWith("forged");
    /// <summary>A vote of six units with one Yes ballot (unit U1): versions 1 and 2.</summary>
    private async Task<Guid> VoteWithOneYesAsync()
    {
        var id = Guid.NewGuid();
        await SampleCases.RunAsync(ledger, _district, id, Votes.Open(Votes.Start), Votes.Start, SampleCases.Clerk);
        await SampleCases.RunAsync(ledger, _district, id, new CastBallot("U1", "O1", BallotChoice.Yes), Votes.Start.AddHours(1),
            new Acting("O1", Channel.WeChatMiniProgram, Role.Resident));
        return id;
    }

    private Task<int> ForgeAsync(string sql, Guid id) => ledger.ExecuteSqlAsync(sql, ("id", id), ("district", _district));

    private async Task<IReadOnlyList<TamperFinding>> FindingsAsync(Guid id)
    {
        await using var session = ledger.Store.QuerySession(_district);
        return await session.Query<TamperFinding>().Where(f => f.CaseId == id).ToListAsync();
    }

    [Fact]
    public async Task a_tally_forged_to_every_member_consenting_does_not_pass_the_vote()
    {
        var id = await VoteWithOneYesAsync();
        (await ForgeAsync(
            "update caseledger.mt_doc_votetally set data = jsonb_set(jsonb_set(data, '{count,yesArea}', '600'), '{count,yesMembers}', '6') " +
            "where id = @id and tenant_id = @district", id)).ShouldBe(1);

        var close = await SampleCases.RunAsync(ledger, _district, id, new CloseVote(), Votes.Start.AddDays(8), SampleCases.Clerk);

        close.Events.OfType<RenovationVoteClosed>().Single().Outcome.ShouldBe(VoteOutcome.Failed);
        var finding = (await FindingsAsync(id)).ShouldHaveSingleItem();
        finding.Document.ShouldBe($"VoteTally:{id:D}");
        finding.FoundBy.ShouldBe("command");
        // Members in canonical order: the computed participating area is the first to differ.
        finding.Member.ShouldBe("count.participatingArea");
        finding.Expected.ShouldBe("100");
        finding.Stored.ShouldBe("600");
    }

    [Fact]
    public async Task the_forged_tally_stays_as_it_is_until_a_rebuild()
    {
        var id = await VoteWithOneYesAsync();
        await ForgeAsync("update caseledger.mt_doc_votetally set data = jsonb_set(data, '{count,yesMembers}', '6') where id = @id and tenant_id = @district", id);

        await SampleCases.RunAsync(ledger, _district, id, new CastBallot("U2", "O2", BallotChoice.No), Votes.Start.AddHours(2),
            new Acting("O2", Channel.WeChatMiniProgram, Role.Resident));

        await using var session = ledger.Store.QuerySession(_district);
        (await session.LoadAsync<VoteTally>(id))!.Count.YesMembers.ShouldBe(6);
    }

    [Fact]
    public async Task a_forged_standing_ballot_does_not_change_how_a_new_ballot_counts()
    {
        var id = await VoteWithOneYesAsync();
        // O1's standing Yes is made to read No, so a Yes now would be counted as a change from No.
        (await ForgeAsync("update caseledger.mt_doc_memberballot set data = jsonb_set(data, '{ballot}', '\"No\"') where data ->> 'voteId' = @id::text " +
                          "and data ->> 'unitId' = 'U1' and tenant_id = @district", id)).ShouldBe(1);

        var again = await SampleCases.RunAsync(ledger, _district, id, new CastBallot("U1", "O1", BallotChoice.No), Votes.Start.AddHours(2),
            new Acting("O1", Channel.WeChatMiniProgram, Role.Resident));

        again.Events.OfType<BallotCast>().Single().Replaces.ShouldBe(BallotChoice.Yes);
        (await FindingsAsync(id)).ShouldContain(f => f.Document.StartsWith("MemberBallot:", StringComparison.Ordinal) && f.Member == "ballot");
    }

    [Fact]
    public async Task an_untouched_case_decides_with_no_finding()
    {
        var id = await VoteWithOneYesAsync();

        await SampleCases.RunAsync(ledger, _district, id, new CastBallot("U1", "O1", BallotChoice.No), Votes.Start.AddHours(2),
            new Acting("O1", Channel.WeChatMiniProgram, Role.Resident));
        await SampleCases.RunAsync(ledger, _district, id, new CloseVote(), Votes.Start.AddDays(8), SampleCases.Clerk);

        (await FindingsAsync(id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_case_whose_history_was_edited_is_refused_rather_than_decided()
    {
        var id = await VoteWithOneYesAsync();
        await ForgeAsync("update caseledger.mt_doc_votetally set data = jsonb_set(data, '{count,yesMembers}', '6') where id = @id and tenant_id = @district", id);
        await ForgeAsync("update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"No\"') where stream_id = @id and version = 2 and tenant_id = @district", id);

        var pipeline = ledger.Host.Services.GetService(typeof(CasePipeline)) as CasePipeline;
        var outcome = await pipeline!.ExecuteAsync(new CommandRequest(_district, id, new CloseVote(), SampleCases.Clerk) { At = Votes.Start.AddDays(8) });

        outcome.Rejection!.Code.ShouldBe("case.history_unverified");
        outcome.Appended.ShouldBeEmpty();
    }
}
