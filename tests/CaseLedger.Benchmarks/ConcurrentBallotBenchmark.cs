using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Http.Identity;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CaseLedger.Benchmarks;

/// <summary>
/// Many clients voting at once on one vote, as near a vote's deadline, through the real host over
/// HTTP, none of them sending If-Match: every ballot must be accepted (the host applies commands to
/// one case one after another), none lost or doubled, and the tally must equal the events. The
/// throughput is printed beside one client casting the same number of ballots on its own.
/// </summary>
internal static class ConcurrentBallotBenchmark
{
    private const string District = "bench-concurrent";

    public static async Task RunAsync(int households, int clients)
    {
        await using var database = await BenchDatabase.OpenAsync("bench_concurrent");
        var connection = await FreshDatabaseAsync(database.ConnectionString);
        Console.WriteLine($"CaseLedger concurrent ballots: {clients} clients on one {households}-unit vote, over HTTP to the host, no If-Match; " +
                          $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        await using var host = await HostProcess.StartAsync(connection, District);
        // The host made its own key in its data folder on start; the clients sign in with tokens it signed.
        var keys = TokenKeys.From(new ConfigurationBuilder().Build(), host.DataFolder);
        var now = DateTimeOffset.UtcNow;
        var clerk = keys.Mint("bench-clerk", [Role.Clerk, Role.Auditor], [District], Channel.ServiceWindow, TimeSpan.FromHours(2), now);
        var owners = Enumerable.Range(1, households)
            .Select(i => keys.Mint($"owner-{i:0000}", [Role.Resident], [District], Channel.OnlinePlatform, TimeSpan.FromHours(2), now)).ToArray();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clerk);

        // Warm up: one vote with every household voting from a single client, untimed.
        var warmUp = await OpenAsync(http, households);
        await VoteAsync(http, warmUp, households, 1, owners);

        var alone = await OpenAsync(http, households);
        var single = await VoteAsync(http, alone, households, 1, owners);
        var shared = await OpenAsync(http, households);
        var concurrent = await VoteAsync(http, shared, households, clients, owners);

        Console.WriteLine();
        Console.WriteLine($"{"clients",8} {"ballots",8} {"accepted",9} {"refused",8} {"errors",7} {"seconds",8} {"ballots/s",10} {"p50 ms",8} {"p99 ms",8}  tally = events");
        Print(1, single, await CheckAsync(http, alone, households));
        Print(clients, concurrent, await CheckAsync(http, shared, households));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clients} clients / 1 client: {concurrent.PerSecond / single.PerSecond:0.00} of the throughput"));
    }

    private sealed record Run(int Ballots, int Accepted, int Refused, int Errors, TimeSpan Elapsed, double P50, double P99)
    {
        public double PerSecond => Accepted / Elapsed.TotalSeconds;
    }

    private static void Print(int clients, Run run, bool agrees) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clients,8} {run.Ballots,8} {run.Accepted,9} {run.Refused,8} {run.Errors,7} {run.Elapsed.TotalSeconds,8:0.00} {run.PerSecond,10:0} {run.P50,8:0.0} {run.P99,8:0.0}  {(agrees ? "yes" : "NO")}"));

    private static async Task<Guid> OpenAsync(HttpClient http, int households)
    {
        var now = DateTimeOffset.UtcNow;
        var roll = Enumerable.Range(1, households).Select(i => new RollEntry($"U{i:0000}", $"owner-{i:0000}", 60m + i % 83)).ToList();
        var open = new OpenVote("bench-compound", "Bench Compound", new Proposal("Lifts", 900_000m), roll, now.AddMinutes(-1), now.AddDays(7));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/districts/{District}/renovation-votes", UriKind.Relative))
        {
            Content = JsonContent.Create(open, options: CaseJson.Options),
        };
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CommandOutcome>(CaseJson.Options))!.CaseId;
    }

    /// <summary>Every household votes once; the households are dealt out to the clients, each casting its share one after another.</summary>
    private static async Task<Run> VoteAsync(HttpClient http, Guid vote, int households, int clients, string[] owners)
    {
        var latencies = new double[households];
        var accepted = 0;
        var refused = 0;
        var errors = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (var i = client; i < households; i += clients)
            {
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/districts/{District}/renovation-votes/{vote}/ballots", UriKind.Relative))
                {
                    Content = JsonContent.Create(new { unitId = $"U{i + 1:0000}", voterId = $"owner-{i + 1:0000}", choice = i % 10 == 0 ? "No" : "Yes" }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owners[i]);
                try
                {
                    using var response = await http.SendAsync(request);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    _ = response.IsSuccessStatusCode ? Interlocked.Increment(ref accepted)
                        : (int)response.StatusCode < 500 ? Interlocked.Increment(ref refused) : Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        var elapsed = watch.Elapsed;
        var sorted = latencies.Order().ToArray();
        return new Run(households, accepted, refused, errors, elapsed, sorted[sorted.Length / 2], sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1]);
    }

    /// <summary>Whether the tally counts every household once and agrees with the events stored.</summary>
    private static async Task<bool> CheckAsync(HttpClient http, Guid vote, int households)
    {
        var tally = await http.GetFromJsonAsync<VoteTally>(new Uri($"/districts/{District}/renovation-votes/{vote}", UriKind.Relative), CaseJson.Options);
        using var history = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/districts/{District}/cases/{vote}/events", UriKind.Relative)));
        var ballots = history.RootElement.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "renovation_vote.ballot_cast.v1");
        return tally is not null && ballots == households && tally.BallotEvents == households && tally.Count.ParticipatingMembers == households
               && tally.Count.YesMembers == households - (households + 9) / 10 && tally.Version == households + 1;
    }

    /// <summary>A new, empty database on the server, for one run of a suite.</summary>
    internal static async Task<string> FreshDatabaseAsync(string server)
    {
        var name = $"concurrent_{Guid.NewGuid():N}"[..24];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
