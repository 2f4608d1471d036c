using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// The witness folder is not there, or someone edits it: a seal is recorded in the database before it
/// is published, counts as published only once its file is there, and the next seal publishes every
/// waiting one first, in order; a published file that was removed is reported, never quietly written again.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_a_seal_cannot_be_published(Ledger ledger) : IDisposable
{
    private readonly string _district = ledger.NewDistrictToTamperWith("unpublished");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"caseledger-witness-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>The host's key, with a witness folder of this test's own that, as a configured one, must already exist.</summary>
    private Sealing Sealing => new(ledger.Sealing.Key, new SealWitnessFolder(_folder), TimeSpan.Zero, ledger.Sealing.Trusted.Skip(1));

    private Task<SealOutcome> SealAsync(Sealing sealing) => DistrictSeals.SealAsync(ledger.Store, sealing, _district, ledger.Clock.GetUtcNow());

    private Task<CommandOutcome> NewVoteAsync() =>
        SampleCases.RunAsync(ledger, _district, Guid.NewGuid(), Votes.Open(Votes.Start), Votes.Start, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));

    private async Task<IReadOnlyList<SealRecord>> RecordsAsync()
    {
        await using var session = ledger.Store.QuerySession(_district);
        return [.. (await session.Query<SealRecord>().ToListAsync()).OrderBy(s => s.Number)];
    }

    [Fact]
    public async Task a_witness_folder_that_is_not_there_is_not_made_and_the_seal_waits_recorded_until_it_is()
    {
        var sealing = Sealing;
        await NewVoteAsync();

        var failed = await SealAsync(sealing);
        var waiting = await ChainVerifier.VerifyDistrictAsync(ledger.Store, sealing, ledger.Kinds, ledger.Rules, _district);
        var recorded = await RecordsAsync();
        Directory.CreateDirectory(_folder);
        var retried = await SealAsync(sealing);
        var published = await ChainVerifier.VerifyDistrictAsync(ledger.Store, sealing, ledger.Kinds, ledger.Rules, _district);

        failed.Seal.ShouldNotBeNull().Statement.Number.ShouldBe(1);
        failed.Unpublished.ShouldBe([1]);
        failed.Published.ShouldBeEmpty();
        failed.WitnessProblem.ShouldNotBeNull().ShouldContain("does not exist (is it mounted?)");
        recorded.ShouldHaveSingleItem().AwaitingPublication.ShouldBeTrue();
        waiting.AllIntact.ShouldBeTrue(string.Join("; ", waiting.SealProblems));
        waiting.PublishedSeals.ShouldBe(0);
        waiting.Notes.ShouldContain(n => n.StartsWith("seal(s) 1 are recorded in the database but not yet published", StringComparison.Ordinal));
        retried.Seal.ShouldBeNull();
        retried.Published.ShouldBe([1]);
        retried.Unpublished.ShouldBeEmpty();
        (await RecordsAsync()).ShouldHaveSingleItem().AwaitingPublication.ShouldBeFalse();
        published.PublishedSeals.ShouldBe(1);
        published.Notes.ShouldBeEmpty();
        SealWitnessFolder.Read(sealing.Witness.PathFor(_district, 1)).Seal!.Signature.ShouldBe(failed.Seal.Signature);
    }

    [Fact]
    public async Task seals_made_while_the_folder_is_away_are_published_oldest_first_before_the_next_one()
    {
        var sealing = Sealing;
        await NewVoteAsync();
        (await SealAsync(sealing)).Unpublished.ShouldBe([1]);
        await NewVoteAsync();
        var second = await SealAsync(sealing);
        Directory.CreateDirectory(_folder);
        await NewVoteAsync();

        var third = await SealAsync(sealing);

        second.Seal.ShouldNotBeNull();
        second.Unpublished.ShouldBe([1, 2]);
        third.Published.ShouldBe([1, 2, 3]);
        third.Unpublished.ShouldBeEmpty();
        sealing.Witness.List(_district).Select(f => f.Number).ShouldBe([1, 2, 3]);
        (await RecordsAsync()).ShouldAllBe(r => !r.AwaitingPublication);
        (await ChainVerifier.VerifyDistrictAsync(ledger.Store, sealing, ledger.Kinds, ledger.Rules, _district)).AllIntact.ShouldBeTrue();
    }

    [Fact]
    public async Task a_deleted_published_file_is_reported_and_the_next_seal_does_not_write_it_again()
    {
        Directory.CreateDirectory(_folder);
        var sealing = Sealing;
        await NewVoteAsync();
        (await SealAsync(sealing)).Published.ShouldBe([1]);
        File.Delete(sealing.Witness.PathFor(_district, 1));
        await NewVoteAsync();

        var next = await SealAsync(sealing);
        var verification = await ChainVerifier.VerifyDistrictAsync(ledger.Store, sealing, ledger.Kinds, ledger.Rules, _district);

        next.Published.ShouldBe([2]);
        File.Exists(sealing.Witness.PathFor(_district, 1)).ShouldBeFalse();
        verification.AllIntact.ShouldBeFalse();
        verification.SealProblems.ShouldBe(
            [$"seal 1 was published, but its file {_district}/1.json is missing from the witness folder: it was deleted"]);
    }

    [Fact]
    public async Task a_published_seal_marked_as_waiting_to_hide_its_deleted_file_is_written_again_from_the_database_by_the_next_seal()
    {
        Directory.CreateDirectory(_folder);
        var sealing = Sealing;
        await NewVoteAsync();
        var genuine = (await SealAsync(sealing)).Seal.ShouldNotBeNull();
        File.Delete(sealing.Witness.PathFor(_district, 1));
        (await ledger.ExecuteSqlAsync("update caseledger.mt_doc_sealrecord set data = data || '{\"awaitingPublication\": true}' where tenant_id = @district",
            ("district", _district))).ShouldBe(1);

        var hidden = await ChainVerifier.VerifyDistrictAsync(ledger.Store, sealing, ledger.Kinds, ledger.Rules, _district);
        var next = await SealAsync(sealing);

        hidden.SealProblems.ShouldBeEmpty();
        hidden.PublishedSeals.ShouldBe(0);
        next.Published.ShouldBe([1]);
        SealWitnessFolder.Read(sealing.Witness.PathFor(_district, 1)).Seal!.Signature.ShouldBe(genuine.Signature);
    }
}
