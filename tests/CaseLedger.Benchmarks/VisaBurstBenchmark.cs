using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CaseLedger.Cases.PortVisas;
using CaseLedger.Core;
using CaseLedger.Http.Identity;
using Microsoft.Extensions.Configuration;

namespace CaseLedger.Benchmarks;

/// <summary>
/// A flight's group of travellers submitted at once by a travel agency's staff (proxy for each
/// traveller) through the real host over HTTP, from many concurrent clients, each traveller a case
/// of its own: every one must be accepted and present afterwards, none lost or doubled. Beside it, in
/// the same run and with the same clients, the same number of a trivial authenticated GET (one
/// traveller read by id): what the HTTP edge, the token and one read cost without any write.
/// </summary>
internal static class VisaBurstBenchmark
{
    private const string District = "bench-visas";

    public static async Task RunAsync(int travellers, int clients)
    {
        await using var database = await BenchDatabase.OpenAsync("bench_visas");
        var connection = await ConcurrentBallotBenchmark.FreshDatabaseAsync(database.ConnectionString);
        Console.WriteLine($"CaseLedger port visa burst: {travellers} travellers of one group from {clients} concurrent clients, over HTTP to the host; " +
                          $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        await using var host = await HostProcess.StartAsync(connection, District);
        var keys = TokenKeys.From(new ConfigurationBuilder().Build(), host.DataFolder);
        var now = DateTimeOffset.UtcNow;
        var agency = keys.Mint("bench-agency-staff", [Role.Proxy], [District], Channel.Proxy, TimeSpan.FromHours(2), now);
        var clerk = keys.Mint("bench-port-clerk", [Role.Clerk], [District], Channel.ServiceWindow, TimeSpan.FromHours(2), now);
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };

        // Warm up both paths, untimed, with a group of another agency.
        var warm = await SubmitAsync(http, agency, "WARM-UP", "bench-warm-up-agency", 30, clients);
        var anyone = warm.Ids.First(id => id != Guid.Empty);
        await ReadAsync(http, clerk, anyone, 30, clients);

        var baseline = await ReadAsync(http, clerk, anyone, travellers, clients);
        var burst = await SubmitAsync(http, agency, "FLIGHT-300", "bench-agency", travellers, clients);
        var present = await PresentAsync(http, clerk, burst.Ids);

        Console.WriteLine();
        Console.WriteLine($"{"what",-34} {"requests",8} {"ok",5} {"refused",8} {"errors",7} {"seconds",8} {"per s",7} {"p50 ms",8} {"p99 ms",8}");
        Print("authenticated GET (baseline)", baseline);
        Print("traveller submitted (burst)", burst);
        Console.WriteLine();
        var verdict = present.ById == travellers && present.Counted == travellers && present.Distinct == travellers ? "none lost" : "LOST OR DOUBLED";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"present afterwards: {present.ById} of {travellers} read by id, {present.Counted} counted for the agency (per-agency), {present.Distinct} distinct passports: {verdict}"));
    }

    private sealed record Run(int Requests, int Ok, int Refused, int Errors, TimeSpan Elapsed, double P50, double P99, Guid[] Ids)
    {
        public double PerSecond => Ok / Elapsed.TotalSeconds;
    }

    private static void Print(string what, Run run) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-34} {run.Requests,8} {run.Ok,5} {run.Refused,8} {run.Errors,7} {run.Elapsed.TotalSeconds,8:0.00} {run.PerSecond,7:0} {run.P50,8:0.0} {run.P99,8:0.0}"));

    private static Task<Run> SubmitAsync(HttpClient http, string token, string group, string agency, int travellers, int clients) =>
        TimeAsync(travellers, clients, async (n, ids) =>
        {
            var passport = $"{group}-P{n:00000}";
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/districts/{District}/port-visas", UriKind.Relative))
            {
                Content = JsonContent.Create(new SubmitTraveller(group, agency, "KE8853", $"Traveller {n:000}", passport, "KOR", VisaHandling.InAdvance, 0m),
                    options: CaseJson.Options),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-On-Behalf-Of", passport);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                ids[n] = (await response.Content.ReadFromJsonAsync<CommandOutcome>(CaseJson.Options))!.CaseId;
            }

            return response;
        });

    private static Task<Run> ReadAsync(HttpClient http, string token, Guid traveller, int reads, int clients) =>
        TimeAsync(reads, clients, async (_, _) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/districts/{District}/port-visas/{traveller}", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await http.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            return response;
        });

    /// <summary>The requests dealt out to the clients, each sending its share one after another.</summary>
    private static async Task<Run> TimeAsync(int requests, int clients, Func<int, Guid[], Task<HttpResponseMessage>> send)
    {
        var latencies = new double[requests];
        var ids = new Guid[requests];
        var ok = 0;
        var refused = 0;
        var errors = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (var i = client; i < requests; i += clients)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await send(i, ids);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    _ = response.IsSuccessStatusCode ? Interlocked.Increment(ref ok)
                        : (int)response.StatusCode < 500 ? Interlocked.Increment(ref refused) : Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        var elapsed = watch.Elapsed;
        var sorted = latencies.Order().ToArray();
        return new Run(requests, ok, refused, errors, elapsed, sorted[sorted.Length / 2], sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1], ids);
    }

    /// <summary>How many of the burst's travellers read back by id, how many the agency's figures count, and how many distinct passports they hold.</summary>
    private static async Task<(int ById, int Counted, int Distinct)> PresentAsync(HttpClient http, string token, Guid[] ids)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var passports = new List<string>();
        foreach (var id in ids.Where(id => id != Guid.Empty))
        {
            var traveller = await http.GetFromJsonAsync<Traveller>(new Uri($"/districts/{District}/port-visas/{id}", UriKind.Relative), CaseJson.Options);
            if (traveller is not null)
            {
                passports.Add(traveller.PassportNumber);
            }
        }

        var agencies = await http.GetFromJsonAsync<List<VisasOfAgency>>(new Uri($"/districts/{District}/port-visas/per-agency", UriKind.Relative), CaseJson.Options);
        return (passports.Count, agencies?.SingleOrDefault(a => a.Agency == "bench-agency")?.Travellers ?? 0, passports.Distinct().Count());
    }
}
