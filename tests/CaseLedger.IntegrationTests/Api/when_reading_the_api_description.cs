using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>
/// The API description says exactly what the API reads and writes: amounts, enums and required
/// members as CaseLedger's JSON conventions have them, what the live API answers, and each
/// operation's problem codes.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed partial class when_reading_the_api_description(Ledger ledger) : IAsyncLifetime
{
    private const string Seeded = Ledger.SeededDistrict;
    private ApiSchemas _api = null!;

    public async Task InitializeAsync() => _api = new ApiSchemas(await ReadAsync<JsonElement>(await ledger.Client.GetAsync("/openapi/v1.json")));

    public Task DisposeAsync() => Task.CompletedTask;

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        _api.Document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (p.Name, o.Name, o.Value)));

    private JsonElement Operation(string path, string method) => _api.Document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private Dictionary<string, IReadOnlyList<string>> Problems(string path, string method) =>
        Operation(path, method).TryGetProperty("x-caseledger-problems", out var problems)
            ? problems.EnumerateObject().ToDictionary(s => s.Name, s => (IReadOnlyList<string>)s.Value.EnumerateArray().Select(c => c.GetString()!).ToList())
            : new Dictionary<string, IReadOnlyList<string>>();

    private static readonly string[] Nested = ["items", "additionalProperties"];

    /// <summary>Every schema in the document, with where it is.</summary>
    private IEnumerable<(string At, JsonElement Schema)> Schemas()
    {
        IEnumerable<(string, JsonElement)> Walk(string at, JsonElement schema)
        {
            yield return (at, schema);
            foreach (var (key, nested) in Nested
                         .Where(k => schema.TryGetProperty(k, out var n) && n.ValueKind == JsonValueKind.Object).Select(k => (k, schema.GetProperty(k))))
            {
                foreach (var found in Walk($"{at}.{key}", nested))
                {
                    yield return found;
                }
            }

            foreach (var option in schema.TryGetProperty("oneOf", out var oneOf) ? oneOf.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                foreach (var found in Walk($"{at}.oneOf", option))
                {
                    yield return found;
                }
            }

            foreach (var member in schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject() : Enumerable.Empty<JsonProperty>())
            {
                foreach (var found in Walk($"{at}.{member.Name}", member.Value))
                {
                    yield return found;
                }
            }
        }

        return _api.Document.GetProperty("components").GetProperty("schemas").EnumerateObject().SelectMany(c => Walk(c.Name, c.Value));
    }

    private static List<string> TypesOf(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList()
        : [type.GetString()!];

    /// <summary>The CLR type a component describes, found by name in CaseLedger and its host.</summary>
    private static Type ClrType(string component) =>
        new[] { typeof(CaseJson).Assembly, typeof(Program).Assembly }
            .SelectMany(a => a.GetTypes())
            .Single(t => t.Name == component && !t.IsGenericTypeDefinition);

    [Fact]
    public async Task amounts_are_decimal_numbers_in_hundredths_and_no_number_is_text()
    {
        var amount = _api.Component("Proposal").GetProperty("properties").GetProperty("amount");
        var decimals = Schemas().Where(s => s.Schema.TryGetProperty("format", out var f) && f.GetString() == "decimal").ToList();

        amount.GetProperty("type").GetString().ShouldBe("number");
        amount.GetProperty("format").GetString().ShouldBe("decimal");
        amount.GetProperty("multipleOf").GetDecimal().ShouldBe(0.01m);
        decimals.Count.ShouldBeGreaterThan(20);
        decimals.Where(s => !s.Schema.TryGetProperty("multipleOf", out _)).Select(s => s.At)
            .ShouldBe(["CoFundingEligibility.rate", "OnTimeCell.rate", "OnTimeCount.rate", "OnTimeReport.rate", "OnTimeRow.rate", "PromisesKept.rate", "SameDayRow.sameDayRate"]);
        decimals.ShouldAllBe(s => TypesOf(s.Schema).Contains("number"));
        Schemas().Where(s => TypesOf(s.Schema).Contains("string") && (TypesOf(s.Schema).Contains("number") || TypesOf(s.Schema).Contains("integer")))
            .Select(s => s.At).ShouldBeEmpty();
        Schemas().Where(s => s.Schema.TryGetProperty("format", out var f) && f.GetString() is "double" or "float").Select(s => s.At).ShouldBeEmpty();
        (await ReadAsync<JsonElement>(await ledger.Client.GetAsync($"/districts/{Seeded}/renovation-votes"))).GetProperty("items")[0]
            .GetProperty("proposal").GetProperty("amount").ValueKind.ShouldBe(JsonValueKind.Number);
    }

    [Fact]
    public void enums_are_strings_of_their_names()
    {
        var enums = _api.Document.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .Where(c => c.Value.TryGetProperty("enum", out _)).ToList();

        enums.Count.ShouldBeGreaterThan(10);
        foreach (var component in enums)
        {
            component.Value.GetProperty("type").GetString().ShouldBe("string", component.Name);
            component.Value.GetProperty("enum").EnumerateArray().Select(n => n.GetString()).ShouldBe(Enum.GetNames(ClrType(component.Name)), component.Name);
        }
    }

    [Fact]
    public void a_member_that_may_be_null_is_never_required()
    {
        foreach (var component in _api.Document.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            if (!component.Value.TryGetProperty("properties", out var properties))
            {
                continue;
            }

            var required = component.Value.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(n => n.GetString()!).ToList() : [];
            foreach (var member in properties.EnumerateObject())
            {
                var mayBeNull = TypesOf(member.Value).Contains("null")
                    || (member.Value.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Any(o => TypesOf(o).SequenceEqual(["null"])));
                if (mayBeNull)
                {
                    required.ShouldNotContain(member.Name, $"{component.Name}.{member.Name} may be null");
                }
            }
        }
    }

    [Fact]
    public void every_request_body_requires_exactly_what_the_strict_reader_requires()
    {
        var bodies = Operations()
            .Where(o => o.Operation.TryGetProperty("requestBody", out _))
            .Select(o => o.Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema")
                .GetProperty("$ref").GetString()!.Split('/')[^1])
            .Distinct()
            .ToList();

        bodies.ShouldContain("OpenVote");
        bodies.ShouldContain("RegisterProject");
        bodies.ShouldContain("DevelopmentSignIn");
        // Bodies that Wolverine endpoints read themselves: described from their AcceptsJson, read as strictly.
        bodies.ShouldContain("HandOverCase");
        bodies.ShouldContain("RecordComplaint");
        bodies.ShouldContain("SealFile");
        foreach (var body in bodies)
        {
            var type = ClrType(body);
            var least = _api.Least(_api.Component(body))!.AsObject();

            // The least body the description allows is read, and so is every body it holds.
            Should.NotThrow(() => JsonSerializer.Deserialize(least.ToJsonString(), type, CaseJson.Strict), $"{body}: {least.ToJsonString()}");
            foreach (var (path, parent) in Objects(least, body))
            {
                foreach (var name in parent.Select(m => m.Key).ToList())
                {
                    var without = least.DeepClone().AsObject();
                    Find(without, path).Remove(name);
                    Should.Throw<JsonException>(() => JsonSerializer.Deserialize(without.ToJsonString(), type, CaseJson.Strict),
                        $"{path}.{name} is required by the description, so a body without it must be refused");
                }
            }
        }
    }

    /// <summary>A route as the description writes its path: a leading slash, parameters without their constraints.</summary>
    private static string PathOf(RoutePattern route) =>
        "/" + string.Join('/', route.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));

    [Fact]
    public void every_operation_that_reads_a_json_body_describes_it_required_as_its_named_schema()
    {
        // What the host's endpoints say they read, however they are mapped (minimal API or Wolverine), against the description.
        var readers = ledger.Host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(method =>
                (Path: PathOf(e.RoutePattern), Method: method.ToLowerInvariant(), Body: e.Metadata.GetMetadata<IAcceptsMetadata>()!.RequestType!)))
            .Distinct()
            .ToList();

        readers.ShouldContain(("/districts/{district}/cases/{caseId}/hand-overs", "post", typeof(Core.Service.HandOverCase)));
        readers.ShouldContain(("/districts/{district}/cases/{caseId}/complaints", "post", typeof(Core.Service.RecordComplaint)));
        readers.ShouldContain(("/districts/{district}/seals/verification", "post", typeof(CaseLedger.Audit.SealFile)));
        readers.Count.ShouldBeGreaterThan(30);
        var undescribed = readers.Where(r => !Operation(r.Path, r.Method).TryGetProperty("requestBody", out _)).Select(r => $"{r.Method} {r.Path}").ToList();
        undescribed.ShouldBeEmpty();
        foreach (var (path, method, body) in readers)
        {
            var described = Operation(path, method).GetProperty("requestBody");
            described.GetProperty("required").GetBoolean().ShouldBeTrue($"{method} {path}");
            described.GetProperty("content").EnumerateObject().Select(c => c.Name).ShouldBe(["application/json"], $"{method} {path}");
            described.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()
                .ShouldBe($"#/components/schemas/{body.Name}", $"{method} {path}");
        }
    }

    /// <summary>A value of a query parameter's schema, as a client would write it.</summary>
    private static string Example(JsonElement schema) =>
        schema.TryGetProperty("items", out var items) ? Example(items)
        : schema.TryGetProperty("enum", out var values) ? values.EnumerateArray().Last().GetString()!
        : schema.TryGetProperty("minimum", out var least) ? least.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)
        : (schema.TryGetProperty("format", out var format) ? format.GetString() : null) switch
        {
            "uuid" => Guid.NewGuid().ToString(),
            "date-time" => Uri.EscapeDataString("2024-04-08T00:00:00+08:00"),
            _ => "someone",
        };

    [Theory]
    [InlineData("/districts/{district}/cases/{caseId}/state", "version,at")]
    [InlineData("/districts/{district}/cases/{caseId}/diff", "fromVersion,fromAt,toVersion,toAt")]
    public void a_case_at_a_point_declares_how_the_point_is_given(string path, string names)
    {
        var parameters = Operation(path, "get").GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").ToList();

        parameters.Select(p => p.GetProperty("name").GetString()).ShouldBe(names.Split(','));
        parameters.Where(p => p.GetProperty("name").GetString()!.EndsWith("At", StringComparison.Ordinal) || p.GetProperty("name").GetString() == "at")
            .ShouldAllBe(p => p.GetProperty("schema").GetProperty("format").GetString() == "date-time");
    }

    [Fact]
    public void every_reading_over_a_period_declares_its_from_and_to()
    {
        var readings = Operations()
            .Where(o => Problems(o.Path, o.Method).Values.SelectMany(codes => codes).Any(c => c is "reading.month_invalid" or "reading.day_invalid"))
            .ToList();

        readings.ShouldNotBeEmpty();
        foreach (var (path, method, operation) in readings)
        {
            operation.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query")
                .Select(p => p.GetProperty("name").GetString()).ShouldBe(["from", "to"], ignoreOrder: true, $"{method} {path}");
        }
    }

    [Fact]
    public void a_command_declares_the_headers_it_takes_and_answers_with_and_a_body_refuses_unknown_members()
    {
        var ballot = Operation("/districts/{district}/renovation-votes/{caseId}/ballots", "post");
        var headers = ballot.GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "header").Select(p => p.GetProperty("name").GetString()).ToList();
        var answers = ballot.GetProperty("responses").GetProperty("200").GetProperty("headers").EnumerateObject().Select(h => h.Name).ToList();
        var opening = Operation("/districts/{district}/renovation-votes", "post").GetProperty("responses").GetProperty("201").GetProperty("headers");
        var body = _api.Document.GetProperty("components").GetProperty("schemas").GetProperty("CastBallot");

        headers.ShouldBe(["X-On-Behalf-Of", "If-Match", "Idempotency-Key", "X-Correlation-Id"], ignoreOrder: true);
        answers.ShouldBe(["ETag", "CaseLedger-Receipt", "Idempotency-Replayed"], ignoreOrder: true);
        opening.TryGetProperty("Location", out _).ShouldBeTrue();
        body.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task the_api_can_be_tried_by_hand_on_a_page_the_host_serves_itself()
    {
        // Opened as anyone opens it: without a token, like the auditor's page.
        var page = await ledger.Client.SendAsync(Request(HttpMethod.Get, "/api/index.html", actor: null));
        var html = await page.Content.ReadAsStringAsync();
        var settings = await (await ledger.Client.SendAsync(Request(HttpMethod.Get, "/api/index.js", actor: null))).Content.ReadAsStringAsync();

        page.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("swagger-ui");
        // Nothing fetched from elsewhere: the page's scripts and styles are the host's own.
        html.ShouldNotContain("https://");
        settings.ShouldContain("/openapi/v1.json");
    }

    [Fact]
    public async Task the_audit_trails_query_parameters_are_described_each_one_it_reads_and_no_other()
    {
        var parameters = Operation("/audit/entries", "get").GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query").ToDictionary(p => p.GetProperty("name").GetString()!);

        parameters.Keys.ShouldBe(["district", "caseId", "actor", "eventType", "kind", "from", "to", "order", "cursor", "limit", "count", "format"]);
        var district = parameters["district"];
        district.GetProperty("required").GetBoolean().ShouldBeTrue();
        district.GetProperty("schema").GetProperty("type").GetString().ShouldBe("array");
        parameters.Where(p => p.Key != "district" && p.Value.TryGetProperty("required", out _) && p.Value.GetProperty("required").GetBoolean())
            .Select(p => p.Key).ShouldBeEmpty();
        parameters["caseId"].GetProperty("schema").GetProperty("format").GetString().ShouldBe("uuid");
        parameters["from"].GetProperty("schema").GetProperty("format").GetString().ShouldBe("date-time");
        parameters["order"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()).ShouldBe(["newest", "oldest"]);
        parameters["limit"].GetProperty("schema").GetProperty("maximum").GetInt32().ShouldBe(CaseLedger.Audit.AuditQuery.MaxLimit);

        // Every parameter described is one the endpoint reads: all of them at once, each written as its schema says, is answered.
        // A cursor is opaque: the one a first page gave.
        var cursor = (await ReadAsync<CaseLedger.Audit.AuditPage>(await ledger.Client.GetAsync($"/audit/entries?district={Seeded}&limit=1"))).Cursor!;
        // (Every one but format, whose csv answers with CSV, not the page's JSON: asked for alone below.)
        var query = string.Join('&', parameters.Where(p => p.Key != "format").Select(p => $"{p.Key}={p.Key switch
        {
            "district" => Seeded,
            "cursor" => cursor,
            _ => Example(p.Value.GetProperty("schema")),
        }}"));
        var answer = await ledger.Client.GetAsync($"/audit/entries?{query}");
        answer.StatusCode.ShouldBe(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        _api.Mismatches(_api.Response("/audit/entries", "get", "200"), await ReadAsync<JsonElement>(answer)).ShouldBeEmpty();
        var csv = await ledger.Client.GetAsync($"/audit/entries?{query}&format={Example(parameters["format"].GetProperty("schema"))}");
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        // And it reads no other: one the description does not list is refused.
        var unlisted = await ledger.Client.GetAsync($"/audit/entries?district={Seeded}&caseID={Guid.NewGuid()}");
        unlisted.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync<JsonElement>(unlisted)).GetProperty("code").GetString().ShouldBe("audit.query_invalid");
    }

    /// <summary>The objects in a JSON tree with their paths (of member names), the root first.</summary>
    private static IEnumerable<(IReadOnlyList<string> Path, JsonObject Object)> Objects(JsonObject root, string name)
    {
        var pending = new Queue<(IReadOnlyList<string>, JsonObject)>([([], root)]);
        while (pending.TryDequeue(out var next))
        {
            yield return next;
            foreach (var (member, value) in next.Item2)
            {
                if (value is JsonObject nested)
                {
                    pending.Enqueue(([.. next.Item1, member], nested));
                }
            }
        }
    }

    private static JsonObject Find(JsonObject root, IReadOnlyList<string> path) =>
        path.Aggregate(root, (node, member) => node[member]!.AsObject());

    [Theory]
    [InlineData("/kinds", "/kinds")]
    [InlineData("/districts", "/districts")]
    [InlineData("/rules", "/rules")]
    [InlineData("/districts/{district}/renovation-votes", "/districts/yuelu/renovation-votes")]
    [InlineData("/districts/{district}/co-funding-projects", "/districts/yuelu/co-funding-projects")]
    [InlineData("/districts/{district}/certificates", "/districts/yuelu/certificates")]
    [InlineData("/districts/{district}/co-funding-summary", "/districts/yuelu/co-funding-summary")]
    [InlineData("/districts/{district}/certificates/counts", "/districts/yuelu/certificates/counts")]
    [InlineData("/districts/{district}/birth-support-claims", "/districts/yuelu/birth-support-claims")]
    [InlineData("/districts/{district}/birth-support/households", "/districts/yuelu/birth-support/households")]
    [InlineData("/districts/{district}/birth-support/budget", "/districts/yuelu/birth-support/budget")]
    [InlineData("/audit/entries", "/audit/entries?district=yuelu&limit=200")]
    [InlineData("/districts/{district}/cases", "/districts/yuelu/cases")]
    [InlineData("/districts/{district}/verification", "/districts/yuelu/verification")]
    public async Task what_the_api_answers_is_what_the_description_says(string path, string url)
    {
        var answer = await ledger.Client.GetAsync(url);

        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        _api.Mismatches(_api.Response(path, "get", "200"), await ReadAsync<JsonElement>(answer)).ShouldBeEmpty();
    }

    [Fact]
    public async Task every_seeded_case_read_at_any_point_is_what_the_description_says()
    {
        var cases = new List<JsonElement>();
        for (var next = $"/districts/{Seeded}/cases?limit=200"; next is not null;)
        {
            var page = await ReadAsync<JsonElement>(await ledger.Client.GetAsync(next));
            cases.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.GetProperty("next").GetString();
        }

        // Each kind's route, as the host lists its kinds: every kind registered is checked, whoever adds it.
        var routes = (await ReadAsync<JsonElement>(await ledger.Client.GetAsync("/kinds"))).EnumerateArray()
            .ToDictionary(k => k.GetProperty("name").GetString()!, k => k.GetProperty("route").GetString()!);
        var mismatches = new List<string>();
        foreach (var found in cases)
        {
            var id = found.GetProperty("caseId").GetGuid();
            var route = routes[found.GetProperty("kind").GetString()!];
            async Task Check(string path, string url)
            {
                var answer = await ledger.Client.GetAsync(url);
                answer.StatusCode.ShouldBe(HttpStatusCode.OK, url);
                mismatches.AddRange(_api.Mismatches(_api.Response(path, "get", "200"), await ReadAsync<JsonElement>(answer)).Select(m => $"{url}: {m}"));
            }

            await Check($"/districts/{{district}}/{route}/{{caseId}}", $"/districts/{Seeded}/{route}/{id}");
            await Check("/districts/{district}/cases/{caseId}/state", $"/districts/{Seeded}/cases/{id}/state");
            await Check("/districts/{district}/cases/{caseId}/state", $"/districts/{Seeded}/cases/{id}/state?version=1");
            await Check("/districts/{district}/cases/{caseId}/diff", $"/districts/{Seeded}/cases/{id}/diff?fromVersion=1&toVersion=2");
            await Check("/districts/{district}/cases/{caseId}/events", $"/districts/{Seeded}/cases/{id}/events");
            await Check("/districts/{district}/cases/{caseId}/verification", $"/districts/{Seeded}/cases/{id}/verification");
        }

        cases.Count.ShouldBeGreaterThan(15);
        mismatches.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_command_s_outcome_and_a_refusal_are_what_the_description_says()
    {
        var district = ledger.NewDistrict("described");
        ledger.Clock.Set(Votes.Start);
        var opened = await ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{district}/renovation-votes", Votes.Open(Votes.Start)));
        var vote = (await ReadAsync<CommandOutcome>(opened)).CaseId;
        var refused = await ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{district}/renovation-votes/{vote}/ballots",
            new { unitId = "U1", voterId = "not-an-owner", choice = "Yes" }));

        opened.StatusCode.ShouldBe(HttpStatusCode.Created);
        _api.Mismatches(_api.Response("/districts/{district}/renovation-votes", "post", "201"), await ReadAsync<JsonElement>(opened)).ShouldBeEmpty();
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await ReadAsync<JsonElement>(refused);
        _api.Mismatches(_api.Component("Problem"), problem).ShouldBeEmpty();
        Problems("/districts/{district}/renovation-votes/{caseId}/ballots", "post")["422"].ShouldContain(problem.GetProperty("code").GetString()!);
    }

    [Fact]
    public void each_operation_answers_with_the_statuses_of_its_problems_and_names_their_codes()
    {
        foreach (var (path, method, operation) in Operations())
        {
            var problems = Problems(path, method);
            // Every 4xx, and a 503 the database's absence gives, is a problem; a health probe's own 503 is its answer.
            var statuses = operation.GetProperty("responses").EnumerateObject()
                .Where(r => r.Name.StartsWith('4') || (r.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _)))
                .ToList();

            statuses.Select(s => s.Name).ShouldBe(problems.Keys, ignoreOrder: true, $"{method} {path}");
            foreach (var status in statuses)
            {
                foreach (var code in problems[status.Name])
                {
                    status.Value.GetProperty("description").GetString()!.ShouldContain($"`{code}`");
                }

                status.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString()
                    .ShouldBe("#/components/schemas/Problem");
            }
        }
    }

    [Fact]
    public void a_command_lists_what_signing_in_its_route_its_body_the_pipeline_and_its_kind_can_refuse()
    {
        var ballot = Problems("/districts/{district}/renovation-votes/{caseId}/ballots", "post");
        var opening = Problems("/districts/{district}/renovation-votes", "post");
        var close = Problems("/districts/{district}/renovation-votes/{caseId}/close", "post");

        ballot["401"].ShouldBe(["auth.token_invalid", "auth.token_missing"]);
        ballot["403"].ShouldBe(["auth.district_not_granted", "auth.not_your_own", "auth.on_behalf_of_mismatch", "auth.resident_acts_for_self", "auth.role_not_allowed"]);
        ballot["404"].ShouldBe(["case.not_found", "district.unknown"]);
        ballot["412"].ShouldBe(["case.version_mismatch"]);
        ballot["415"].ShouldBe(["request.content_type"]);
        ballot["400"].ShouldContain("request.body_invalid");
        ballot["422"].ShouldContain("renovation_vote.not_owner");
        ballot["422"].ShouldContain("idempotency.key_reused");
        opening["409"].ShouldContain("case.already_exists");
        opening["404"].ShouldBe(["district.unknown"]);
        opening["400"].ShouldNotContain("case.id_missing");
        Problems("/districts/{district}/renovation-votes/{caseId}", "put")["400"].ShouldContain("case.id_missing");
        // A vote is closed by clerks, for no one in particular: no resident's refusals apply, nor a body's, and no one's
        // behalf may be claimed for it.
        close["403"].ShouldBe(["auth.district_not_granted", "auth.on_behalf_of_mismatch", "auth.role_not_allowed"]);
        close.Keys.ShouldNotContain("415");
        // A kind's refusals are its own commands' only.
        Operations().Where(o => !o.Path.Contains("renovation-votes", StringComparison.Ordinal))
            .SelectMany(o => Problems(o.Path, o.Method).Values.SelectMany(c => c))
            .Where(c => c.StartsWith("renovation_vote.", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void reads_list_what_signing_in_their_route_and_their_own_checks_can_refuse()
    {
        Problems("/kinds", "get").Keys.ShouldBe(["400", "401", "503"], ignoreOrder: true);
        Problems("/kinds", "get")["400"].ShouldBe(["request.query_invalid"]);
        Problems("/kinds", "get")["401"].ShouldBe(["auth.token_invalid", "auth.token_missing"]);
        Problems("/kinds", "get")["503"].ShouldBe(["database.unavailable"]);
        // A health probe reports an unreachable database in its own answer; only a broken query string is a problem.
        Problems("/health", "get").Keys.ShouldBe(["400"]);
        Problems("/health/ready", "get")["400"].ShouldBe(["request.query_invalid"]);
        Problems("/districts/{district}/cases/{caseId}/state", "get")["400"].ShouldBe(["audit.point_invalid", "case.district_invalid", "request.query_invalid"]);
        Problems("/districts/{district}/renovation-votes/{caseId}", "get")["403"].ShouldContain("auth.not_your_own");
        Problems("/districts/{district}/certificates", "get")["400"].ShouldContain("query.filter_unknown_value");
        Problems("/districts/{district}/renovation-votes", "get")["400"].ShouldNotContain("query.filter_unknown_value");
        Problems("/districts/{district}/seals", "post")["422"].ShouldBe(["audit.nothing_to_seal"]);
        // Sealing takes no body, but refuses one it does not understand; a seal the witness folder cannot take is a 503 of its own.
        Problems("/districts/{district}/seals", "post")["400"].ShouldContain("request.body_missing");
        Problems("/districts/{district}/seals", "post")["415"].ShouldBe(["request.content_type"]);
        Problems("/districts/{district}/seals", "post")["503"].ShouldBe(["audit.seal_not_published", "database.unavailable"]);
    }

    /// <summary>Codes in CaseLedger's source that no HTTP request can meet, and why.</summary>
    private static readonly Dictionary<string, string> NotOverHttp = new(StringComparer.Ordinal)
    {
        ["acting.actor_missing"] = "a request's actor is its token's subject, which the edge requires (auth.token_invalid)",
        ["acting.incomplete"] = "a Wolverine message's headers, not a request's",
        ["case.command_unknown"] = "only declared commands have endpoints",
    };

    /// <summary>
    /// Codes ASP.NET Core's own answers carry (CaseLedgerProblems.CodeOf), given before or without any
    /// operation: an address no operation is at, a method or media type it does not take, a request
    /// the server could not read, and a 500 should one ever happen.
    /// </summary>
    private static readonly string[] TheFrameworksOwn =
    [
        "request.invalid", "route.not_found", "request.method_not_allowed", "request.not_acceptable", "request.timeout",
        "request.length_required", "request.uri_too_long", "request.headers_too_large", "server.error",
    ];

    [Fact]
    public void every_problem_code_in_the_source_is_listed_by_some_operation()
    {
        var source = Path.Combine(RepositoryRoot(), "src");
        var literals = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => CodeLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            // File names, not codes.
            .Where(c => !c.EndsWith(".yaml", StringComparison.Ordinal) && !c.EndsWith(".log", StringComparison.Ordinal) && !c.EndsWith(".pid", StringComparison.Ordinal)
                        && !c.EndsWith(".conf", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        var listed = Operations().SelectMany(o => Problems(o.Path, o.Method).Values.SelectMany(c => c)).ToHashSet(StringComparer.Ordinal);

        literals.Count.ShouldBeGreaterThan(100);
        literals.Except(listed).Except(NotOverHttp.Keys).Except(TheFrameworksOwn).Order(StringComparer.Ordinal).ShouldBeEmpty();
        TheFrameworksOwn.ShouldBeSubsetOf(literals);
        listed.Except(literals).Order(StringComparer.Ordinal).ShouldBeEmpty();
    }

    [GeneratedRegex("\"([a-z][a-z_]*\\.[a-z][a-z_]*)\"")]
    private static partial Regex CodeLiteral();
}
