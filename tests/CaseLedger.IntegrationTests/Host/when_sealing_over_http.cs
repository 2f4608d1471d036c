using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Host;

/// <summary>Sealing as administrators and auditors use it over HTTP, including many at once.</summary>
[Collection(LedgerCollection.Name)]
public sealed class when_sealing_over_http(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrictToTamperWith("seal-http");
    private Guid _vote;

    /// <summary>An open vote with three ballots (versions 1 to 4), so more can be cast between seals.</summary>
    public async Task InitializeAsync()
    {
        _vote = Guid.NewGuid();
        await SampleCases.RunAsync(ledger, _district, _vote, Votes.Open(Votes.Start), Votes.Start, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));
        foreach (var (unit, owner) in new[] { ("U1", "O1"), ("U2", "O2"), ("U3", "O3") })
        {
            await BallotAsync(unit, owner);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> SealRequestAsync() =>
        ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/seals", actor: "administrator-1", role: Role.Administrator));

    private async Task<SealFile> SealAsync()
    {
        var response = await SealRequestAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return SealFile.Parse(await response.Content.ReadAsStringAsync()).Seal.ShouldNotBeNull();
    }

    private Task<CommandOutcome> BallotAsync(string unit, string owner) => SampleCases.RunAsync(ledger, _district, _vote, new CastBallot(unit, owner, BallotChoice.No),
        Votes.Start.AddHours(2), new Acting(owner, Channel.WeChatMiniProgram, Role.Resident));

    private async Task<int> SealsInTheDatabaseAsync()
    {
        await using var session = ledger.Store.QuerySession(_district);
        return await session.Query<SealRecord>().CountAsync();
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;

    private static HttpRequestMessage AsAuditor(HttpMethod method, string url, HttpContent? content = null)
    {
        var request = Request(method, url, actor: "auditor-1", role: Role.Auditor);
        request.Content = content;
        return request;
    }

    [Fact]
    public async Task sixteen_seal_requests_at_once_make_exactly_one_seal_and_no_server_error()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => SealRequestAsync()));

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        statuses.ShouldAllBe(s => s < 500);
        statuses.Count(s => s == 200).ShouldBe(1, string.Join(", ", statuses));
        statuses.Count(s => s == 422).ShouldBe(15, string.Join(", ", statuses));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.UnprocessableEntity))
        {
            (await CodeOf(refused)).ShouldBe("audit.nothing_to_seal");
        }

        (await SealsInTheDatabaseAsync()).ShouldBe(1);
        var verification = await ledger.VerifyDistrictAsync(_district);
        verification.AllIntact.ShouldBeTrue();
        verification.FailedWrites.ShouldBe(0, "seals of a district wait their turn rather than fail");
    }

    [Fact]
    public async Task the_periodic_sealer_and_seal_requests_at_once_make_one_seal_between_them()
    {
        // The periodic sealer seals each district with this same call; it runs beside the requests.
        var sealer = Enumerable.Range(0, 4).Select(_ => ledger.SealAsync(_district)).ToList();
        var requests = Enumerable.Range(0, 8).Select(_ => SealRequestAsync()).ToList();

        var outcomes = await Task.WhenAll(sealer);
        var responses = await Task.WhenAll(requests);

        responses.ShouldAllBe(r => (int)r.StatusCode < 500);
        (outcomes.Count(o => o.Seal is not null) + responses.Count(r => r.StatusCode == HttpStatusCode.OK)).ShouldBe(1);
        (await SealsInTheDatabaseAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task a_seal_is_served_by_number_and_as_the_latest_with_a_proof_that_it_extends_an_earlier_one()
    {
        var first = await SealAsync();
        await BallotAsync("U4", "O4");
        await SealAsync();
        await BallotAsync("U5", "O5");
        var third = await SealAsync();

        var one = SealFile.Parse(await ledger.Client.GetStringAsync($"/districts/{_district}/seals/1")).Seal.ShouldNotBeNull();
        var latest = SealFile.Parse(await ledger.Client.GetStringAsync($"/districts/{_district}/seals/latest")).Seal.ShouldNotBeNull();
        var consistency = await ReadAsync<JsonElement>(await ledger.Client.GetAsync($"/districts/{_district}/seals/3/consistency?from=1"));
        var proof = consistency.GetProperty("proof").EnumerateArray().Select(p => p.GetString()!).ToList();

        one.Statement.ShouldBe(first.Statement);
        latest.Statement.ShouldBe(third.Statement);
        consistency.GetProperty("from").GetProperty("treeSize").GetInt64().ShouldBe(4);
        consistency.GetProperty("to").GetProperty("treeSize").GetInt64().ShouldBe(6);
        SealFiles.CheckExtends(one, latest, proof).ShouldBeNull();
        SealFiles.CheckSignature(latest, [ledger.Sealing.Key.PublicOnly()]).ShouldBeNull();
    }

    [Theory]
    [InlineData("seals/0", HttpStatusCode.BadRequest, "audit.seal_invalid")]
    [InlineData("seals/first", HttpStatusCode.BadRequest, "audit.seal_invalid")]
    [InlineData("seals/99", HttpStatusCode.NotFound, "audit.seal_not_found")]
    [InlineData("seals/1/consistency", HttpStatusCode.BadRequest, "audit.seal_invalid")]
    [InlineData("seals/1/consistency?from=2", HttpStatusCode.BadRequest, "audit.seal_invalid")]
    public async Task asking_for_a_seal_that_is_not_there_is_a_problem_with_a_code(string path, HttpStatusCode status, string code)
    {
        await SealAsync();

        var response = await ledger.Client.GetAsync($"/districts/{_district}/{path}");

        response.StatusCode.ShouldBe(status);
        (await CodeOf(response)).ShouldBe(code);
    }

    [Fact]
    public async Task an_auditor_posts_a_seal_file_they_kept_and_learns_whether_the_district_still_extends_it()
    {
        var held = await SealAsync();
        await BallotAsync("U4", "O4");
        await SealAsync();
        var body = new StringContent(held.ToJson(), Encoding.UTF8, "application/json");

        var intact = await ReadAsync<HeldSealVerification>(await ledger.Client.SendAsync(
            AsAuditor(HttpMethod.Post, $"/districts/{_district}/seals/verification", body)));
        (await ledger.ExecuteSqlAsync("delete from caseledger.mt_events where stream_id = @id and version = 4", ("id", _vote))).ShouldBe(1);
        var broken = await ReadAsync<HeldSealVerification>(await ledger.Client.SendAsync(
            AsAuditor(HttpMethod.Post, $"/districts/{_district}/seals/verification", new StringContent(held.ToJson(), Encoding.UTF8, "application/json"))));
        var forged = await ReadAsync<HeldSealVerification>(await ledger.Client.SendAsync(AsAuditor(HttpMethod.Post,
            $"/districts/{_district}/seals/verification", JsonContent.Create(held with { Statement = held.Statement with { TreeSize = 1 } }, options: SealFile.Json))));
        var malformed = await ledger.Client.SendAsync(AsAuditor(HttpMethod.Post, $"/districts/{_district}/seals/verification",
            new StringContent("{\"statement\":{}}", Encoding.UTF8, "application/json")));

        intact.Intact.ShouldBeTrue(string.Join("; ", intact.Problems));
        intact.Latest!.Number.ShouldBe(2);
        intact.ConsistencyProof.ShouldNotBeEmpty();
        broken.Intact.ShouldBeFalse();
        broken.Verification!.Broken.ShouldHaveSingleItem().CaseId.ShouldBe(_vote);
        forged.Intact.ShouldBeFalse();
        forged.Problems.ShouldHaveSingleItem().ShouldStartWith("the seal you hold is not genuine");
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(malformed)).ShouldBe("request.body_invalid");
    }

    [Fact]
    public async Task the_public_key_is_served_as_pem_and_checks_the_seals()
    {
        var seal = await SealAsync();

        var response = await ledger.Client.SendAsync(AsAuditor(HttpMethod.Get, "/sealing/public-key"));
        using var key = SealKey.FromPem(await response.Content.ReadAsStringAsync());

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-pem-file");
        key.CanSign.ShouldBeFalse();
        key.KeyId.ShouldBe(seal.Statement.KeyId);
        SealFiles.CheckSignature(seal, [key]).ShouldBeNull();
    }

    [Fact]
    public async Task sealing_after_the_database_lost_a_published_seal_is_refused_with_a_conflict()
    {
        await SealAsync();
        await BallotAsync("U4", "O4");
        await ledger.ExecuteSqlAsync("delete from caseledger.mt_doc_sealrecord where tenant_id = @district", ("district", _district));

        var response = await SealRequestAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await CodeOf(response)).ShouldBe("audit.seals_diverged");
        (await SealsInTheDatabaseAsync()).ShouldBe(0);
    }
}
