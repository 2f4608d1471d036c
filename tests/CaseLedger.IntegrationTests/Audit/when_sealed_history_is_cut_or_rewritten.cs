using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// Someone with database access removes or rewrites history after it was sealed, and covers their
/// tracks as far as the database lets them: links recomputed, heads rewound, the seal log edited, the
/// seals deleted. The sealed log, the signed seals, the witness folder and the seal files auditors
/// keep must each catch what the others cannot.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_sealed_history_is_cut_or_rewritten(Ledger ledger) : IDisposable
{
    private readonly string _district = ledger.NewDistrictToTamperWith("sealed");
    private readonly SealKey _publicKey = ledger.Sealing.Key.PublicOnly();

    public void Dispose() => _publicKey.Dispose();

    private IDocumentStore Store => ledger.Store;

    /// <summary>A vote with three ballots: versions 1 (opened) to 4.</summary>
    private async Task<Guid> VoteWithBallotsAsync()
    {
        var id = Guid.NewGuid();
        await SampleCases.RunAsync(ledger, _district, id, Votes.Open(Votes.Start), Votes.Start, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));
        foreach (var (unit, owner) in new[] { ("U1", "O1"), ("U2", "O2"), ("U3", "O3") })
        {
            await BallotAsync(id, unit, owner);
        }

        return id;
    }

    private Task<CommandOutcome> BallotAsync(Guid vote, string unit, string owner, BallotChoice choice = BallotChoice.Yes) =>
        SampleCases.RunAsync(ledger, _district, vote, new CastBallot(unit, owner, choice), Votes.Start.AddHours(1),
            new Acting(owner, Channel.WeChatMiniProgram, Role.Resident));

    private async Task<SealFile> SealAsync()
    {
        var outcome = await ledger.SealAsync(_district);
        outcome.WitnessProblem.ShouldBeNull();
        return outcome.Seal.ShouldNotBeNull();
    }

    /// <summary>The seal file as an auditor copied it from the witness folder.</summary>
    private SealFile Published(long number) => SealWitnessFolder.Read(ledger.Sealing.Witness.PathFor(_district, number)).Seal.ShouldNotBeNull();

    /// <summary>
    /// Cuts a case back to <paramref name="keep"/> versions the way a careful forger would: the events
    /// and their chain links deleted, the chain head and the stream rewound, so the chain is
    /// consistent again.
    /// </summary>
    private async Task CutBackAsync(Guid id, long keep)
    {
        (await ledger.ExecuteSqlAsync("delete from caseledger.mt_events where stream_id = @id and version > @keep", ("id", id), ("keep", keep)))
            .ShouldBeGreaterThan(0);
        (await ledger.ExecuteSqlAsync(
            "delete from caseledger.mt_doc_chainlink where (data ->> 'caseId')::uuid = @id and (data ->> 'version')::bigint > @keep",
            ("id", id), ("keep", keep))).ShouldBeGreaterThan(0);
        (await ledger.ExecuteSqlAsync(
            "update caseledger.mt_doc_chainhead h set data = h.data || jsonb_build_object('version', @keep, 'hash', l.data -> 'hash', 'time', l.data -> 'time') " +
            "from caseledger.mt_doc_chainlink l where h.id = @id and l.tenant_id = h.tenant_id and l.id = @link",
            ("id", id), ("keep", keep), ("link", ChainLink.IdFor(id, keep)))).ShouldBe(1);
        (await ledger.ExecuteSqlAsync("update caseledger.mt_streams set version = @keep where id = @id", ("id", id), ("keep", keep))).ShouldBe(1);
    }

    /// <summary>Removes every trace of the district's seals from the database, as if it had never been sealed.</summary>
    private async Task DeleteTheSealsAsync()
    {
        var stream = DistrictSeals.StreamFor(_district);
        foreach (var table in new[] { "sealrecord", "sealedlink", "sealtreenode", "sealcursor" })
        {
            await ledger.ExecuteSqlAsync($"delete from caseledger.mt_doc_{table} where tenant_id = @district", ("district", _district));
        }

        await ledger.ExecuteSqlAsync("delete from caseledger.mt_doc_chainlink where (data ->> 'caseId')::uuid = @stream", ("stream", stream));
        await ledger.ExecuteSqlAsync("delete from caseledger.mt_doc_chainhead where id = @stream", ("stream", stream));
        await ledger.ExecuteSqlAsync("delete from caseledger.mt_events where stream_id = @stream", ("stream", stream));
        await ledger.ExecuteSqlAsync("delete from caseledger.mt_streams where id = @stream", ("stream", stream));
    }

    [Fact]
    public async Task a_sealed_last_event_cut_off_with_its_link_and_head_is_found_by_verification()
    {
        var vote = await VoteWithBallotsAsync();
        await SealAsync();

        await CutBackAsync(vote, keep: 3);

        var theCase = await ledger.VerifyCaseAsync(_district, vote);
        theCase!.Intact.ShouldBeFalse();
        theCase.MatchesSeal.ShouldBe(false);
        theCase.FirstBroken!.Version.ShouldBe(4);
        theCase.FirstBroken.What.ShouldContain("were sealed (seal 1) but are gone: the case was cut back to version 3");
        var district = await ledger.VerifyDistrictAsync(_district);
        district.AllIntact.ShouldBeFalse();
        district.Broken.ShouldHaveSingleItem().CaseId.ShouldBe(vote);
    }

    [Fact]
    public async Task a_case_cut_back_is_left_out_of_the_next_seal_and_named()
    {
        var vote = await VoteWithBallotsAsync();
        var other = await VoteWithBallotsAsync();
        await SealAsync();
        await CutBackAsync(vote, keep: 3);
        await BallotAsync(other, "U4", "O4");

        var outcome = await ledger.SealAsync(_district);

        outcome.Seal.ShouldNotBeNull().Statement.NewLinks.ShouldBe(1);
        var withheld = outcome.Withheld.ShouldHaveSingleItem();
        withheld.CaseId.ShouldBe(vote);
        withheld.Reason.ShouldBe(WithholdingReason.CutBack);
        withheld.Detail.ShouldContain("below version 4 that was sealed");
        (await ledger.VerifyCaseAsync(_district, vote))!.Intact.ShouldBeFalse();
    }

    [Fact]
    public async Task a_cut_that_also_removes_every_seal_from_the_database_is_found_from_the_published_seals()
    {
        var vote = await VoteWithBallotsAsync();
        await SealAsync();
        var held = Published(1);

        await CutBackAsync(vote, keep: 3);
        await DeleteTheSealsAsync();

        var district = await ledger.VerifyDistrictAsync(_district);
        district.AllIntact.ShouldBeFalse();
        district.SealProblems.ShouldContain(p => p.Contains("seal 1 was published", StringComparison.Ordinal) && p.Contains("missing from the database", StringComparison.Ordinal));
        var since = await ledger.VerifySinceAsync(_district, held);
        since.Intact.ShouldBeFalse();
        since.Problems.ShouldContain(p => p.Contains("the database holds no seal 1", StringComparison.Ordinal));
        since.Problems.ShouldContain(p => p.Contains("sealed history was removed", StringComparison.Ordinal));
        // Nor may a new seal paper over it.
        await Should.ThrowAsync<SealsDivergedException>(() => ledger.SealAsync(_district));
    }

    [Fact]
    public async Task an_auditor_holding_a_seal_file_finds_a_cut_made_after_it()
    {
        var vote = await VoteWithBallotsAsync();
        await SealAsync();
        var held = Published(1);
        (await ledger.VerifySinceAsync(_district, held)).Intact.ShouldBeTrue();

        await CutBackAsync(vote, keep: 2);

        var since = await ledger.VerifySinceAsync(_district, held);
        since.Intact.ShouldBeFalse();
        since.Verification!.Broken.ShouldHaveSingleItem().FirstBroken!.What.ShouldContain("but are gone");
    }

    [Fact]
    public async Task a_sealed_event_rewritten_with_its_links_and_its_sealed_leaf_no_longer_hashes_to_the_signed_root()
    {
        var vote = await VoteWithBallotsAsync();
        await SealAsync();

        // The forger changes a ballot, recomputes the chain from there, and rewrites the seal log's leaves to match.
        await ledger.ExecuteSqlAsync("update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"No\"') where stream_id = @id and version = 3", ("id", vote));
        var rows = await ChainVerifier.ReadEventsAsync(Store, _district, vote);
        await using (var session = Store.LightweightSession(_district))
        {
            var leaves = (await session.Query<SealedLink>().Where(l => l.CaseId == vote).ToListAsync()).ToDictionary(l => l.Version);
            var previous = ChainHashing.Genesis;
            foreach (var row in rows.OrderBy(r => r.Chained.Version))
            {
                var hash = ChainHashing.Link(previous, row.Chained);
                var link = (await session.LoadAsync<ChainLink>(ChainLink.IdFor(vote, row.Chained.Version)))!;
                session.Store(link with
                {
                    Previous = previous, Hash = hash, DataHash = ChainHashing.DataHash(row.Chained), MetadataHash = ChainHashing.MetadataHash(row.Chained),
                });
                session.Store(leaves[row.Chained.Version] with { Link = hash });
                previous = hash;
            }

            var head = (await session.LoadAsync<ChainHead>(vote))!;
            var cursor = (await session.LoadAsync<SealCursor>(vote))!;
            session.Store(head with { Hash = previous });
            session.Store(cursor with { Link = previous });
            await session.SaveChangesAsync();
        }

        var theCase = await ledger.VerifyCaseAsync(_district, vote);
        var district = await ledger.VerifyDistrictAsync(_district);

        theCase!.Intact.ShouldBeFalse();
        theCase.MatchesSeal.ShouldBe(false);
        theCase.FirstBroken!.What.ShouldContain("does not lead from version 4 to seal 1's signed root");
        district.AllIntact.ShouldBeFalse();
        district.SealsIntact.ShouldBe(false);
        district.SealProblems.ShouldContain("the seal log's first 4 links no longer hash to seal 1's root: sealed links were changed");
    }

    [Fact]
    public async Task each_seal_extends_the_one_before_and_the_latest_is_proved_to_extend_any_earlier_seal_an_auditor_kept()
    {
        var vote = await VoteWithBallotsAsync();
        var first = await SealAsync();
        await BallotAsync(vote, "U4", "O4");
        var second = await SealAsync();
        await VoteWithBallotsAsync();
        await BallotAsync(vote, "U5", "O5", BallotChoice.No);
        var third = await SealAsync();

        var since = await ledger.VerifySinceAsync(_district, Published(1));
        var district = await ledger.VerifyDistrictAsync(_district);

        (first.Statement.TreeSize, second.Statement.TreeSize, third.Statement.TreeSize).ShouldBe((4, 5, 10));
        second.Statement.Previous.ShouldBe(first.Statement.Reference);
        SealFiles.CheckExtends(first, second).ShouldBeNull();
        SealFiles.CheckExtends(second, third).ShouldBeNull();
        since.Intact.ShouldBeTrue(string.Join("; ", since.Problems));
        since.Latest.ShouldBe(third.Statement.Reference);
        since.ConsistencyProof.ShouldNotBeEmpty();
        SealFiles.CheckExtends(first, third, since.ConsistencyProof).ShouldBeNull();
        SealFiles.CheckExtends(first, third, [.. since.ConsistencyProof.Select(_ => new string('c', 64))]).ShouldNotBeNull();
        district.AllIntact.ShouldBeTrue();
        district.SealedLinks.ShouldBe(10);
        district.PublishedSeals.ShouldBe(3);
    }

    [Fact]
    public async Task a_forged_seal_file_or_one_signed_with_another_key_is_refused()
    {
        await VoteWithBallotsAsync();
        var genuine = await SealAsync();
        using var another = SealKey.Generate();
        var altered = genuine with { Statement = genuine.Statement with { TreeSize = 3 } };
        var foreign = SealFile.Sign(genuine.Statement with { KeyId = another.KeyId }, another, []);

        var forgedCheck = await ledger.VerifySinceAsync(_district, altered);
        var foreignCheck = await ledger.VerifySinceAsync(_district, foreign);

        forgedCheck.Intact.ShouldBeFalse();
        forgedCheck.Problems.ShouldHaveSingleItem().ShouldContain("not genuine: seal 1: the signature does not match the statement");
        foreignCheck.Intact.ShouldBeFalse();
        foreignCheck.Problems.ShouldHaveSingleItem().ShouldContain("not with the key given");
        SealFiles.CheckSignature(genuine, [_publicKey]).ShouldBeNull();
        SealFiles.CheckSignature(genuine, [another.PublicOnly()]).ShouldNotBeNull();
    }

    [Fact]
    public async Task the_witness_folder_holds_every_seal_signed_and_the_files_verify_offline()
    {
        var vote = await VoteWithBallotsAsync();
        await SealAsync();
        await BallotAsync(vote, "U4", "O4");
        await SealAsync();
        await BallotAsync(vote, "U5", "O5");
        var latest = await SealAsync();

        var files = ledger.Sealing.Witness.List(_district);
        var seals = files.Select(f => SealWitnessFolder.Read(f.File).Seal.ShouldNotBeNull()).ToList();
        using var another = SealKey.Generate();

        files.Select(f => f.Number).ShouldBe([1, 2, 3]);
        seals[^1].Statement.ShouldBe(latest.Statement);
        seals[^1].Signature.ShouldBe(latest.Signature);
        seals[^1].Consistency.ShouldBe(latest.Consistency);
        var check = SealFiles.CheckChain(seals, [_publicKey]);
        check.Valid.ShouldBeTrue(string.Join("; ", check.Problems));
        check.Latest.ShouldBe(latest.Statement);
        SealFiles.CheckChain(seals, [another.PublicOnly()]).Valid.ShouldBeFalse();
        SealFiles.CheckChain([seals[0], seals[2]], [_publicKey]).Gaps.ShouldHaveSingleItem().ShouldContain("seal 2 is not in the set");
    }

    [Fact]
    public async Task a_published_seal_file_that_no_longer_matches_the_database_is_reported()
    {
        var vote = await VoteWithBallotsAsync();
        await SealAsync();
        await BallotAsync(vote, "U4", "O4");
        await SealAsync();
        var path = ledger.Sealing.Witness.PathFor(_district, 2);

        // A genuine seal, but the wrong one for its number: as if the database's seal 2 had been replaced since.
        File.Copy(ledger.Sealing.Witness.PathFor(_district, 1), path, overwrite: true);

        var district = await ledger.VerifyDistrictAsync(_district);
        district.AllIntact.ShouldBeFalse();
        district.SealProblems.ShouldContain($"{_district}/2.json holds seal 1, not seal 2: seal files were renamed or put out of sequence");
        await Should.ThrowAsync<SealsDivergedException>(() => ledger.SealAsync(_district));
    }
}
