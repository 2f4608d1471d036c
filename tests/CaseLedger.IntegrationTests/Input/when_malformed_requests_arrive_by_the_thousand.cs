using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Certificates;
using CaseLedger.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Input;

// An attacker's afternoon, replayed deterministically: every operation of the API description is
// sent thousands of requests, each broken in one way (MalformedRequests says which), by callers
// who mostly hold a valid token of a role the operation allows, so the requests reach the checks
// of the input itself. No answer may be a server error, every refusal is a problem with a stable
// code, no writing operation accepts any of them, and not one event (not even a tombstone) is added.
[Collection(LedgerCollection.Name)]
public sealed class when_malformed_requests_arrive_by_the_thousand(Ledger ledger, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The seed of the run: the same requests every time, so a failure can be replayed.</summary>
    public const int Seed = 20261201;

    public const int Requests = 10_240;

    private readonly string _district = ledger.NewDistrict("fuzz");
    private readonly string _other = ledger.NewDistrict("fuzz-other");
    private readonly Dictionary<string, Guid> _cases = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        ledger.Clock.Set(Votes.Start);
        var clerk = new Acting("fuzz-setup-clerk", Channel.ServiceWindow, Role.Clerk);
        _cases["renovation-votes"] = (await SampleCases.RunAsync(ledger, _district, Guid.NewGuid(), Votes.Open(Votes.Start), Votes.Start, clerk)).CaseId;
        _cases["co-funding-projects"] = (await SampleCases.RunAsync(ledger, _district, Guid.NewGuid(), new RegisterProject(
            new Compound("fuzz-court", "Fuzz Court", 2004, HasMaintenanceFund: true, Households: 120), "Roof and lifts", 500_000m,
            [new Funding(FundingSource.CompoundPublicIncome, 500_000m)]), Votes.Start, clerk)).CaseId;
        _cases["certificates"] = (await SampleCases.RunAsync(ledger, _district, Guid.NewGuid(), CertificateApplications.Eligible(),
            new DateTimeOffset(2025, 12, 1, 2, 0, 0, TimeSpan.Zero), clerk)).CaseId;
        // Sealed now, a seal the run asks for finds nothing new and appends nothing.
        (await ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/seals", role: Role.Administrator))).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task no_request_is_a_server_error_every_refusal_is_a_coded_problem_and_nothing_is_appended()
    {
        var api = new ApiDescription(await ReadAsync<JsonElement>(await ledger.Client.GetAsync("/openapi/v1.json")));
        var commandPaths = await CommandPathsAsync();
        var requests = new MalformedRequests(api, Keys, _district, _other, _cases, commandPaths, Seed).Make(Requests);
        var before = await EventCount.AllAsync(ledger);

        var wrong = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Concurrent, through the one client, so ten thousand requests take seconds, not minutes.
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (request, ct) =>
        {
            HttpResponseMessage response;
            try
            {
                using var message = request.ToMessage();
                if (request.Authorization is null)
                {
                    message.Options.Set(Anonymous, true);
                }

                response = await ledger.Client.SendAsync(message, ct);
            }
            catch (HttpRequestException e)
            {
                wrong.Add($"{request}: no answer ({e.Message})");
                return;
            }

            using var answered = response;
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (status >= 500)
            {
                wrong.Add($"{request}: {status} {Cut(body)}");
            }
            else if (status >= 400 && !IsCodedProblem(response, body))
            {
                wrong.Add($"{request}: {status} without a problem and its code: {response.Content.Headers.ContentType} {Cut(body)}");
            }
            else if (status >= 400 && request.Operation.Writes && commandPaths.Contains(request.Operation.Path) && !IsInputRefusal(body))
            {
                // Every request is malformed, so none may get as far as the case (409, 412, 422, case.not_found).
                wrong.Add($"{request}: taken past the input checks, {status} {Cut(body)}");
            }
            else if (status < 400 && request.Operation.Writes)
            {
                wrong.Add($"{request}: accepted ({status}) {Cut(body)}");
            }
        });
        watch.Stop();

        output.WriteLine($"{requests.Count} requests over {api.Operations.Count} operations in {watch.Elapsed.TotalSeconds:0.0} s; " +
                         string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        requests.GroupBy(r => r.Operation).Select(g => g.Count()).Min().ShouldBeGreaterThanOrEqualTo(Requests / api.Operations.Count);
        wrong.Take(30).ToList().ShouldBeEmpty($"{wrong.Count} of {requests.Count} requests were answered wrongly");
        (await EventCount.AllAsync(ledger)).ShouldBe(before, "no refused request appends an event, nor a tombstone");
    }

    [Fact]
    public async Task the_requests_are_the_same_on_every_run_and_break_every_operation()
    {
        var api = new ApiDescription(await ReadAsync<JsonElement>(await ledger.Client.GetAsync("/openapi/v1.json")));
        var commandPaths = await CommandPathsAsync();

        var first = new MalformedRequests(api, Keys, _district, _other, _cases, commandPaths, Seed).Make(2_000).Select(r => r.ToString()).ToList();
        var again = new MalformedRequests(api, Keys, _district, _other, _cases, commandPaths, Seed).Make(2_000).Select(r => r.ToString()).ToList();

        again.Count.ShouldBe(first.Count);
        first.Zip(again).FirstOrDefault(pair => pair.First != pair.Second).ShouldBe(default);
        first.Select(r => r.Split(' ')[0]).Distinct().ShouldBe(["GET", "POST", "PUT"], ignoreOrder: true);
        commandPaths.ShouldContain("/districts/{district}/renovation-votes/{caseId}/ballots");
        api.Operations.Where(o => o.BodySchema is not null).Select(o => o.Path).ShouldContain("/districts/{district}/certificates");
    }

    private async Task<HashSet<string>> CommandPathsAsync()
    {
        var kinds = await ReadAsync<IReadOnlyList<KindInfo>>(await ledger.Client.GetAsync("/kinds"));
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var command in kinds.SelectMany(k => k.Commands))
        {
            paths.Add(command.Path);
            // An opening command is also PUT under an id the client chose.
            if (!command.Path.EndsWith('}') && !command.Path.Contains("{caseId}", StringComparison.Ordinal))
            {
                paths.Add(command.Path + "/{caseId}");
            }
        }

        return paths;
    }

    private static bool IsCodedProblem(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("code", out var code) && code.GetString() is { Length: > 0 };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Refusals of the request itself: its form, its caller, its address; not of what it asks of a case.</summary>
    private static bool IsInputRefusal(string body)
    {
        var code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;
        return code.Split('.')[0] is "request" or "auth" or "acting" or "idempotency" or "route" or "district" or "query" || code == "case.district_invalid";
    }

    private static string Cut(string body) => body.Length > 300 ? body[..300] : body;
}
