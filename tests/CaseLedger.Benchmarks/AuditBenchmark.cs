using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Scenarios;
using JasperFx;
using Marten;
using Npgsql;

namespace CaseLedger.Benchmarks;

/// <summary>
/// What an auditor's questions cost on the seeded district: verifying the 702-household vote's chain,
/// verifying the whole district against its seal, reading the vote's audit trail, and exporting and
/// checking its offline bundle. All seeds are loaded once and the district is sealed once; each
/// operation is then warmed up and timed run by run, beside a raw baseline timed the same way in the
/// same run: the plain Marten (or JSON) read of the same data, without CaseLedger's work on it. Every
/// run's result is checked, so an operation that went wrong is never reported as fast.
/// </summary>
internal static class AuditBenchmark
{
    private const string District = "yuelu";
    private const int WarmUps = 3;

    /// <summary>The suite's own schema, dropped at the start so a rerun on an existing server starts empty.</summary>
    private const string Schema = "audit_bench";

    /// <summary>The seeded 702-household vote.</summary>
    private static readonly Guid Vote = Guid.Parse("0190c9a0-0000-7000-8000-000000000001", CultureInfo.InvariantCulture);

    /// <summary>Only the rebuild and verification at scale (<see cref="RebuildVerifyBenchmark"/>), on a store of their own.</summary>
    /// <summary>CaseLedger's store in the suite's own schema, its tables made.</summary>
    private static async Task<DocumentStore> StoreAsync(string connection, CaseKinds kinds)
    {
        var store = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger(kinds);
            o.DatabaseSchemaName = Schema;
            // AddCaseLedger declared the summary cells' table in its own schema; the suite's schema needs one too.
            Core.Summaries.SummaryStore.Register(o, kinds);
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    public static async Task RunScaleAsync(int scaleEvents)
    {
        await using var database = await BenchDatabase.OpenAsync("bench_audit");
        if (!RebuildVerifyBenchmark.ReusesDistrict)
        {
            await DropSchemaAsync(database.ConnectionString);
        }

        var kinds = StandardKinds.Create();
        using var store = await StoreAsync(database.ConnectionString, kinds);
        var witness = Path.Combine(Path.GetTempPath(), $"caseledger-bench-seals-{Guid.NewGuid():N}");
        using var key = SealKey.Generate();
        var sealing = new Sealing(key, new SealWitnessFolder(witness, create: true), TimeSpan.Zero);
        Console.WriteLine($"CaseLedger rebuild and verification at scale: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        await RebuildVerifyBenchmark.RunAsync(store, kinds, kinds.DefaultRules(), sealing, scaleEvents);
        if (Directory.Exists(witness))
        {
            Directory.Delete(witness, recursive: true);
        }
    }

    public static async Task RunAsync(int scaleEvents)
    {
        await using var database = await BenchDatabase.OpenAsync("bench_audit");
        var serverVersion = await DropSchemaAsync(database.ConnectionString);
        var kinds = StandardKinds.Create();
        using var store = await StoreAsync(database.ConnectionString, kinds);
        Console.WriteLine($"CaseLedger audit benchmark: district {District}, {WarmUps} warm-up runs per operation, " +
                          $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, PostgreSQL {serverVersion}, {DateTime.UtcNow:yyyy-MM-dd}");

        var rules = kinds.DefaultRules();
        var seeds = Path.Combine(RepositoryRoot(), "seeds");
        var seeding = Stopwatch.StartNew();
        var pipeline = new CasePipeline(store, kinds, rules, TimeProvider.System);
        var seeded = (await Seeds.LoadAsync(pipeline.ExecuteAsync, kinds, seeds,
            async (district, caseId, until, ct) => await pipeline.PassTimeAsync(district, until, [caseId], ct))).Select(c => $"{c.Value} {c.Key}").ToList();

        var seedTime = seeding.Elapsed;
        var districtEvents = (await ChainVerifier.ReadEventsAsync(store, District, null)).Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeded {string.Join(", ", seeded)} case(s): {districtEvents} events, in {seedTime.TotalSeconds:0.0} s"));
        // The suite's own seal key and witness folder, as a host keeps in its data folder.
        var witness = Path.Combine(Path.GetTempPath(), $"caseledger-bench-seals-{Guid.NewGuid():N}");
        using var key = SealKey.Generate();
        var sealing = new Sealing(key, new SealWitnessFolder(witness, create: true), TimeSpan.Zero);
        var trusted = new[] { key.PublicOnly() };
        var sealTime = Stopwatch.StartNew();
        var seal = (await DistrictSeals.SealAsync(store, sealing, District, DateTimeOffset.UtcNow)).Seal?.Statement
                   ?? throw new InvalidOperationException($"District {District} has nothing to seal: were the seeds loaded?");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sealed district {District}: seal {seal.Number} over {seal.TreeSize} chain links, signed and published, in {sealTime.Elapsed.TotalMilliseconds:0} ms"));

        var storedEvents = (await ChainVerifier.ReadEventsAsync(store, District, null)).Count; // the seal's event too
        var voteEvents = (await ChainVerifier.VerifyCaseAsync(store, sealing, kinds, rules, District, Vote))?.Events
                         ?? throw new InvalidOperationException($"The seeded vote {Vote} is not in district {District}.");
        var chains = (await ChainVerifier.VerifyDistrictAsync(store, sealing, kinds, rules, District)).Cases;
        var pages = (int)Math.Ceiling(voteEvents / (double)AuditQuery.MaxLimit);
        var bundleJson = "";

        var rows = new List<(string Operation, string Size, Samples Samples, string Raw, Samples Baseline)>
        {
            ("verify the vote's chain (VerifyCaseAsync)", $"{voteEvents} events", await Samples.MeasureAsync(WarmUps, 50, async () =>
            {
                var result = await ChainVerifier.VerifyCaseAsync(store, sealing, kinds, rules, District, Vote);
                Check(result is { Intact: true, MatchesSeal: true } && result.Events == voteEvents, "the vote's chain does not verify");
            }), "read its events (FetchStreamAsync)", await Samples.MeasureAsync(WarmUps, 50, async () =>
            {
                await using var session = store.QuerySession(District);
                Check((await session.Events.FetchStreamAsync(Vote)).Count == voteEvents, "the vote's events are not all there");
            })),
            ("verify the district (VerifyDistrictAsync)", $"{chains} chains, {districtEvents} events", await Samples.MeasureAsync(WarmUps, 20, async () =>
            {
                var result = await ChainVerifier.VerifyDistrictAsync(store, sealing, kinds, rules, District);
                Check(result is { AllIntact: true, SealsIntact: true } && result.Cases == chains, "the district does not verify");
            }), "read its events (QueryAllRawEvents)", await Samples.MeasureAsync(WarmUps, 20, async () =>
            {
                await using var session = store.QuerySession(District);
                Check((await session.Events.QueryAllRawEvents().ToListAsync()).Count == storedEvents, "the district's events are not all there");
            })),
            ("audit trail of the vote: newest 50", "1 page of 50", await Samples.MeasureAsync(WarmUps, 200, async () =>
            {
                var page = await AuditTrail.QueryAsync(store, new AuditQuery([District], CaseId: Vote, Limit: 50));
                Check(page.Entries.Count == 50 && page.Cursor is not null, "the audit trail's first page is wrong");
            }), "its newest 50 events", await Samples.MeasureAsync(WarmUps, 200, async () =>
            {
                await using var session = store.QuerySession(District);
                var newest = await session.Events.QueryAllRawEvents().Where(e => e.StreamId == Vote).OrderByDescending(e => e.Version).Take(50).ToListAsync();
                Check(newest.Count == 50, "the vote's newest events are not there");
            })),
            ("audit trail of the vote: all, oldest first", $"{pages} pages of {AuditQuery.MaxLimit}", await Samples.MeasureAsync(WarmUps, 50, async () =>
            {
                var entries = 0;
                long? after = null;
                do
                {
                    var page = await AuditTrail.QueryAsync(store,
                        new AuditQuery([District], CaseId: Vote, OldestFirst: true, Limit: AuditQuery.MaxLimit, AfterSequence: after));
                    entries += page.Entries.Count;
                    after = page.Cursor is null ? null : page.Entries[^1].Sequence;
                }
                while (after is not null);

                Check(entries == voteEvents, "the audit trail does not hold one entry per event");
            }), "read its events (FetchStreamAsync)", await Samples.MeasureAsync(WarmUps, 50, async () =>
            {
                await using var session = store.QuerySession(District);
                Check((await session.Events.FetchStreamAsync(Vote)).Count == voteEvents, "the vote's events are not all there");
            })),
            ("export the vote's bundle (ExportAsync + JSON)", $"{voteEvents} events", await Samples.MeasureAsync(WarmUps, 50, async () =>
            {
                var bundle = await AuditBundles.ExportAsync(store, kinds, rules, District, Vote);
                Check(bundle is { Seal: not null } && bundle.Events.Count == voteEvents, "the bundle is incomplete");
                bundleJson = JsonSerializer.Serialize(bundle, AuditBundle.Json);
            }), "its events as JSON", await Samples.MeasureAsync(WarmUps, 50, async () =>
            {
                await using var session = store.QuerySession(District);
                var events = await session.Events.FetchStreamAsync(Vote);
                Check(JsonSerializer.Serialize(events.Select(e => e.Data).ToList(), CaseJson.Options).Length > 0, "nothing was written");
            })),
            // Runs after the export above, so bundleJson holds the exported bundle.
            ("verify the bundle offline (JSON + Verify)", $"{Encoding.UTF8.GetByteCount(bundleJson) / 1024} KB of JSON", await Samples.MeasureAsync(WarmUps, 50, () =>
            {
                var bundle = JsonSerializer.Deserialize<AuditBundle>(bundleJson, AuditBundle.Json)!;
                Check(AuditBundles.Verify(bundle, trusted) is { Valid: true } result && result.SealNumber == seal.Number, "the bundle does not verify");
                return Task.CompletedTask;
            }), "read the JSON (JsonSerializer)", await Samples.MeasureAsync(WarmUps, 50, () =>
            {
                Check(JsonSerializer.Deserialize<AuditBundle>(bundleJson, AuditBundle.Json)!.Events.Count == voteEvents, "the bundle lost events");
                return Task.CompletedTask;
            })),
        };

        Console.WriteLine();
        Console.WriteLine($"{"operation",-46} {"size",-22} {"runs",5} {"median",10} {"p95",10} {"runs/s",8}   {"raw baseline, same run",-36} {"median",10} {"x raw",6}");
        foreach (var (operation, size, samples, raw, baseline) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{operation,-46} {size,-22} {samples.Runs,5} {samples.MedianMs,7:0.00} ms {samples.P95Ms,7:0.00} ms {samples.PerSecond,8:0.0}   {raw,-36} {baseline.MedianMs,7:0.00} ms {samples.MedianMs / baseline.MedianMs,6:0.0}"));
        }

        Console.WriteLine();
        await RebuildVerifyBenchmark.RunAsync(store, kinds, rules, sealing, scaleEvents);
        Directory.Delete(witness, recursive: true);
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"Benchmark stopped: {what}.");
        }
    }

    /// <summary>Drops the suite's schema and returns the server's version.</summary>
    private static async Task<string> DropSchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using var version = new NpgsqlCommand("show server_version", connection);
        return (string)(await version.ExecuteScalarAsync())!;
    }

    internal static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "CaseLedger.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("The benchmark runs outside the CaseLedger repository: no seeds to load.");
    }
}
