using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Http.Identity;
using CaseLedger.Import;
using JasperFx;
using Marten;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CaseLedger.Benchmarks;

/// <summary>
/// A district centre's year, as its back office and auditors meet it: two districts of work orders
/// (a tenth of the year and the whole year) imported with their historical times, every read model
/// rebuilt, the whole year verified, then the host started on the same database and every district
/// reading, the first and a deep page of each list and of the audit trail timed in both districts.
/// Import, rebuild and verify are printed beside a raw read (or COPY) of the same events timed in the
/// same run; readings as p50 and p99, with the full year's cost over the tenth's; the host's memory
/// before and after the readings.
/// </summary>
internal static class DistrictYearBenchmark
{
    private const string Year = "yongding";
    private const string Tenth = "yongding-tenth";
    private const int CasesPerChunk = 5_000;
    private const int WarmUps = 3;
    private const int Runs = 30;

    /// <summary>How deep the "deep page" is: the page reached after following this many next links.</summary>
    private const int DeepPage = 25;

    private static readonly DateTimeOffset YearStart = new(2025, 1, 1, 8, 0, 0, TimeSpan.FromHours(8));

    public static async Task RunAsync(int cases)
    {
        await using var database = await BenchDatabase.OpenAsync("bench_year");
        var connection = await database.CreateDatabaseAsync("year");
        var kinds = StandardKinds.Create();
        var rules = kinds.DefaultRules();
        using var store = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger(kinds);
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        Console.WriteLine($"CaseLedger district-year benchmark: {cases:N0} work orders in {Year}, {cases / 10:N0} in {Tenth}; " +
                          $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");

        // Import, beside a COPY of the same rows.
        var import = new HistoryImport(store, kinds, rules, TimeProvider.System);
        var imported = new Dictionary<string, (long Events, TimeSpan Elapsed)>();
        foreach (var (district, count) in new[] { (Tenth, cases / 10), (Year, cases) })
        {
            var watch = Stopwatch.StartNew();
            long events = 0;
            for (var first = 0; first < count; first += CasesPerChunk)
            {
                var file = await ImportReader.ReadAsync(Chunk(district, first, Math.Min(CasesPerChunk, count - first)), ImportFormat.JsonLines);
                var result = await import.ImportAsync(district, file);
                if (result.BadLines.Count > 0)
                {
                    throw new InvalidOperationException($"The generated history has bad lines, the first: {result.BadLines[0]}");
                }

                events += result.EventsWritten;
                Console.Error.Write($"\r  importing {district}: {Math.Min(first + CasesPerChunk, count):N0} of {count:N0} cases, {events / watch.Elapsed.TotalSeconds:N0} events/s   ");
            }

            Console.Error.WriteLine();
            imported[district] = (events, watch.Elapsed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"import {district}: {count:N0} cases, {events:N0} events in {watch.Elapsed.TotalSeconds:0.0} s = {events / watch.Elapsed.TotalSeconds:N0} events/s"));
        }

        var copy = await RawCopyAsync(connection, Year);
        var importRate = imported[Year].Events / imported[Year].Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"raw COPY of the same {copy.Rows:N0} event rows into a plain table: {copy.PerSecond:N0} rows/s; import / raw COPY = {importRate / copy.PerSecond:0.00}"));

        // Rebuild every read model, beside a raw sequential read of all the events.
        var raw = await RawReadAsync(connection, null);
        var rebuild = Stopwatch.StartNew();
        var rebuilt = await Rebuilding.RebuildAllAsync(store, kinds);
        var rebuildRate = rebuilt / rebuild.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rebuild every read model: {rebuilt:N0} events in {rebuild.Elapsed.TotalSeconds:0.0} s = {rebuildRate:N0} events/s; " +
            $"raw sequential read {raw.PerSecond:N0} events/s; rebuild / raw read = {rebuildRate / raw.PerSecond:0.00}"));

        // Verify the year's district (chains, seals, stored documents folded again), beside a raw read of its events.
        var witness = Path.Combine(Path.GetTempPath(), $"caseledger-bench-seals-{Guid.NewGuid():N}");
        using (var key = SealKey.Generate())
        {
            var sealing = new Sealing(key, new SealWitnessFolder(witness, create: true), TimeSpan.Zero);
            var yearRaw = await RawReadAsync(connection, Year);
            var verify = Stopwatch.StartNew();
            var verification = await ChainVerifier.VerifyDistrictAsync(store, sealing, kinds, rules, Year);
            var verifyRate = yearRaw.Rows / verify.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"verify {Year}: {(verification.AllIntact ? "intact" : "NOT INTACT")}, {yearRaw.Rows:N0} events in {verify.Elapsed.TotalSeconds:0.0} s = {verifyRate:N0} events/s; " +
                $"raw read {yearRaw.PerSecond:N0} events/s; verify / raw read = {verifyRate / yearRaw.PerSecond:0.00}"));
            if (!verification.AllIntact)
            {
                throw new InvalidOperationException("The imported district does not verify: no reading is timed on it.");
            }
        }

        if (Directory.Exists(witness))
        {
            Directory.Delete(witness, recursive: true);
        }

        // The host on the same database: every reading and page, in both districts.
        await using var host = await HostProcess.StartAsync(connection, Year, new Dictionary<string, string> { ["CaseLedger__Districts__1"] = Tenth });
        var keys = TokenKeys.From(new ConfigurationBuilder().Build(), host.DataFolder);
        var token = keys.Mint("bench-auditor", [Role.Clerk, Role.Auditor], [Year, Tenth], Channel.ServiceWindow, TimeSpan.FromHours(4), DateTimeOffset.UtcNow);
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var readings = new (string Name, Func<string, Task<string>> Path)[]
        {
            ("on-time rate, every kind", d => Task.FromResult($"/districts/{d}/on-time-rate")),
            ("on-time rate, 2025-03 to 2025-05", d => Task.FromResult($"/districts/{d}/on-time-rate?from=2025-03&to=2025-05")),
            ("complaints", d => Task.FromResult($"/districts/{d}/complaints")),
            ("work orders' on-time rate", d => Task.FromResult($"/districts/{d}/work-orders/on-time-rate")),
            ("work orders, first page", d => Task.FromResult($"/districts/{d}/work-orders")),
            ($"work orders, page {DeepPage + 1}", d => DeepLinkAsync(http, $"/districts/{d}/work-orders")),
            ("work orders of one team, first page", d => Task.FromResult($"/districts/{d}/work-orders?team={Uri.EscapeDataString(TeamOf(http, d))}")),
            ("audit trail, first page", d => Task.FromResult($"/audit/entries?district={d}")),
            ($"audit trail, page {DeepPage + 1}", d => DeepLinkAsync(http, $"/audit/entries?district={d}")),
            ("audit trail of one case", d => Task.FromResult($"/audit/entries?district={d}&caseId={CaseId(d, cases / 20)}")),
        };

        // Each reading once in the small district first, so the memory before is the host's with its code
        // loaded and compiled: what grows after it is what the readings hold.
        var paths = new Dictionary<(string Reading, string District), string>();
        foreach (var (name, path) in readings)
        {
            foreach (var district in new[] { Tenth, Year })
            {
                paths[(name, district)] = await path(district);
            }

            using var warm = await http.GetAsync(new Uri(paths[(name, Tenth)], UriKind.Relative));
        }

        var before = await HostMemory.ReadAsync(host.Id);
        Console.WriteLine();
        Console.WriteLine($"{"reading",-40} {Tenth + " p50",20} {"p99",8} {Year + " p50",16} {"p99",8} {"year/tenth",11}");
        foreach (var (name, _) in readings)
        {
            var tenth = await TimeAsync(http, paths[(name, Tenth)]);
            var year = await TimeAsync(http, paths[(name, Year)]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-40} {tenth.MedianMs,17:0.0} ms {tenth.P99Ms,5:0.0} ms {year.MedianMs,13:0.0} ms {year.P99Ms,5:0.0} ms {year.MedianMs / tenth.MedianMs,10:0.00}x"));
        }

        var after = await HostMemory.ReadAsync(host.Id);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"host memory: working set {MemoryReading.Megabytes(before.WorkingSet)} MB before the timed readings (each read once before), {MemoryReading.Megabytes(after.WorkingSet)} MB after " +
            $"({after.WorkingSet / (double)before.WorkingSet:0.00}x); GC heap {MemoryReading.Megabytes(before.GcHeap)} MB, {MemoryReading.Megabytes(after.GcHeap)} MB"));
    }

    /// <summary>The generated history of <paramref name="count"/> work orders from number <paramref name="first"/>, as JSON lines.</summary>
    private static string Chunk(string district, int first, int count)
    {
        var lines = new StringBuilder(count * 900);
        var categories = new[] { WorkOrderCategory.MeteringProblem, WorkOrderCategory.WaterBusinessProxy, WorkOrderCategory.Installation, WorkOrderCategory.EmergencyRepair };
        for (var n = first; n < first + count; n++)
        {
            var id = CaseId(district, n);
            // Spread over the year, a few minutes apart, each in the centre's working day.
            var reported = YearStart.AddDays(n % 365).AddMinutes(n / 365 % 480);
            var category = categories[n % categories.Length];
            // One order in seven is contacted late, one in eleven reached late; one in thirteen draws a complaint.
            var contacted = reported.AddMinutes(n % 7 == 0 ? 45 : 12);
            var arrived = contacted.AddMinutes(n % 11 == 0 ? 150 : 50);
            var resolved = arrived.AddMinutes(40);
            Line(lines, id, "report-work-order", reported, "yongding-hotline-01", "Clerk", "Hotline",
                $$"""{"reporter":"yongding-user-{{n:000000}}","category":"{{category}}","address":"{{n % 300 + 1}} Dayong Road","description":"Reported on the hotline","residentialCompound":{{(n % 3 == 0 ? "true" : "false")}}}""");
            if (category != WorkOrderCategory.MeteringProblem)
            {
                Line(lines, id, "resolve-work-order", resolved, "yongding-team-07", "Clerk", "ServiceWindow", """{"resolution":"Done on site"}""");
                continue;
            }

            Line(lines, id, "record-contact", contacted, "yongding-team-07", "Clerk", "Hotline", "{}");
            Line(lines, id, "record-arrival", arrived, "yongding-team-07", "Clerk", "ServiceWindow", "{}");
            Line(lines, id, "resolve-work-order", resolved, "yongding-team-07", "Clerk", "ServiceWindow", """{"resolution":"Meter replaced"}""");
            if (n % 13 == 0)
            {
                Line(lines, id, "record-complaint", resolved.AddHours(3), "yongding-hotline-01", "Clerk", "Hotline",
                    """{"complainant":"the user","complaint":"The first call went unanswered"}""");
            }
        }

        return lines.ToString();
    }

    private static void Line(StringBuilder lines, Guid id, string command, DateTimeOffset at, string actor, string role, string channel, string body) =>
        lines.Append(CultureInfo.InvariantCulture,
            $$"""{"case":"{{id}}","kind":"work-order","command":"{{command}}","at":"{{at:yyyy-MM-ddTHH:mm:sszzz}}","actor":"{{actor}}","role":"{{role}}","channel":"{{channel}}","body":{{body}}}""")
            .Append('\n');

    /// <summary>The id of work order <paramref name="n"/> of a district: stable, so a deep reading can name one.</summary>
    private static Guid CaseId(string district, int n) =>
        new(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{district}:{n}")).AsSpan(0, 16));

    private static string? _team;

    /// <summary>A team the first work order was dispatched to, read from the list once.</summary>
    private static string TeamOf(HttpClient http, string district)
    {
        if (_team is not null)
        {
            return _team;
        }

        using var page = JsonDocument.Parse(http.GetStringAsync(new Uri($"/districts/{district}/work-orders?limit=1", UriKind.Relative)).GetAwaiter().GetResult());
        var items = page.RootElement.GetProperty("items");
        _team = items.GetArrayLength() > 0 ? items[0].GetProperty("team").GetString() ?? "" : "";
        return _team;
    }

    /// <summary>The link to the page reached by following <see cref="DeepPage"/> next links from <paramref name="path"/>.</summary>
    private static async Task<string> DeepLinkAsync(HttpClient http, string path)
    {
        var link = path;
        for (var i = 0; i < DeepPage; i++)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync(new Uri(link, UriKind.Relative)));
            if (!page.RootElement.TryGetProperty("next", out var next) || next.ValueKind != JsonValueKind.String)
            {
                break;
            }

            link = next.GetString()!;
        }

        return link;
    }

    private static async Task<Samples> TimeAsync(HttpClient http, string path) =>
        await Samples.MeasureAsync(WarmUps, Runs, async () =>
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            await response.Content.ReadAsByteArrayAsync();
        });

    private sealed record Throughput(long Rows, TimeSpan Elapsed)
    {
        public double PerSecond => Rows / Elapsed.TotalSeconds;
    }

    /// <summary>Every event row (of one district, or all), read in order with every column, as a client reads them with nothing done to them.</summary>
    private static async Task<Throughput> RawReadAsync(string connection, string? district)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var read = new NpgsqlCommand(
            $"select seq_id, id, stream_id, version, type, timestamp, tenant_id, headers::text, data::text from {CaseLedgerSetup.SchemaName}.mt_events " +
            (district is null ? "" : "where tenant_id = @district ") + "order by seq_id", db);
        if (district is not null)
        {
            read.Parameters.AddWithValue("district", district);
        }

        var watch = Stopwatch.StartNew();
        long rows = 0;
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _ = (reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetString(8));
            rows++;
        }

        return new Throughput(rows, watch.Elapsed);
    }

    /// <summary>The district's event rows read and written again by binary COPY into a plain table of the same columns: what loading them costs with no work at all.</summary>
    private static async Task<Throughput> RawCopyAsync(string connection, string district)
    {
        await using var source = new NpgsqlConnection(connection);
        await source.OpenAsync();
        await using var target = new NpgsqlConnection(connection);
        await target.OpenAsync();
        await using (var create = new NpgsqlCommand("drop table if exists bench_copy; create table bench_copy (seq_id bigint, id uuid, stream_id uuid, " +
                                                    "version bigint, type text, timestamp timestamptz, tenant_id text, headers jsonb, data jsonb)", target))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var read = new NpgsqlCommand(
            $"select seq_id, id, stream_id, version, type, timestamp, tenant_id, headers::text, data::text from {CaseLedgerSetup.SchemaName}.mt_events " +
            "where tenant_id = @district order by seq_id", source);
        read.Parameters.AddWithValue("district", district);
        var watch = Stopwatch.StartNew();
        long rows = 0;
        await using (var reader = await read.ExecuteReaderAsync())
        await using (var copy = await target.BeginBinaryImportAsync(
                         "copy bench_copy (seq_id, id, stream_id, version, type, timestamp, tenant_id, headers, data) from stdin (format binary)"))
        {
            while (await reader.ReadAsync())
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(reader.GetInt64(0), NpgsqlTypes.NpgsqlDbType.Bigint);
                await copy.WriteAsync(reader.GetGuid(1), NpgsqlTypes.NpgsqlDbType.Uuid);
                await copy.WriteAsync(reader.GetGuid(2), NpgsqlTypes.NpgsqlDbType.Uuid);
                await copy.WriteAsync(reader.GetInt64(3), NpgsqlTypes.NpgsqlDbType.Bigint);
                await copy.WriteAsync(reader.GetString(4), NpgsqlTypes.NpgsqlDbType.Text);
                await copy.WriteAsync(reader.GetFieldValue<DateTimeOffset>(5), NpgsqlTypes.NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(reader.GetString(6), NpgsqlTypes.NpgsqlDbType.Text);
                if (reader.IsDBNull(7))
                {
                    await copy.WriteNullAsync();
                }
                else
                {
                    await copy.WriteAsync(reader.GetString(7), NpgsqlTypes.NpgsqlDbType.Jsonb);
                }

                await copy.WriteAsync(reader.GetString(8), NpgsqlTypes.NpgsqlDbType.Jsonb);
                rows++;
            }

            await copy.CompleteAsync();
        }

        var elapsed = watch.Elapsed;
        await using (var drop = new NpgsqlCommand("drop table bench_copy", target))
        {
            await drop.ExecuteNonQueryAsync();
        }

        return new Throughput(rows, elapsed);
    }
}
