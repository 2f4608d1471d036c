using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.Http.Identity;
using CaseLedger.IntegrationTests.Input;
using Microsoft.Extensions.Configuration;

namespace CaseLedger.Benchmarks;

/// <summary>
/// What the host keeps in memory after an attacker's mix of requests, beside what it keeps after the
/// same number of valid small ones: two fresh host processes, one after the other in the same run, each
/// on its own database with the same cases (a 702-unit vote, a project, an application). Each is warmed
/// up with the same valid requests; then its working set and GC heap are read after a full collection
/// (before), it is sent its mix concurrently, and they are read again as it stands (after) and after a
/// full collection (after GC). The malformed mix is the fuzz suite's (every operation of the API
/// description, each request broken in one way, oversized bodies of 69 KB and 4.2 MB among them).
/// </summary>
internal static class MemoryBenchmark
{
    private const string District = "bench-memory";
    private const string Other = "bench-memory-other";
    private const int Households = 702;
    private const int WarmUps = 1_000;
    private const int Clients = 16;
    private const int Seed = 20261201;

    public static async Task RunAsync(int requests)
    {
        await using var database = await BenchDatabase.OpenAsync("bench_memory");
        Console.WriteLine($"CaseLedger host memory: {requests} requests from {Clients} clients, after {WarmUps} valid warm-up requests, one fresh host " +
                          $"process per mix; {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        var valid = await PhaseAsync(database, requests, malformed: false);
        var broken = await PhaseAsync(database, requests, malformed: true);

        Console.WriteLine();
        Console.WriteLine($"{"mix",-22} {"sent MB",8} {"seconds",8}  {"working set MB: before",22} {"after",7} {"after GC",9}  {"GC heap MB: before",18} {"after",7} {"after GC",9}  answers");
        foreach (var phase in new[] { valid, broken })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{phase.Name,-22} {phase.SentBytes / 1024d / 1024d,8:0.0} {phase.Seconds,8:0.0}  {MemoryReading.Megabytes(phase.Before.WorkingSet),22} " +
                $"{MemoryReading.Megabytes(phase.After.WorkingSet),7} {MemoryReading.Megabytes(phase.AfterGc.WorkingSet),9}  " +
                $"{MemoryReading.Megabytes(phase.Before.GcHeap),18} {MemoryReading.Megabytes(phase.After.GcHeap),7} {MemoryReading.Megabytes(phase.AfterGc.GcHeap),9}  {phase.Answers}"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"malformed / valid: working set after {Ratio(broken.After.WorkingSet, valid.After.WorkingSet)}, after GC {Ratio(broken.AfterGc.WorkingSet, valid.AfterGc.WorkingSet)}; " +
            $"GC heap after GC {Ratio(broken.AfterGc.GcHeap, valid.AfterGc.GcHeap)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"growth over the mix (after GC / before): valid {Ratio(valid.AfterGc.WorkingSet, valid.Before.WorkingSet)} working set, " +
            $"{Ratio(valid.AfterGc.GcHeap, valid.Before.GcHeap)} GC heap; malformed {Ratio(broken.AfterGc.WorkingSet, broken.Before.WorkingSet)} working set, " +
            $"{Ratio(broken.AfterGc.GcHeap, broken.Before.GcHeap)} GC heap"));
    }

    private static string Ratio(long a, long b) => (a / (double)b).ToString("0.00", CultureInfo.InvariantCulture);

    private sealed record Phase(string Name, long SentBytes, double Seconds, MemoryReading Before, MemoryReading After, MemoryReading AfterGc, string Answers);

    private sealed record Setup(TokenKeys Keys, HttpClient Http, Guid Vote, IReadOnlyDictionary<string, Guid> Cases, string[] Owners);

    private static async Task<Phase> PhaseAsync(BenchDatabase database, int count, bool malformed)
    {
        var connection = await database.CreateDatabaseAsync(malformed ? "memory_malformed" : "memory_valid");
        await using var host = await HostProcess.StartAsync(connection, District);
        var setup = await SetUpAsync(host);
        using var http = setup.Http;

        await SendAsync(http, ValidRequests(setup, WarmUps, new Random(Seed + 1)));
        var before = await HostMemory.CollectAndReadAsync(host.Id);
        IReadOnlyList<Func<HttpRequestMessage>> mix;
        if (malformed)
        {
            var api = new ApiDescription(JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement.Clone());
            var kinds = await http.GetFromJsonAsync<IReadOnlyList<KindInfo>>(new Uri("/kinds", UriKind.Relative), CaseJson.Options);
            var commands = kinds!.SelectMany(k => k.Commands).SelectMany(c => new[] { c.Path, c.Path + "/{caseId}" }).ToHashSet(StringComparer.Ordinal);
            mix = new MalformedRequests(api, setup.Keys, District, Other, setup.Cases, commands, Seed).Make(count)
                .Select(r => (Func<HttpRequestMessage>)r.ToMessage).ToList();
        }
        else
        {
            mix = ValidRequests(setup, count, new Random(Seed));
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (sent, answers) = await SendAsync(http, mix);
        var seconds = watch.Elapsed.TotalSeconds;
        var after = await HostMemory.ReadAsync(host.Id);
        var afterGc = await HostMemory.CollectAndReadAsync(host.Id);
        return new Phase(malformed ? "malformed requests" : "valid small requests", sent, seconds, before, after, afterGc, answers);
    }

    /// <summary>Sends the requests from <see cref="Clients"/> clients at once; the bytes sent and the answers by status.</summary>
    private static async Task<(long Sent, string Answers)> SendAsync(HttpClient http, IReadOnlyList<Func<HttpRequestMessage>> requests)
    {
        long sent = 0;
        var statuses = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (make, ct) =>
        {
            using var request = make();
            Interlocked.Add(ref sent, request.Content?.Headers.ContentLength ?? 0);
            string status;
            try
            {
                using var response = await http.SendAsync(request, ct);
                await response.Content.ReadAsByteArrayAsync(ct);
                status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException)
            {
                status = "no answer";
            }

            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        });
        return (sent, string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}")));
    }

    /// <summary>The valid mix: reads of the cases, the lists, the audit trail and the kinds, and ballots (owners changing their minds).</summary>
    private static List<Func<HttpRequestMessage>> ValidRequests(Setup setup, int count, Random random)
    {
        var votes = $"/districts/{District}/renovation-votes";
        var requests = new List<Func<HttpRequestMessage>>(count);
        for (var i = 0; i < count; i++)
        {
            var owner = random.Next(Households);
            var choice = random.Next(2) == 0 ? "Yes" : "No";
            var url = random.Next(8) switch
            {
                0 => $"{votes}/{setup.Vote}",
                1 => votes,
                2 => $"/audit/entries?district={District}&caseId={setup.Vote}&pageSize=20",
                3 => "/kinds",
                4 => $"/districts/{District}/co-funding-summary",
                5 => $"/districts/{District}/certificates/{setup.Cases["certificates"]}",
                6 => $"/districts/{District}/cases/{setup.Cases["co-funding-projects"]}/events",
                _ => null,
            };
            requests.Add(url is not null
                ? () => new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative))
                : () =>
                {
                    var ballot = new HttpRequestMessage(HttpMethod.Post, new Uri($"{votes}/{setup.Vote}/ballots", UriKind.Relative))
                    {
                        Content = JsonContent.Create(new { unitId = $"U{owner + 1:0000}", voterId = $"owner-{owner + 1:0000}", choice }),
                    };
                    ballot.Headers.Authorization = new AuthenticationHeaderValue("Bearer", setup.Owners[owner]);
                    return ballot;
                });
        }

        return requests;
    }

    /// <summary>The same cases on every host: a vote of <see cref="Households"/> units, a project and an application, the district sealed.</summary>
    private static async Task<Setup> SetUpAsync(HostProcess host)
    {
        var keys = TokenKeys.From(new ConfigurationBuilder().Build(), host.DataFolder);
        var now = DateTimeOffset.UtcNow;
        var staff = keys.Mint("bench-staff", [Role.Clerk, Role.Auditor, Role.Administrator], [District, Other], Channel.ServiceWindow, TimeSpan.FromHours(2), now);
        var owners = Enumerable.Range(1, Households)
            .Select(i => keys.Mint($"owner-{i:0000}", [Role.Resident], [District], Channel.OnlinePlatform, TimeSpan.FromHours(2), now)).ToArray();
        var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", staff);

        async Task<Guid> PostAsync(string url, object body)
        {
            using var response = await http.PostAsync(new Uri(url, UriKind.Relative), JsonContent.Create(body, options: CaseJson.Options));
            response.EnsureSuccessStatusCode();
            return url == "/districts" ? Guid.Empty : (await response.Content.ReadFromJsonAsync<CommandOutcome>(CaseJson.Options))!.CaseId;
        }

        await PostAsync("/districts", new SetUpDistrict(Other, "Another bench district"));
        var roll = Enumerable.Range(1, Households).Select(i => new RollEntry($"U{i:0000}", $"owner-{i:0000}", 60m + i % 83)).ToList();
        var vote = await PostAsync($"/districts/{District}/renovation-votes",
            new OpenVote("bench-compound", "Bench Compound", new Proposal("Lifts", 900_000m), roll, now.AddMinutes(-1), now.AddDays(7)));
        var project = await PostAsync($"/districts/{District}/co-funding-projects", new
        {
            compound = new { id = "bench-court", name = "Bench Court", yearBuilt = 2004, hasMaintenanceFund = true, households = 306 },
            description = "Pipes and facade",
            estimatedCost = 798_500m,
            funding = new[] { new { source = "CompoundPublicIncome", amount = 798_500m } },
        });
        var certificate = await PostAsync($"/districts/{District}/certificates", new
        {
            documentType = "OrdinaryPassport",
            applicant = new { id = "applicant-1", name = "Liu Wenjing", dateOfBirth = "1986-04-17", householdCity = "Changsha", fingerprintsOnFile = true },
            existingDocument = new { expiresOn = now.AddMonths(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), damaged = false, lostOrStolen = false, visaPagesUsedUp = false },
        });
        using (var seal = await http.PostAsync(new Uri($"/districts/{District}/seals", UriKind.Relative), null))
        {
            seal.EnsureSuccessStatusCode();
        }

        var cases = new Dictionary<string, Guid>(StringComparer.Ordinal)
        {
            ["renovation-votes"] = vote,
            ["co-funding-projects"] = project,
            ["certificates"] = certificate,
        };
        return new Setup(keys, http, vote, cases, owners);
    }
}
