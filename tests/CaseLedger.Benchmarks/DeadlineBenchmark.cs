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
/// so every breach is recorded by its own durable scheduled message. The contact promise is either a
/// same-day one, due for every order at one moment (a city's 17:30: the rush hour), or a number of
/// seconds after each order. Timed in the same run:
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

    public static async Task RunAsync(int orders, int promiseSeconds, int clients, bool sameDay)
    {
        await using var database = await BenchDatabase.OpenAsync("bench_deadlines");
        var connection = await ConcurrentBallotBenchmark.FreshDatabaseAsync(database.ConnectionString);
        // A same-day promise is due at a time of day in the rule book's civil time (+08:00), here whole seconds.
        var civil = DateTimeOffset.UtcNow.AddSeconds(promiseSeconds).ToOffset(TimeSpan.FromHours(8));
        var dueAt = new DateTimeOffset(civil.Year, civil.Month, civil.Day, civil.Hour, civil.Minute, civil.Second, civil.Offset);
        var rules = sameDay ? ShortPromises.WriteSameDay(dueAt.TimeOfDay) : ShortPromises.Write(TimeSpan.FromSeconds(promiseSeconds));
        Console.WriteLine($"CaseLedger deadlines: {orders} metering orders over HTTP from {clients} clients, " +
                          (sameDay ? $"every contact deadline a same-day promise due at {dueAt:HH:mm:ss zzz} ({promiseSeconds} s after the start)" : $"contact promised in {promiseSeconds} s") +
                          $", breaches recorded by Wolverine durable scheduled messages (sweep off); {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        await using var host = await HostProcess.StartAsync(connection, District, new Dictionary<string, string>
        {
            ["CaseLedger__RuleFiles__0"] = rules,
            ["CaseLedger__Deadlines__SweepInterval"] = "00:00:00",
        });
        var keys = TokenKeys.From(new ConfigurationBuilder().Build(), host.DataFolder);
        var clerk = keys.Mint("bench-hotline", [Role.Clerk], [District], Channel.Hotline, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clerk);

        // Warm up both paths, untimed; the warm-up's 20 contact deadlines breach too: before the timed ones
        // fall due, and not counted; or, same-day, at the same moment as all the others, and counted with them.
        await ReportAsync(http, 20, "WaterQuality", clients);
        await ReportAsync(http, 20, "MeteringProblem", clients);
        var warmUp = sameDay ? 0 : 20;
        if (!sameDay)
        {
            await WaitForBreachesAsync(connection, 0, warmUp, TimeSpan.FromSeconds(promiseSeconds) + TimeSpan.FromMinutes(2));
        }

        // The pipeline's own command rate, from as many clients: a sample of at most 2,000 orders is enough for a rate.
        var baseline = await ReportAsync(http, Math.Min(orders, 2000), "WaterQuality", clients);
        var scheduled = await ReportAsync(http, orders, "MeteringProblem", clients);
        if (sameDay && DateTimeOffset.UtcNow > dueAt)
        {
            Console.WriteLine($"warning: the orders were still coming in at {dueAt:HH:mm:ss}, so the later ones are due tomorrow and never breach here; pass a longer --promise-seconds");
        }
        else if (!sameDay && scheduled.Elapsed > TimeSpan.FromSeconds(promiseSeconds))
        {
            Console.WriteLine($"warning: scheduling took longer than the promise ({promiseSeconds} s), so breaches fell due while orders came in; pass a longer --promise-seconds");
        }

        // The timed orders each breach once (contact) and escalate; same-day, so do the warm-up's.
        var expected = sameDay ? orders + 20 : orders;
        var (fired, _) = await WaitForBreachesAsync(connection, expected, warmUp, TimeSpan.FromSeconds(promiseSeconds) + TimeSpan.FromMinutes(10));
        var lateness = await LatenessAsync(connection, warmUp);
        var firing = lateness.LastRecorded - lateness.FirstDue;
        var raw = await RawAppendsAsync(connection, Math.Min(orders, 2000));

        Console.WriteLine();
        Console.WriteLine($"{"operation",-58} {"count",6} {"seconds",8} {"per second",11}");
        Row("water-quality orders, no deadline (baseline)", baseline.Operations, baseline.Elapsed);
        Row("metering orders, two deadlines each scheduled", scheduled.Operations, scheduled.Elapsed);
        Row("deadlines scheduled", scheduled.Operations * 2, scheduled.Elapsed);
        Row("breaches fired and recorded, with escalation", fired, firing < TimeSpan.Zero ? TimeSpan.Zero : firing);
        Row("raw baseline: two-row inserts, one transaction each", raw.Operations, raw.Elapsed);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"due times spread over {(lateness.LastDue - lateness.FirstDue).TotalSeconds:0.0} s; breaches recorded at {(firing > TimeSpan.Zero ? fired / firing.TotalSeconds : double.NaN):0} per second " +
            $"(first due to last recorded), {fired / baseline.PerSecond:0.0} s of the pipeline's own command rate ({baseline.PerSecond:0} orders/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lateness of a breach (recorded - its own due time): median {lateness.Median.TotalSeconds:0.00} s, p99 {lateness.P99.TotalSeconds:0.00} s, worst {lateness.Worst.TotalSeconds:0.00} s; " +
            $"{lateness.WrongDueTimes} breaches recorded a due time other than their deadline's; {lateness.Doubled} deadlines breached more than once; " +
            $"{lateness.Within60} of {fired} recorded within 60 s of their due time"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"breaches / pipeline: {(firing > TimeSpan.Zero ? fired / firing.TotalSeconds : double.NaN) / baseline.PerSecond:0.00} of the orders per second without deadlines"));
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

    /// <summary>Posts <paramref name="count"/> orders from <paramref name="clients"/> clients at once; the rate over all of them.</summary>
    private static async Task<Rate> ReportAsync(HttpClient http, int count, string category, int clients)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(clients, count)).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                using var response = await http.PostAsJsonAsync(new Uri($"/districts/{District}/work-orders", UriKind.Relative),
                    new { reporter = $"user-{i:00000}", category, address = $"{i} Baoqing Road", description = "Benchmark order", residentialCompound = false });
                response.EnsureSuccessStatusCode();
            }
        }));
        return new Rate(count, watch.Elapsed);
    }

    /// <summary>How late each breach was recorded after its own due time, over the breaches of the contact deadline (the timed orders' and the warm-up's).</summary>
    private static async Task<Lateness> LatenessAsync(string connection, int warmUp)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        // The breach's own recorded due time against the deadline's due time as scheduled (its DeadlineSet event).
        await using var query = new NpgsqlCommand(
            "select (b.data->>'dueAt')::timestamptz, b.timestamp, " +
            " exists (select 1 from caseledger.mt_events s where s.stream_id = b.stream_id and s.tenant_id = b.tenant_id and s.type <> 'deadline.breached.v1' " +
            "   and s.data->>'key' = b.data->>'key' and (s.data->>'dueAt')::timestamptz = (b.data->>'dueAt')::timestamptz) " +
            "from caseledger.mt_events b where b.type = 'deadline.breached.v1' order by b.seq_id offset @warmUp", db);
        query.Parameters.AddWithValue("warmUp", warmUp);
        var rows = new List<(DateTimeOffset Due, DateTimeOffset Recorded, bool Matches)>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetBoolean(2)));
            }
        }

        await using var doubled = new NpgsqlCommand(
            "select count(*) from (select stream_id, data->>'key' from caseledger.mt_events where type = 'deadline.breached.v1' group by 1, 2 having count(*) > 1) d", db);
        var twice = (long)(await doubled.ExecuteScalarAsync())!;
        // The transaction that wrote each breach (PostgreSQL's xmin): how many cases each transaction recorded.
        await using var transactions = new NpgsqlCommand(
            "select count(*), coalesce(max(n), 0) from (select xmin::text, count(*) n from caseledger.mt_events where type = 'deadline.breached.v1' group by 1) t", db);
        await using (var reader = await transactions.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Console.WriteLine($"breaches recorded in {reader.GetInt64(0)} transactions, at most {reader.GetInt64(1)} in one");
        }

        var late = rows.Select(r => r.Recorded - r.Due).Order().ToList();
        return new Lateness(rows.Min(r => r.Due), rows.Max(r => r.Due), rows.Max(r => r.Recorded), late[late.Count / 2],
            late[(int)Math.Ceiling(0.99 * late.Count) - 1], late[^1], rows.Count(r => !r.Matches), (int)twice, late.Count(l => l <= TimeSpan.FromSeconds(60)));
    }

    private sealed record Lateness(DateTimeOffset FirstDue, DateTimeOffset LastDue, DateTimeOffset LastRecorded, TimeSpan Median, TimeSpan P99, TimeSpan Worst,
        int WrongDueTimes, int Doubled, int Within60);

    /// <summary>Waits until <paramref name="expected"/> breaches beyond the warm-up's are recorded; returns how many and when the last was.</summary>
    private static async Task<(int Count, DateTimeOffset Last)> WaitForBreachesAsync(string connection, int expected, int warmUp, TimeSpan patience)
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
            count = (int)reader.GetInt64(0) - warmUp;
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
