using System.Net;
using System.Text;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Certificates;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Input;

// What issue 10 found, tried as a client would, each answered now with a problem that names what is
// wrong and a stable code, and none of them appending anything.
[Collection(LedgerCollection.Name)]
public sealed class when_a_request_is_not_exact(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrict("exact");
    private Guid _vote;
    private Guid _committeeVote;
    private long _events;

    private string Votes_ => $"/districts/{_district}/renovation-votes";

    public async Task InitializeAsync()
    {
        ledger.Clock.Set(Votes.Start);
        var clerk = new Acting("exact-clerk", Channel.ServiceWindow, Role.Clerk);
        _vote = (await SampleCases.RunAsync(ledger, _district, Guid.NewGuid(), Votes.Open(Votes.Start), Votes.Start, clerk)).CaseId;
        _committeeVote = (await SampleCases.RunAsync(ledger, _district, Guid.NewGuid(), Votes.Open(Votes.Start, amount: 20_000m), Votes.Start, clerk)).CaseId;
        _events = await EventCount.AllAsync(ledger);
    }

    public async Task DisposeAsync() =>
        (await EventCount.AllAsync(ledger)).ShouldBe(_events, "no refusal appends an event, nor a tombstone");

    /// <summary>A request the client signs in as the district's staff (clerk, auditor and administrator).</summary>
    private static HttpRequestMessage Staff(HttpMethod method, string url) => new(method, new Uri(url, UriKind.Relative));

    private static HttpRequestMessage Raw(HttpMethod method, string url, string? body, string? contentType = "application/json")
    {
        var request = Request(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        return request;
    }

    private async Task<JsonElement> Problem(HttpRequestMessage request, HttpStatusCode status, string code)
    {
        var response = await ledger.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        problem.GetProperty("code").GetString().ShouldBe(code, body);
        problem.GetProperty("detail").GetString()!.ShouldNotContain("System.");
        return problem;
    }

    private static string OpeningBody(string without = "", string compoundName = "Test Compound") =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["compoundId"] = "compound-9",
            ["compoundName"] = compoundName,
            ["proposal"] = new { description = "Lifts", amount = 90_000m },
            ["roll"] = Votes.SixUnits(),
            ["opensAt"] = Votes.Start,
            ["closesAt"] = Votes.Start.AddDays(7),
        }.Where(m => m.Key != without).ToDictionary(), Json);

    [Fact]
    public async Task a_ballot_without_its_choice_is_refused_not_counted_as_yes()
    {
        var problem = await Problem(Raw(HttpMethod.Post, $"{Votes_}/{_vote}/ballots", """{ "unitId": "U1", "voterId": "O1" }"""),
            HttpStatusCode.BadRequest, "request.body_invalid");

        problem.GetProperty("detail").GetString().ShouldBe("the body is missing required members: 'choice'.");
    }

    [Fact]
    public async Task a_committee_decision_without_approved_is_refused_not_recorded_as_a_failure() =>
        (await Problem(Raw(HttpMethod.Post, $"{Votes_}/{_committeeVote}/committee-decision", """{ "note": "met on Tuesday" }"""),
            HttpStatusCode.BadRequest, "request.body_invalid")).GetProperty("detail").GetString()!.ShouldContain("'approved'");

    [Fact]
    public async Task a_vote_without_its_opening_time_is_refused_not_opened_in_year_one() =>
        (await Problem(Raw(HttpMethod.Post, Votes_, OpeningBody(without: "opensAt")), HttpStatusCode.BadRequest, "request.body_invalid"))
            .GetProperty("detail").GetString()!.ShouldContain("'opensAt'");

    [Fact]
    public async Task a_project_whose_compound_does_not_say_whether_it_has_a_fund_is_refused()
    {
        var body = """
            { "compound": { "id": "c-1", "name": "Camphor Court", "yearBuilt": 2004, "households": 306 },
              "description": "Pipes", "estimatedCost": 1000, "funding": [{ "source": "ResidentsSelfRaised", "amount": 1000 }] }
            """;

        var problem = await Problem(Raw(HttpMethod.Post, $"/districts/{_district}/co-funding-projects", body), HttpStatusCode.BadRequest, "request.body_invalid");

        problem.GetProperty("detail").GetString().ShouldBe("$.compound is missing required members: 'hasMaintenanceFund'.");
    }

    [Fact]
    public async Task an_application_that_does_not_say_whether_the_document_is_damaged_is_refused()
    {
        var body = JsonSerializer.Serialize(CertificateApplications.Body(), Json).Replace("\"damaged\":false,", "", StringComparison.Ordinal);

        (await Problem(Raw(HttpMethod.Post, $"/districts/{_district}/certificates", body), HttpStatusCode.BadRequest, "request.body_invalid"))
            .GetProperty("detail").GetString().ShouldBe("$.existingDocument is missing required members: 'damaged'.");
    }

    [Fact]
    public async Task a_body_of_null_is_refused_on_every_operation_that_writes()
    {
        var document = await ReadAsync<JsonElement>(await ledger.Client.GetAsync("/openapi/v1.json"));
        var writes = new Input.ApiDescription(document).Operations.Where(o => o.Writes).ToList();
        writes.Count.ShouldBeGreaterThan(20);

        foreach (var operation in writes)
        {
            var url = operation.Path.Replace("{district}", _district, StringComparison.Ordinal).Replace("{caseId}", _vote.ToString(), StringComparison.Ordinal);
            var request = Raw(new HttpMethod(operation.Method), url, "null");
            request.Headers.Authorization = new("Bearer", Token("exact-admin", [.. operation.Roles.DefaultIfEmpty(Role.Clerk)], [_district],
                operation.Roles.Contains(Role.Resident) && operation.Roles.Count == 1 ? Channel.OnlinePlatform : Channel.ServiceWindow));

            await Problem(request, HttpStatusCode.BadRequest, "request.body_missing");
        }
    }

    [Fact]
    public async Task a_nul_character_in_a_stored_string_is_refused_before_it_reaches_the_store()
    {
        var problem = await Problem(Raw(HttpMethod.Post, Votes_, OpeningBody(compoundName: "Sun\u0000shine")), HttpStatusCode.BadRequest, "request.body_invalid");

        problem.GetProperty("path").GetString().ShouldBe("$.compoundName");
        problem.GetProperty("detail").GetString().ShouldBe("$.compoundName: text may not contain control characters");
    }

    [Theory]
    [InlineData("/audit/entries?district={d}&actor=a%00b")]
    [InlineData("/audit/entries?district={d}&eventType=%00")]
    [InlineData("/districts/{d}/cases?q=%00")]
    [InlineData("/districts/{d}/cases?kind=a%00")]
    [InlineData("/districts/{d}/renovation-votes?compoundId=%00")]
    [InlineData("/districts/{d}/renovation-votes?compoundId=a%0Ab")]
    public async Task a_control_character_in_a_query_string_is_refused(string url) =>
        await Problem(Staff(HttpMethod.Get, url.Replace("{d}", _district, StringComparison.Ordinal)), HttpStatusCode.BadRequest, "request.query_invalid");

    [Theory]
    [InlineData("limit=2147483647", "query.limit_invalid")]
    [InlineData("limit=501", "query.limit_invalid")]
    [InlineData("limit=0", "query.limit_invalid")]
    [InlineData("limit=-1", "query.limit_invalid")]
    [InlineData("limit=1.5", "query.limit_invalid")]
    [InlineData("limit=", "query.limit_invalid")]
    [InlineData("limit=1&limit=2", "audit.query_invalid")]
    [InlineData("cursor=", "query.cursor_invalid")]
    [InlineData("cursor=not-a-cursor", "query.cursor_invalid")]
    [InlineData("cursor=%2A%2A%2A", "query.cursor_invalid")]
    [InlineData("cursor=WyJhdWRpdCIsIngiXQ", "query.cursor_invalid")] // ["audit","x"]: not a sequence
    [InlineData("cursor=WyJvcGVuaW5ncyIsIjEiXQ", "query.cursor_invalid")] // ["openings","1"]: another list's cursor
    [InlineData("count=all", "query.count_invalid")]
    [InlineData("page=2", "audit.query_invalid")]
    public async Task a_page_out_of_bounds_or_a_cursor_not_given_by_the_trail_is_refused_not_guessed(string paging, string code) =>
        await Problem(Staff(HttpMethod.Get, $"/audit/entries?district={_district}&{paging}"), HttpStatusCode.BadRequest, code);

    [Fact]
    public async Task the_largest_page_is_served_and_no_count_unless_asked()
    {
        var page = await ReadAsync<JsonElement>(await ledger.Client.GetAsync($"/audit/entries?district={_district}&limit=500"));

        page.GetProperty("entries").GetArrayLength().ShouldBeGreaterThan(0);
        (!page.TryGetProperty("count", out var count) || count.ValueKind == JsonValueKind.Null).ShouldBeTrue();
    }

    [Theory]
    [InlineData("actr=someone", "audit.query_invalid")]
    [InlineData("from=2024-04-08T09:00:00", "audit.query_invalid")]
    [InlineData("to=2024-04-08", "audit.query_invalid")]
    public async Task an_unknown_filter_or_a_time_without_its_offset_is_refused(string query, string code) =>
        await Problem(Staff(HttpMethod.Get, $"/audit/entries?district={_district}&{query}"), HttpStatusCode.BadRequest, code);

    [Theory]
    [InlineData("compundId=compound-1")]
    [InlineData("compoundId=a&compoundId=b")]
    public async Task a_list_refuses_a_misspelt_or_repeated_filter(string query) =>
        await Problem(Staff(HttpMethod.Get, $"{Votes_}?{query}"), HttpStatusCode.BadRequest, "query.filter_unknown");

    [Theory]
    [InlineData("garbage")]
    [InlineData("-1")]
    [InlineData("*")]
    [InlineData("W/\"1\"")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("1")]
    [InlineData("\"99999999999999999999\"")]
    public async Task an_if_match_that_is_not_one_strong_tag_of_a_version_is_refused(string ifMatch)
    {
        var request = Raw(HttpMethod.Post, $"{Votes_}/{_vote}/ballots", """{ "unitId": "U1", "voterId": "O1", "choice": "Yes" }""");
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);

        await Problem(request, HttpStatusCode.BadRequest, "request.if_match_invalid");
    }

    [Fact]
    public async Task an_if_match_of_a_version_the_case_has_moved_on_from_is_a_precondition_failure() =>
        await Problem(Request(HttpMethod.Post, $"{Votes_}/{_vote}/ballots", new { unitId = "U1", voterId = "O1", choice = "Yes" }, ifMatch: 7),
            HttpStatusCode.PreconditionFailed, "case.version_mismatch");

    [Theory]
    [InlineData("\"Maybe\"")]
    [InlineData("1")]
    [InlineData("\"Yes, No\"")]
    [InlineData("\"\"")]
    public async Task a_choice_that_is_not_one_of_its_names_is_refused_in_the_caller_s_words(string choice)
    {
        var problem = await Problem(Raw(HttpMethod.Post, $"{Votes_}/{_vote}/ballots", $$"""{ "unitId": "U1", "voterId": "O1", "choice": {{choice}} }"""),
            HttpStatusCode.BadRequest, "request.body_invalid");

        problem.GetProperty("detail").GetString().ShouldBe("$.choice: expected one of: Yes, No, Abstain");
    }

    [Fact]
    public async Task an_unknown_member_is_refused_by_name() =>
        (await Problem(Raw(HttpMethod.Post, $"{Votes_}/{_vote}/ballots", """{ "unitId": "U1", "voterId": "O1", "choice": "Yes", "weight": 2 }"""),
            HttpStatusCode.BadRequest, "request.body_invalid")).GetProperty("detail").GetString().ShouldBe("the body has no member 'weight'.");

    [Fact]
    public async Task a_name_longer_than_its_limit_is_refused()
    {
        var problem = await Problem(Raw(HttpMethod.Post, Votes_, OpeningBody(compoundName: new string('n', InputLimits.Name + 1))),
            HttpStatusCode.BadRequest, "request.body_invalid");

        problem.GetProperty("detail").GetString().ShouldBe($"$.compoundName: text is at most {InputLimits.Name} characters long");
    }

    [Fact]
    public async Task a_ten_megabyte_compound_name_is_refused_for_its_size_without_being_read()
    {
        var request = Raw(HttpMethod.Post, Votes_, OpeningBody(compoundName: new string('n', 10_000_000)));
        request.Headers.ExpectContinue = true;

        (await Problem(request, HttpStatusCode.RequestEntityTooLarge, "request.too_large")).GetProperty("detail").GetString()
            .ShouldBe($"This request's body is at most {InputLimits.LargeBodyBytes} bytes.");
    }

    [Fact]
    public async Task a_ballot_larger_than_a_command_may_be_is_refused_for_its_size() =>
        await Problem(Raw(HttpMethod.Post, $"{Votes_}/{_vote}/ballots", $$"""{ "unitId": "{{new string('u', 70_000)}}", "voterId": "O1", "choice": "Yes" }"""),
            HttpStatusCode.RequestEntityTooLarge, "request.too_large");

    [Fact]
    public async Task a_body_sent_in_chunks_beyond_the_limit_is_refused_for_its_size()
    {
        var request = Request(HttpMethod.Post, $"{Votes_}/{_vote}/ballots");
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "unitId": "{{new string('u', 70_000)}}" }""")));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        await Problem(request, HttpStatusCode.RequestEntityTooLarge, "request.too_large");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    public async Task a_json_body_not_sent_as_json_is_an_unsupported_media_type(string? contentType) =>
        (await Problem(Raw(HttpMethod.Post, $"{Votes_}/{_vote}/ballots", """{ "unitId": "U1", "voterId": "O1", "choice": "Yes" }""", contentType),
            HttpStatusCode.UnsupportedMediaType, "request.content_type")).GetProperty("type").GetString()
        .ShouldBe("https://caseledger.dev/problems/request.content_type");

    [Fact]
    public async Task a_body_sent_to_a_command_that_takes_none_is_read_as_strictly()
    {
        await Problem(Raw(HttpMethod.Post, $"{Votes_}/{_vote}/close", """{ "force": true }"""), HttpStatusCode.BadRequest, "request.body_invalid");
        await Problem(Raw(HttpMethod.Post, $"{Votes_}/{_vote}/close", "{}", "text/plain"), HttpStatusCode.UnsupportedMediaType, "request.content_type");
    }

    [Theory]
    [InlineData("X-Correlation-Id", "request.correlation_id_invalid")]
    [InlineData("X-On-Behalf-Of", "acting.on_behalf_of_invalid")]
    [InlineData("Idempotency-Key", "idempotency.key_invalid")]
    public async Task a_header_caseledger_reads_with_a_control_character_is_refused(string header, string code)
    {
        var request = Raw(HttpMethod.Post, $"{Votes_}/{_vote}/ballots", """{ "unitId": "U1", "voterId": "O1", "choice": "Yes" }""");
        request.Headers.TryAddWithoutValidation(header, "a\tb");

        await Problem(request, HttpStatusCode.BadRequest, code);
    }

    [Theory]
    [InlineData("GET", "/districts/{d}/renovation-votes/not-a-guid", HttpStatusCode.NotFound, "route.not_found")]
    [InlineData("GET", "/districts/{d}/cases/not-a-guid/events", HttpStatusCode.NotFound, "route.not_found")]
    [InlineData("DELETE", "/districts/{d}/renovation-votes", HttpStatusCode.MethodNotAllowed, "request.method_not_allowed")]
    [InlineData("GET", "/no/such/place", HttpStatusCode.NotFound, "route.not_found")]
    public async Task what_the_framework_answers_by_itself_is_a_problem_with_a_code(string method, string url, HttpStatusCode status, string code) =>
        await Problem(Staff(new HttpMethod(method), url.Replace("{d}", _district, StringComparison.Ordinal)), status, code);
}
