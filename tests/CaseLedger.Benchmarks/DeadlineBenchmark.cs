using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CaseLedger.Core;
using CaseLedger.Http.Identity;
using CaseLedger.IntegrationTests.WorkOrders;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CaseLedger.Benchmarks;

/// <summary>
/// How many deadlines the host schedules and fires, with their breaches recorded. The host runs as its
/// own process, with a rule file whose contact promise is short enough to wait for and the sweep off,
/// so every breach is recorded by its own durable scheduled message. Timed in the same run:
/// <list type="bullet">
/// <item>scheduling: metering orders (two deadlines each, their checks scheduled in the order's
/// transaction) against the same number of water-quality orders (no deadline) over HTTP;</item>
/// <item>firing: from the first contact deadline falling due until every one is recorded as breached
/// and escalated, against raw Marten-free appends of the same number of two-event transactions
/// (plain SQL inserts into a table of the same shape).</item>
/// </list>
/// </summary>
internal static class DeadlineBenchmark
{
    private const string District = "bench-deadlines";

    public static async Task RunAsync(int orders, int promiseSeconds)
    {
        await using var database = await BenchDatabase.OpenAsync("bench_deadlines");
        var connection = await ConcurrentBallotBenchmark.FreshDatabaseAsync(database.ConnectionString);
        var rules = ShortPromises.Write(TimeSpan.FromSeconds(promiseSeconds));
        Console.WriteLine($"CaseLedger deadlines: {orders} metering orders over HTTP, contact promised in {promiseSeconds} s, breaches recorded by " +
                          $"Wolverine durable scheduled messages (sweep off); {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        await using var host = await HostProcess.StartAsync(connection, District, new Dictionary<string, string>
        {
            ["CaseLedger__RuleFiles__0"] = rules,
            ["CaseLedger__Deadlines__SweepInterval"] = "00:00:00",
        });
        var keys = TokenKeys.From(new ConfigurationBuilder().Build(), host.DataFolder);
        var clerk = keys.Mint("bench-hotline", [Role.Clerk], [District], Channel.Hotline, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clerk);

        // Warm up both paths, untimed; the warm-up's 20 contact deadlines breach too, and are not counted.
        await ReportAsync(http, 20, "WaterQuality");
        await ReportAsync(http, 20, "MeteringProblem");
        var baseline = await ReportAsync(http, orders, "WaterQuality");
        var firstDue = DateTimeOffset.UtcNow.AddSeconds(promiseSeconds);
        var scheduled = await ReportAsync(http, orders, "MeteringProblem");
        if (DateTimeOffset.UtcNow > firstDue)
        {
            Console.WriteLine($"warning: scheduling took longer than the promise ({promiseSeconds} s); pass a longer --promise-seconds");
        }

        // The timed orders each breach once (contact) and escalate.
        var (fired, lastRecorded) = await WaitForBreachesAsync(connection, orders, TimeSpan.FromSeconds(promiseSeconds) + TimeSpan.FromMinutes(5));
        var firing = lastRecorded - firstDue;
        var raw = await RawAppendsAsync(connection, orders);

        Console.WriteLine();
        Console.WriteLine($"{"operation",-58} {"count",6} {"seconds",8} {"per second",11}");
        Row("water-quality orders, no deadline (baseline)", baseline.Operations, baseline.Elapsed);
        Row("metering orders, two deadlines each scheduled", scheduled.Operations, scheduled.Elapsed);
        Row("deadlines scheduled", scheduled.Operations * 2, scheduled.Elapsed);
        Row("breaches fired and recorded, with escalation", fired, firing < TimeSpan.Zero ? TimeSpan.Zero : firing);
        Row("raw baseline: two-row inserts, one transaction each", raw.Operations, raw.Elapsed);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scheduling / baseline: {scheduled.PerSecond / baseline.PerSecond:0.00} of the orders per second without deadlines"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"firing / raw: {(firing > TimeSpan.Zero ? fired / firing.TotalSeconds : double.NaN) / raw.PerSecond:0.000} of the raw two-row transaction rate"));
        Console.WriteLine("(the rest is Wolverine's polling for due messages, the case's row lock, the projections and the hash chain)");
        File.Delete(rules);
    }

    private static void Row(string operation, int count, TimeSpan elapsed) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{operation,-58} {count,6} {elapsed.TotalSeconds,8:0.00} {(elapsed > TimeSpan.Zero ? count / elapsed.TotalSeconds : double.NaN),11:0}"));

    private static async Task<Rate> ReportAsync(HttpClient http, int count, string category) =>
        await Rate.MeasureAsync(count, async i =>
        {
            using var response = await http.PostAsJsonAsync(new Uri($"/districts/{District}/work-orders", UriKind.Relative),
                new { reporter = $"user-{i:00000}", category, address = $"{i} Baoqing Road", description = "Benchmark order", residentialCompound = false });
            response.EnsureSuccessStatusCode();
        });

    /// <summary>Waits until <paramref name="expected"/> breaches beyond the warm-up's are recorded; returns how many and when the last was.</summary>
    private static async Task<(int Count, DateTimeOffset Last)> WaitForBreachesAsync(string connection, int expected, TimeSpan patience)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        var watch = Stopwatch.StartNew();
        var count = 0;
        var last = DateTimeOffset.UtcNow;
        while (watch.Elapsed < patience)
        {
            await using var query = new NpgsqlCommand("select count(*), max(timestamp) from caseledger.mt_events where type = 'deadline.breached.v1'", db);
            await using var reader = await query.ExecuteReaderAsync();
            await reader.ReadAsync();
            count = (int)reader.GetInt64(0) - 20;
            if (count >= expected)
            {
                last = reader.GetFieldValue<DateTimeOffset>(1);
                return (count, last);
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"Only {count} of {expected} breaches were recorded within {patience.TotalSeconds:0} s.");
    }

    /// <summary>The raw baseline: the same number of transactions of two JSON rows each, straight into a plain table.</summary>
    private static async Task<Rate> RawAppendsAsync(string connection, int count)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using (var create = new NpgsqlCommand("create table raw_breaches (id uuid primary key, stream uuid, version int, data jsonb, at timestamptz)", db))
        {
            await create.ExecuteNonQueryAsync();
        }

        return await Rate.MeasureAsync(count, async _ =>
        {
            var stream = Guid.NewGuid();
            await using var transaction = await db.BeginTransactionAsync();
            for (var version = 1; version <= 2; version++)
            {
                await using var insert = new NpgsqlCommand("insert into raw_breaches values (@id, @stream, @version, @data::jsonb, now())", db, transaction);
                insert.Parameters.AddWithValue("id", Guid.NewGuid());
                insert.Parameters.AddWithValue("stream", stream);
                insert.Parameters.AddWithValue("version", version);
                insert.Parameters.AddWithValue("data", "{\"key\":\"contact\",\"dueAt\":\"2025-03-04T09:30:00+08:00\"}");
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        });
    }

}
