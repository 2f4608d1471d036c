using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Http;
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

    private Task<HttpResponseMessage> SealRequestAsync(HttpContent? body = null)
    {
        var request = Request(HttpMethod.Post, $"/districts/{_district}/seals", actor: "administrator-1", role: Role.Administrator);
        request.Content = body;
        return ledger.Client.SendAsync(request);
    }

    private async Task<SealMade> SealMadeAsync()
    {
        var response = await SealRequestAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadAsync<SealMade>(response);
    }

    private async Task<SealFile> SealAsync() => (await SealMadeAsync()).Seal;

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

    private async Task<JsonElement> DescriptionAsync() => await ReadAsync<JsonElement>(await ledger.Client.GetAsync("/openapi/v1.json"));

    [Fact]
    public async Task a_seal_answers_with_the_signed_file_where_it_was_published_and_no_case_left_out_as_the_description_says()
    {
        var response = await SealRequestAsync();
        var body = await ReadAsync<JsonElement>(response);
        var made = JsonSerializer.Deserialize<SealMade>(body.GetRawText(), Json)!;
        var api = new Api.ApiSchemas(await DescriptionAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        api.Mismatches(api.Response("/districts/{district}/seals", "post", "200"), body).ShouldBeEmpty();
        made.Seal.Statement.Number.ShouldBe(1);
        made.WitnessFile.ShouldBe($"{_district}/1.json");
        made.Published.ShouldBe([1]);
        made.Withheld.ShouldBeEmpty();
        var published = SealWitnessFolder.Read(Path.Combine(ledger.Sealing.Witness.Folder, made.WitnessFile)).Seal.ShouldNotBeNull();
        published.Statement.ShouldBe(made.Seal.Statement);
        published.Signature.ShouldBe(made.Seal.Signature);
    }

    [Fact]
    public async Task a_case_left_out_of_a_seal_is_named_with_its_reason_in_the_seal_and_in_the_refusal_that_follows()
    {
        await SealAsync();
        // A forger cuts the vote's last ballot, with its link, and rewinds its head and stream.
        (await ledger.ExecuteSqlAsync("delete from caseledger.mt_events where stream_id = @id and version = 4", ("id", _vote))).ShouldBe(1);
        (await ledger.ExecuteSqlAsync("delete from caseledger.mt_doc_chainlink where (data ->> 'caseId')::uuid = @id and (data ->> 'version')::bigint = 4",
            ("id", _vote))).ShouldBe(1);
        (await ledger.ExecuteSqlAsync(
            "update caseledger.mt_doc_chainhead h set data = h.data || jsonb_build_object('version', 3, 'hash', l.data -> 'hash') " +
            "from caseledger.mt_doc_chainlink l where h.id = @id and l.tenant_id = h.tenant_id and l.id = @link",
            ("id", _vote), ("link", ChainLink.IdFor(_vote, 3)))).ShouldBe(1);
        var other = Guid.NewGuid();
        await SampleCases.RunAsync(ledger, _district, other, Votes.Open(Votes.Start), Votes.Start, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));

        var made = await SealMadeAsync();
        var refused = await SealRequestAsync();
        var problem = await ReadAsync<JsonElement>(refused);
        var api = new Api.ApiSchemas(await DescriptionAsync());

        made.Seal.Statement.NewLinks.ShouldBe(1);
        var left = made.Withheld.ShouldHaveSingleItem();
        left.CaseId.ShouldBe(_vote);
        left.Reason.ShouldBe(WithholdingReason.CutBack);
        left.Detail.ShouldBe("its chain head is at version 3, below version 4 that was sealed: the case was cut back");
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("code").GetString().ShouldBe("audit.nothing_to_seal");
        problem.GetProperty("latestSeal").GetInt64().ShouldBe(2);
        var named = problem.GetProperty("withheld").EnumerateArray().ShouldHaveSingleItem();
        named.GetProperty("caseId").GetGuid().ShouldBe(_vote);
        named.GetProperty("reason").GetString().ShouldBe("CutBack");
        api.Mismatches(api.Component("Problem"), problem).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("null", "application/json", HttpStatusCode.BadRequest, "request.body_missing")]
    [InlineData("[]", "application/json", HttpStatusCode.BadRequest, "request.body_invalid")]
    [InlineData("{", "application/json", HttpStatusCode.BadRequest, "request.body_invalid")]
    [InlineData("not json", "application/json", HttpStatusCode.BadRequest, "request.body_invalid")]
    [InlineData("\"\"", "application/json", HttpStatusCode.BadRequest, "request.body_invalid")]
    [InlineData("{\"force\":true}", "application/json", HttpStatusCode.BadRequest, "request.body_invalid")]
    [InlineData("{}", "text/plain", HttpStatusCode.UnsupportedMediaType, "request.content_type")]
    public async Task a_body_other_than_none_or_an_empty_object_is_refused_and_nothing_is_sealed(string body, string type, HttpStatusCode status, string code)
    {
        var response = await SealRequestAsync(new StringContent(body, Encoding.UTF8, type));

        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        (await CodeOf(response)).ShouldBe(code);
        (await SealsInTheDatabaseAsync()).ShouldBe(0);
        ledger.Sealing.Witness.List(_district).ShouldBeEmpty();
    }

    [Fact]
    public async Task an_empty_object_as_the_body_seals_as_no_body_does()
    {
        var response = await SealRequestAsync(new StringContent("{}", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await ReadAsync<SealMade>(response)).Seal.Statement.Number.ShouldBe(1);
    }

    /// <summary>Puts a file where the district's folder of the witness folder belongs, so no seal file of the district can be written.</summary>
    private string BlockTheWitnessFolder()
    {
        Directory.CreateDirectory(ledger.Sealing.Witness.Folder);
        var blocker = Path.Combine(ledger.Sealing.Witness.Folder, _district);
        File.WriteAllText(blocker, "not a folder");
        return blocker;
    }

    [Fact]
    public async Task a_seal_the_witness_folder_cannot_take_is_a_503_problem_and_the_next_seal_publishes_the_waiting_ones_first_in_order()
    {
        var blocker = BlockTheWitnessFolder();
        var first = await SealRequestAsync();
        var firstProblem = await ReadAsync<JsonElement>(first);
        await BallotAsync("U4", "O4");
        var second = await ReadAsync<JsonElement>(await SealRequestAsync());
        var waiting = await ledger.VerifyDistrictAsync(_district);
        var api = new Api.ApiSchemas(await DescriptionAsync());

        File.Delete(blocker);
        await BallotAsync("U5", "O5");
        var third = await SealMadeAsync();
        var after = await ledger.VerifyDistrictAsync(_district);

        first.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        firstProblem.GetProperty("code").GetString().ShouldBe("audit.seal_not_published");
        firstProblem.GetProperty("recorded").GetInt64().ShouldBe(1);
        firstProblem.GetProperty("unpublished").EnumerateArray().Select(n => n.GetInt64()).ShouldBe([1]);
        firstProblem.GetProperty("detail").GetString()!.ShouldContain("Seal 1 was recorded in the database");
        api.Mismatches(api.Component("Problem"), firstProblem).ShouldBeEmpty();
        second.GetProperty("code").GetString().ShouldBe("audit.seal_not_published");
        second.GetProperty("unpublished").EnumerateArray().Select(n => n.GetInt64()).ShouldBe([1, 2]);
        // Recorded but seen by no witness: not counted as published, and said so, but not evidence of tampering.
        waiting.AllIntact.ShouldBeTrue(string.Join("; ", waiting.SealProblems));
        waiting.PublishedSeals.ShouldBe(0);
        waiting.Notes.ShouldContain(n => n.StartsWith("seal(s) 1, 2 are recorded in the database but not yet published", StringComparison.Ordinal));
        third.Seal.Statement.Number.ShouldBe(3);
        third.Published.ShouldBe([1, 2, 3]);
        ledger.Sealing.Witness.List(_district).Select(f => f.Number).ShouldBe([1, 2, 3]);
        after.AllIntact.ShouldBeTrue(string.Join("; ", after.SealProblems));
        after.PublishedSeals.ShouldBe(3);
        after.Notes.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_seal_that_waited_is_published_by_the_next_request_even_when_nothing_new_is_sealed()
    {
        var blocker = BlockTheWitnessFolder();
        (await SealRequestAsync()).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        File.Delete(blocker);

        var retried = await SealRequestAsync();
        var problem = await ReadAsync<JsonElement>(retried);

        retried.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("code").GetString().ShouldBe("audit.nothing_to_seal");
        problem.GetProperty("published").EnumerateArray().Select(n => n.GetInt64()).ShouldBe([1]);
        ledger.Sealing.Witness.List(_district).Select(f => f.Number).ShouldBe([1]);
        (await ledger.VerifyDistrictAsync(_district)).PublishedSeals.ShouldBe(1);
    }

    [Fact]
    public async Task a_deleted_latest_seal_file_is_reported_by_the_district_s_verification()
    {
        await SealAsync();
        await BallotAsync("U4", "O4");
        await SealAsync();
        File.Delete(ledger.Sealing.Witness.PathFor(_district, 2));

        var verification = await ReadAsync<DistrictVerification>(await ledger.Client.GetAsync($"/districts/{_district}/verification"));

        verification.AllIntact.ShouldBeFalse();
        verification.SealsIntact.ShouldBe(false);
        verification.PublishedSeals.ShouldBe(1);
        verification.SealProblems.ShouldBe(
            [$"seal 2, the latest, was published, but its file {_district}/2.json is missing from the witness folder: it was deleted"]);
    }
}
