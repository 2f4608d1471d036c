using System.Net;
using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Core.Vouching;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// Every acknowledged write comes back with a signed receipt; whoever keeps it can later prove the
/// version it names is still in the case unchanged, or find it cut off or altered, even inside the
/// window before a seal covers it.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_a_write_is_receipted(Ledger ledger)
{
    private readonly string _district = ledger.NewDistrictToTamperWith("receipts");

    private async Task<(Guid Vote, WriteReceipt Receipt, HttpResponseMessage Response)> VoteWithBallotsOverHttpAsync()
    {
        var vote = Guid.NewGuid();
        await SampleCases.RunAsync(ledger, _district, vote, Votes.Open(Votes.Start), Votes.Start, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));
        await SampleCases.RunAsync(ledger, _district, vote, new CastBallot("U1", "O1", BallotChoice.Yes), Votes.Start.AddHours(1),
            new Acting("O1", Channel.WeChatMiniProgram, Role.Resident));
        ledger.Clock.Set(Votes.Start.AddHours(2));
        var response = await ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{vote}/ballots",
            new CastBallot("U2", "O2", BallotChoice.No), actor: "O2", channel: "WeChatMiniProgram"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var outcome = await ReadAsync<CommandOutcome>(response);
        return (vote, outcome.Receipt.ShouldNotBeNull(), response);
    }

    private async Task<ReceiptCheck> CheckOverHttpAsync(WriteReceipt receipt)
    {
        var response = await ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/receipts/verification", receipt,
            actor: "auditor-1", role: Role.Auditor));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadAsync<ReceiptCheck>(response);
    }

    [Fact]
    public async Task a_ballot_comes_back_with_a_receipt_for_its_version_and_link_in_the_body_and_the_header()
    {
        var (vote, receipt, response) = await VoteWithBallotsOverHttpAsync();

        receipt.Statement.Case.ShouldBe(vote);
        receipt.Statement.District.ShouldBe(_district);
        receipt.Statement.Version.ShouldBe(3);
        receipt.Statement.Link.ShouldBe((await ledger.VerifyCaseAsync(_district, vote))!.Head);
        Receipts.CheckSignature(receipt, [ledger.Sealing.Key.PublicOnly()]).ShouldBeNull();
        var (fromHeader, problem) = Receipts.Parse(response.Headers.GetValues(WriteReceipt.Header).Single());
        problem.ShouldBeNull();
        fromHeader!.Statement.ShouldBe(receipt.Statement);
        Receipts.CheckSignature(fromHeader, [ledger.Sealing.Key.PublicOnly()]).ShouldBeNull();
    }

    [Fact]
    public async Task an_untouched_case_checks_as_intact_over_http_on_the_command_line_and_against_its_bundle()
    {
        var (vote, receipt, _) = await VoteWithBallotsOverHttpAsync();

        (await CheckOverHttpAsync(receipt)).Status.ShouldBe(Receipts.Intact);
        var bundle = (await AuditBundles.ExportAsync(ledger.Store, ledger.Kinds, ledger.Rules, _district, vote))!;
        Receipts.CheckAgainst(bundle, [ledger.Sealing.Key.PublicOnly()], receipt).Status.ShouldBe(Receipts.Intact);
        Receipts.CheckOffline(receipt, [ledger.Sealing.Key.PublicOnly()]).Status.ShouldBe(Receipts.Unchecked);
    }

    [Fact]
    public async Task cutting_the_receipted_events_and_rewinding_the_head_before_any_seal_is_found_by_the_receipt()
    {
        var (vote, receipt, _) = await VoteWithBallotsOverHttpAsync();

        // The forger cuts version 3 with its link and rewinds the head to version 2: the chain alone cannot tell.
        await ledger.ExecuteSqlAsync("delete from caseledger.mt_events where stream_id = @id and version = 3", ("id", vote));
        await ledger.ExecuteSqlAsync("delete from caseledger.mt_doc_chainlink where id = @link", ("link", ChainLink.IdFor(vote, 3)));
        await ledger.ExecuteSqlAsync("update caseledger.mt_streams set version = 2 where id = @id", ("id", vote));
        await ledger.ExecuteSqlAsync(
            "update caseledger.mt_doc_chainhead h set data = jsonb_set(jsonb_set(h.data, '{version}', '2'), '{hash}', to_jsonb(l.data ->> 'hash')) " +
            "from caseledger.mt_doc_chainlink l where h.id = @id and l.id = @link", ("id", vote), ("link", ChainLink.IdFor(vote, 2)));

        var check = await CheckOverHttpAsync(receipt);

        check.Status.ShouldBe(Receipts.CutOff);
        check.CaseVersion.ShouldBe(2);
        // The read models still show the cut ballot: verification finds them out of step with the events.
        var verification = (await ledger.VerifyCaseAsync(_district, vote))!;
        verification.Intact.ShouldBeFalse();
        verification.Findings.ShouldContain(f => f.Document == $"VoteTally:{vote:D}");
    }

    [Fact]
    public async Task an_altered_receipted_event_with_its_links_recomputed_is_found_by_the_receipt()
    {
        var (vote, receipt, _) = await VoteWithBallotsOverHttpAsync();

        await ledger.ExecuteSqlAsync("update caseledger.mt_events set data = jsonb_set(data, '{choice}', '\"Yes\"') where stream_id = @id and version = 3", ("id", vote));

        (await CheckOverHttpAsync(receipt)).Status.ShouldBe(Receipts.Altered);
    }

    [Fact]
    public async Task a_receipt_with_a_changed_statement_is_not_genuine()
    {
        var (_, receipt, _) = await VoteWithBallotsOverHttpAsync();
        var forged = receipt with { Statement = receipt.Statement with { Version = 99 } };

        (await CheckOverHttpAsync(forged)).Status.ShouldBe(Receipts.NotGenuine);
        Receipts.CheckOffline(forged, [ledger.Sealing.Key.PublicOnly()]).Genuine.ShouldBeFalse();
    }

    [Fact]
    public async Task a_retried_write_answers_with_the_same_receipt()
    {
        var vote = Guid.NewGuid();
        await SampleCases.RunAsync(ledger, _district, vote, Votes.Open(Votes.Start), Votes.Start, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));
        ledger.Clock.Set(Votes.Start.AddHours(2));
        async Task<CommandOutcome> SendAsync()
        {
            var request = Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes/{vote}/ballots", new CastBallot("U1", "O1", BallotChoice.No),
                actor: "O1", channel: "WeChatMiniProgram");
            request.Headers.Add("Idempotency-Key", $"receipt-{vote:N}");
            var response = await ledger.Client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return await ReadAsync<CommandOutcome>(response);
        }

        var first = await SendAsync();
        var again = await SendAsync();

        again.Receipt.ShouldNotBeNull().Statement.ShouldBe(first.Receipt!.Statement);
    }

    [Fact]
    public async Task a_case_lists_the_receipts_of_its_writes_newest_first()
    {
        var (vote, receipt, _) = await VoteWithBallotsOverHttpAsync();

        var response = await ledger.Client.SendAsync(Request(HttpMethod.Get, $"/districts/{_district}/cases/{vote}/receipts", actor: "auditor-1",
            role: Role.Auditor));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await ReadAsync<ReceiptPage>(response);

        page.Receipts.Select(r => r.Statement.Version).ShouldBe([3L, 2L, 1L]);
        page.Receipts[0].Statement.ShouldBe(receipt.Statement);
        page.Next.ShouldBeNull();
    }

    [Fact]
    public async Task a_receipt_of_another_district_is_refused()
    {
        var (_, receipt, _) = await VoteWithBallotsOverHttpAsync();
        var other = ledger.NewDistrict("elsewhere");

        var response = await ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{other}/receipts/verification", receipt,
            actor: "auditor-1", role: Role.Auditor));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadAsStringAsync()).ShouldContain("audit.receipt_other_district");
    }
}
