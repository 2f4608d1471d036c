using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// Someone with database access edits event rows directly with SQL; recomputing the chains must
/// find each edit and say what differs.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_history_is_rewritten(Ledger ledger)
{
    private readonly string District = ledger.NewDistrictToTamperWith("tamper");

    private IDocumentStore _store => ledger.Store;

    /// <summary>A vote with three ballots: versions 1 (opened) to 4.</summary>
    private async Task<Guid> VoteWithBallotsAsync()
    {
        var id = Guid.NewGuid();
        await SampleCases.RunAsync(ledger, District, id, Votes.Open(Votes.Start), Votes.Start, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));
        foreach (var (unit, owner, choice) in new[] { ("U1", "O1", BallotChoice.Yes), ("U2", "O2", BallotChoice.No), ("U3", "O3", BallotChoice.Yes) })
        {
            await SampleCases.RunAsync(ledger, District, id, new CastBallot(unit, owner, choice), Votes.Start.AddHours(1), new Acting(owner, Channel.WeChatMiniProgram, Role.Resident));
        }

        return id;
    }

    private async Task ExecuteSqlAsync(string sql, Guid caseId) =>
        (await ledger.ExecuteSqlAsync(sql, ("id", caseId))).ShouldBeGreaterThan(0);

    private async Task<CaseVerification> VerifyAsync(Guid id) => (await ledger.VerifyCaseAsync(District, id))!;

    [Fact]
    public async Task an_untouched_case_verifies_and_matches_its_seal()
    {
        var id = await VoteWithBallotsAsync();
        (await ledger.SealAsync(District, Votes.Start.AddDays(1))).Seal.ShouldNotBeNull();

        var result = await VerifyAsync(id);

        result.Intact.ShouldBeTrue();
        result.Events.ShouldBe(4);
        result.MatchesSeal.ShouldBe(true);
        result.FirstBroken.ShouldBeNull();
    }

    [Fact]
    public async Task changed_data_is_found_at_its_version()
    {
        var id = await VoteWithBallotsAsync();

        await ExecuteSqlAsync("update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"Yes\"') where stream_id = @id and version = 3", id);

        var result = await VerifyAsync(id);
        result.Intact.ShouldBeFalse();
        result.FirstBroken!.Version.ShouldBe(3);
        result.FirstBroken.What.ShouldContain("data changed");
    }

    [Fact]
    public async Task a_changed_time_is_found_with_both_times()
    {
        var id = await VoteWithBallotsAsync();

        await ExecuteSqlAsync("update caseledger.mt_events set timestamp = timestamp - interval '3 days' where stream_id = @id and version = 2", id);

        var result = await VerifyAsync(id);
        result.FirstBroken!.Version.ShouldBe(2);
        result.FirstBroken.What.ShouldContain("time changed");
        result.FirstBroken.Recorded.ShouldNotBe(result.FirstBroken.Found);
    }

    [Fact]
    public async Task a_deleted_event_is_found()
    {
        var id = await VoteWithBallotsAsync();

        await ExecuteSqlAsync("delete from caseledger.mt_events where stream_id = @id and version = 2", id);

        var result = await VerifyAsync(id);
        result.FirstBroken!.Version.ShouldBe(2);
        result.FirstBroken.What.ShouldContain("missing");
    }

    [Fact]
    public async Task reordered_events_are_found()
    {
        var id = await VoteWithBallotsAsync();

        await ExecuteSqlAsync(
            "update caseledger.mt_events set version = version + 1000 where stream_id = @id and version in (2, 3); " +
            "update caseledger.mt_events set version = case version when 1002 then 3 when 1003 then 2 end where stream_id = @id and version > 1000", id);

        var result = await VerifyAsync(id);
        result.FirstBroken!.Version.ShouldBe(2);
        result.FirstBroken.What.ShouldContain("different event");
    }

    [Fact]
    public async Task a_changed_actor_is_found()
    {
        var id = await VoteWithBallotsAsync();

        await ExecuteSqlAsync("update caseledger.mt_events set user_name = 'someone-else' where stream_id = @id and version = 4", id);

        var result = await VerifyAsync(id);
        result.FirstBroken!.Version.ShouldBe(4);
        result.FirstBroken.What.ShouldContain("metadata");
    }

    [Fact]
    public async Task a_rewrite_that_also_recomputes_the_links_still_breaks_the_seal()
    {
        var id = await VoteWithBallotsAsync();
        await ledger.SealAsync(District, Votes.Start.AddDays(1));

        // The forger changes a ballot and, knowing the published algorithm, recomputes every link after it.
        await ExecuteSqlAsync("update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"Yes\"') where stream_id = @id and version = 3", id);
        var rows = await ChainVerifier.ReadEventsAsync(_store, District, id);
        await using (var session = _store.LightweightSession(District))
        {
            var previous = ChainHashing.Genesis;
            foreach (var row in rows.OrderBy(r => r.Chained.Version))
            {
                var hash = ChainHashing.Link(previous, row.Chained);
                var link = await session.LoadAsync<ChainLink>(ChainLink.IdFor(id, row.Chained.Version));
                session.Store(link! with
                {
                    Previous = previous, Hash = hash, DataHash = ChainHashing.DataHash(row.Chained), MetadataHash = ChainHashing.MetadataHash(row.Chained),
                });
                previous = hash;
            }

            await session.SaveChangesAsync();
        }

        var result = await VerifyAsync(id);

        result.Intact.ShouldBeFalse();
        result.MatchesSeal.ShouldBe(false);
        result.FirstBroken!.What.ShouldContain("no longer matches seal");
        (await ledger.VerifyDistrictAsync(District)).AllIntact.ShouldBeFalse();
    }

    [Fact]
    public async Task a_district_verifies_every_case_against_its_latest_seal()
    {
        await VoteWithBallotsAsync();
        await VoteWithBallotsAsync();
        var seal = (await ledger.SealAsync(District, Votes.Start.AddDays(2))).Seal;

        var result = await ledger.VerifyDistrictAsync(District);

        seal.ShouldNotBeNull();
        result.SealNumber.ShouldBe(seal.Statement.Number);
        result.SealsIntact.ShouldBe(true);
        result.SealProblems.ShouldBeEmpty();
        result.SealedLinks.ShouldBe(8);
        result.UnsealedLinks.ShouldBe(0);
        result.Broken.ShouldBeEmpty();
        result.Cases.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task sealing_again_without_changes_records_nothing()
    {
        await VoteWithBallotsAsync();
        (await ledger.SealAsync(ledger.NewDistrict("quiet"), Votes.Start)).Seal.ShouldBeNull();
        var first = await ledger.SealAsync(District, Votes.Start.AddDays(3));

        var second = await ledger.SealAsync(District, Votes.Start.AddDays(4));

        first.Seal.ShouldNotBeNull();
        second.Seal.ShouldBeNull();
        second.Latest.ShouldBe(first.Seal.Statement.Number);
    }
}
