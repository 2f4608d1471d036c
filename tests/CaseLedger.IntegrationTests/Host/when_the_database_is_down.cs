using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.LocalPostgres;
using Microsoft.Extensions.DependencyInjection;

using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Host;

// A host with a configured connection string, on a cluster this test owns (never the run's shared
// one), whose server is killed and, later, started again: meanwhile the host is live but not ready,
// and answers every request that needs the database 503 database.unavailable; afterwards the same
// host serves again. A configured server is its operator's to restart, so the test does it.
public sealed class when_the_database_is_down(when_the_database_is_down.Outage outage) : IClassFixture<when_the_database_is_down.Outage>
{
    [Fact]
    public void the_host_is_live_but_not_ready()
    {
        outage.During["GET /health/live"].Status.ShouldBe(HttpStatusCode.OK);
        outage.During["GET /health/ready"].Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        outage.During["GET /health/ready"].Body.ShouldContain("\"database\":\"unhealthy\"");
        outage.During["GET /health"].Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public void commands_reads_and_lists_are_answered_503_database_unavailable_with_a_retry_after()
    {
        foreach (var (request, answer) in outage.During.Where(d => !d.Key.Contains("/health", StringComparison.Ordinal)))
        {
            answer.Status.ShouldBe(HttpStatusCode.ServiceUnavailable, request);
            answer.Code.ShouldBe("database.unavailable", request);
            answer.RetryAfter.ShouldNotBeNull(request);
        }

        outage.During.Keys.Count(k => !k.Contains("/health", StringComparison.Ordinal)).ShouldBe(7);
    }

    [Fact]
    public void once_the_server_is_back_the_same_host_is_ready_and_takes_writes_again()
    {
        outage.After["GET /health/ready"].Status.ShouldBe(HttpStatusCode.OK);
        outage.After["POST ballots"].Status.ShouldBe(HttpStatusCode.OK);
        outage.After["GET vote"].Body.ShouldContain("\"ballotEvents\":1");
    }

    public sealed record Answer(HttpStatusCode Status, string? Code, string? RetryAfter, string Body);

    /// <summary>Runs the outage once; the facts above read the answers recorded during and after it.</summary>
    public sealed class Outage : IAsyncLifetime
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
        private LocalPostgresCluster? _cluster;
        private LedgerHost? _host;

        public Dictionary<string, Answer> During { get; } = [];

        public Dictionary<string, Answer> After { get; } = [];

        public async Task InitializeAsync()
        {
            // Not a throwaway cluster: those skip durability (synchronous_commit off), and a write
            // acknowledged just before the kill would then be lost with the server's memory.
            _cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory() });
            _host = await LedgerHost.StartAsync(_cluster.ConnectionString, seeds: false);
            const string district = "outage";
            await _host.Services.GetRequiredService<DistrictRegistry>().RegisterAsync(district, "Outage district");
            var votes = $"/districts/{district}/renovation-votes";
            var opened = await _host.Client.SendAsync(Request(HttpMethod.Post, votes, Votes.Open(_host.Clock.GetUtcNow())));
            opened.StatusCode.ShouldBe(HttpStatusCode.Created);
            var vote = (await ReadAsync<CommandOutcome>(opened)).CaseId;

            var postmaster = HostProcess.PostmasterIdIn(_cluster.DataDirectory) ?? throw new InvalidOperationException("No postmaster.pid.");
            HostProcess.Kill(postmaster);
            (await HostProcess.EventuallyAsync(() => Task.FromResult(!HostProcess.Runs(postmaster)), Patience)).ShouldBeTrue();

            var ballot = new CastBallot("U1", "O1", BallotChoice.Yes);
            foreach (var (name, request) in new (string, Func<HttpRequestMessage>)[]
            {
                ("GET /health/live", () => Anonymous(HttpMethod.Get, "/health/live")),
                ("GET /health/ready", () => Anonymous(HttpMethod.Get, "/health/ready")),
                ("GET /health", () => Anonymous(HttpMethod.Get, "/health")),
                ("POST open", () => Request(HttpMethod.Post, votes, Votes.Open(_host.Clock.GetUtcNow()))),
                ("PUT open with an Idempotency-Key", () => WithKey(Request(HttpMethod.Put, $"{votes}/{Guid.NewGuid()}", Votes.Open(_host.Clock.GetUtcNow())))),
                ("POST ballots", () => Request(HttpMethod.Post, $"{votes}/{vote}/ballots", ballot, actor: "O1", channel: "OnlinePlatform")),
                ("GET vote", () => Request(HttpMethod.Get, $"{votes}/{vote}")),
                ("GET votes", () => Request(HttpMethod.Get, votes)),
                ("GET events", () => Request(HttpMethod.Get, $"/districts/{district}/cases/{vote}/events")),
                ("GET audit entries", () => Request(HttpMethod.Get, $"/audit/entries?district={district}", role: Role.Auditor)),
                ("GET kinds", () => Request(HttpMethod.Get, "/kinds")),
            })
            {
                // What needs no database (the kinds this host serves) must still answer; it is not recorded.
                var answer = await AnswerAsync(request());
                if (name != "GET kinds")
                {
                    During[name] = answer;
                }
                else
                {
                    answer.Status.ShouldBe(HttpStatusCode.OK);
                }
            }

            (await HostProcess.EventuallyAsync(async () =>
            {
                try
                {
                    return await _cluster.EnsureRunningAsync();
                }
                catch (InvalidOperationException)
                {
                    // The killed server's last backends may still hold its shared memory for a moment.
                    return false;
                }
            }, Patience)).ShouldBeTrue();
            (await HostProcess.EventuallyAsync(async () => (await AnswerAsync(Anonymous(HttpMethod.Get, "/health/ready"))).Status == HttpStatusCode.OK, Patience))
                .ShouldBeTrue();
            After["GET /health/ready"] = await AnswerAsync(Anonymous(HttpMethod.Get, "/health/ready"));
            After["POST ballots"] = await AnswerAsync(Request(HttpMethod.Post, $"{votes}/{vote}/ballots", ballot, actor: "O1", channel: "OnlinePlatform"));
            After["GET vote"] = await AnswerAsync(Request(HttpMethod.Get, $"{votes}/{vote}"));
        }

        private static HttpRequestMessage Anonymous(HttpMethod method, string url) => Request(method, url, actor: null);

        private static HttpRequestMessage WithKey(HttpRequestMessage request)
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return request;
        }

        private async Task<Answer> AnswerAsync(HttpRequestMessage request)
        {
            using (request)
            {
                using var response = await _host!.Client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var code = (int)response.StatusCode >= 400 && body.StartsWith('{') && JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c)
                    ? c.GetString()
                    : null;
                return new Answer(response.StatusCode, code, response.Headers.RetryAfter?.ToString(), body);
            }
        }

        public async Task DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }

            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
                await HostProcess.DeleteClusterAsync(_cluster.DataDirectory);
            }
        }
    }
}
