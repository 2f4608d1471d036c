using System.Net;
using System.Text;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Npgsql;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Identity;

// Built from the API description itself, so no route can be forgotten: every operation is called
// without a token, with a token for another district, in a role that may not use it, and in a role
// that may; the first three are refused (401, 403, 403) with a CaseLedger code and append nothing.
[Collection(LedgerCollection.Name)]
public sealed class when_every_operation_is_called_by_every_kind_of_caller(Ledger ledger)
{
    private readonly string _district = ledger.NewDistrict("matrix");
    private readonly string _other = ledger.NewDistrict("elsewhere");

    /// <summary>An operation, the roles it is for, and the problem codes its description lists per status.</summary>
    private sealed record Operation(string Method, string Path, IReadOnlyList<Role> Roles, IReadOnlyDictionary<string, IReadOnlyList<string>> Problems)
    {
        public bool Lists(int status, string? code) =>
            code is not null && Problems.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var codes) && codes.Contains(code);
    }

    private async Task<IReadOnlyList<Operation>> OperationsAsync()
    {
        var document = await ReadAsync<JsonElement>(await ledger.Client.GetAsync("/openapi/v1.json"));
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                // An operation open to anyone says so with an empty list of security requirements.
                if (operation.Value.GetProperty("security").GetArrayLength() == 0)
                {
                    continue;
                }

                var roles = operation.Value.GetProperty("x-caseledger-roles").EnumerateArray()
                    .Select(r => Roles.TryParse(r.GetString(), out var role) ? role : throw new InvalidOperationException($"Unknown role {r}")).ToList();
                var problems = operation.Value.GetProperty("x-caseledger-problems").EnumerateObject()
                    .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)p.Value.EnumerateArray().Select(c => c.GetString()!).ToList());
                operations.Add(new Operation(operation.Name.ToUpperInvariant(), path.Name, roles, problems));
            }
        }

        return operations;
    }

    private static string Url(Operation operation, string district) =>
        operation.Path.Replace("{district}", district, StringComparison.Ordinal).Replace("{caseId}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        + (operation.Path == "/audit/entries" ? $"?district={district}" : "");

    private static HttpRequestMessage Call(Operation operation, string url, string? token)
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), new Uri(url, UriKind.Relative));
        if (operation.Method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (token is null)
        {
            request.Options.Set(Anonymous, true);
        }
        else
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return request;
    }

    private async Task<long> EventsAsync()
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from caseledger.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task only_the_right_role_in_a_granted_district_gets_past_the_door()
    {
        var operations = await OperationsAsync();
        operations.Count.ShouldBeGreaterThan(30);
        var wrong = new List<string>();
        var before = await EventsAsync();
        foreach (var operation in operations)
        {
            var allowed = operation.Roles[0];
            var names = operation.Path.Contains("{district}", StringComparison.Ordinal) || operation.Path == "/audit/entries";

            async Task Expect(string who, string? token, string district, HttpStatusCode status, string? code)
            {
                var response = await ledger.Client.SendAsync(Call(operation, Url(operation, district), token));
                var body = await response.Content.ReadAsStringAsync();
                var actual = (int)response.StatusCode >= 400 && body.StartsWith('{')
                    ? JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null
                    : null;
                if (response.StatusCode != status || (code is not null && actual != code))
                {
                    wrong.Add($"{operation.Method} {operation.Path} {who}: {(int)response.StatusCode} {actual}, expected {(int)status} {code}");
                }

                if (!operation.Lists((int)response.StatusCode, actual))
                {
                    wrong.Add($"{operation.Method} {operation.Path} {who}: {(int)response.StatusCode} {actual} is not in its description's x-caseledger-problems");
                }
            }

            await Expect("without a token", null, _district, HttpStatusCode.Unauthorized, "auth.token_missing");
            if (names)
            {
                await Expect("for another district", Token("someone", [allowed], [_other], Channel.ServiceWindow), _district,
                    HttpStatusCode.Forbidden, "auth.district_not_granted");
            }

            if (Roles.OfPeople.Except(operation.Roles).ToList() is [var refused, ..])
            {
                await Expect($"as {Roles.NameOf(refused)}", Token("someone", [refused], [_district], Channel.ServiceWindow), _district,
                    HttpStatusCode.Forbidden, "auth.role_not_allowed");
            }

            // A partner's clerk signs in through the institution's own channel, with the institution named in the token.
            var response = await ledger.Client.SendAsync(Call(operation, Url(operation, _district),
                Token("someone", [allowed], [_district], allowed switch
                {
                    Role.Resident => Channel.OnlinePlatform,
                    Role.Partner => Channel.Partner,
                    _ => Channel.ServiceWindow,
                }, institution: allowed == Role.Partner ? "bank-of-jilin" : null)));
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)response.StatusCode >= 500)
            {
                wrong.Add($"{operation.Method} {operation.Path} as {Roles.NameOf(allowed)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            // Whatever else an allowed caller's call was refused for (an empty body, an unknown case) is listed too.
            var refusal = (int)response.StatusCode >= 400 ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement : default;
            if (refusal.ValueKind == JsonValueKind.Object && !operation.Lists((int)response.StatusCode, refusal.GetProperty("code").GetString()))
            {
                wrong.Add($"{operation.Method} {operation.Path} as {Roles.NameOf(allowed)}: {(int)response.StatusCode} {refusal.GetProperty("code")} is not in its description's x-caseledger-problems");
            }
        }

        wrong.ShouldBeEmpty();
        (await EventsAsync()).ShouldBe(before, "no refused or malformed call appends anything");
    }

    [Fact]
    public async Task every_operation_is_for_named_roles_and_none_lets_a_reader_write()
    {
        var operations = await OperationsAsync();
        var everyone = Roles.OfPeople;

        // Only what every signed-in person may see is open to all roles: what kinds and districts there are.
        operations.Where(o => everyone.All(o.Roles.Contains)).Select(o => $"{o.Method} {o.Path}")
            .ShouldBe(["GET /kinds", "GET /districts"], ignoreOrder: true);
        // Auditors and rule authors read; no operation that writes is theirs (a scenario run, a
        // what-if, and a seal file or a write's receipt checked against the district are posted
        // questions, answered in memory and from read-only sessions).
        operations.Where(o => o.Method is "POST" or "PUT" && (o.Roles.Contains(Role.Auditor) || o.Roles.Contains(Role.RuleAuthor)))
            .Select(o => o.Path).ShouldBe(["/scenarios/runs", "/rules/what-if", "/districts/{district}/seals/verification",
                "/districts/{district}/receipts/verification"], ignoreOrder: true);
        // Residents neither list a district's cases nor read its records: beyond their own case by id, they
        // read only the look-ups of their own cases, which are theirs alone (no one else reads those).
        operations.Where(o => o.Method == "GET" && o.Roles.Contains(Role.Resident) && !o.Path.EndsWith("{caseId}", StringComparison.Ordinal)
                && o.Path is not ("/kinds" or "/districts"))
            .ShouldAllBe(o => o.Roles.Count == 1 && o.Path.EndsWith("/mine", StringComparison.Ordinal));
        // A partner's clerk reads only what names its institution: its part of a case, and its worklist.
        operations.Where(o => o.Method == "GET" && o.Roles.Contains(Role.Partner) && o.Path is not ("/kinds" or "/districts"))
            .ShouldAllBe(o => o.Roles.Count == 1 && (o.Path.EndsWith("/partner-view", StringComparison.Ordinal) || o.Path.EndsWith("/partnered", StringComparison.Ordinal)));
        operations.Where(o => o.Method == "GET" && o.Roles.Contains(Role.Partner)).Select(o => o.Path).ShouldContain("/districts/{district}/property-registrations/partnered");
        operations.Single(o => o.Path.EndsWith("/seals", StringComparison.Ordinal)).Roles.ShouldBe([Role.Administrator]);
        operations.Single(o => o is { Method: "POST", Path: "/districts" }).Roles.ShouldBe([Role.Administrator]);
    }

    [Fact]
    public async Task the_health_check_the_api_description_and_the_auditors_page_stay_open()
    {
        foreach (var url in new[] { "/health", "/health/live", "/health/ready", "/openapi/v1.json", "/audit/" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
            request.Options.Set(Anonymous, true);
            (await ledger.Client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK, url);
        }
    }

    [Fact]
    public async Task the_api_description_declares_the_bearer_scheme_and_leaves_only_the_open_operations_without_it()
    {
        var document = await ReadAsync<JsonElement>(await ledger.Client.GetAsync("/openapi/v1.json"));

        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Name: $"{o.Name.ToUpperInvariant()} {p.Name}", Security: o.Value.GetProperty("security"))))
            .ToList();
        operations.Where(o => o.Security.GetArrayLength() == 0).Select(o => o.Name).ShouldBe(["GET /health", "GET /health/live", "GET /health/ready", "POST /dev/tokens"], ignoreOrder: true);
        operations.Where(o => o.Security.GetArrayLength() > 0).Select(o => o.Security[0].EnumerateObject().Single().Name).Distinct().ShouldBe(["Bearer"]);
    }
}
