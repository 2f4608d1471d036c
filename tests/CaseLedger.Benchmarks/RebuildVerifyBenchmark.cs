using System.Diagnostics;
using System.Globalization;
using CaseLedger.Audit;
using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;
using Npgsql;

namespace CaseLedger.Benchmarks;

/// <summary>
/// Rebuild of every read model and verification of a whole district, at scale, each beside a raw
/// sequential read of the same events measured in the same run (the same rows in the same order, read
/// to the last column as text, with nothing done to them). A district of work orders is written first
/// through the real pipeline (digests, receipts, the hash chain, decisions re-derivable), by several
/// writers at once, until it holds the events asked for.
/// </summary>
internal static class RebuildVerifyBenchmark
{
    private const string District = "bench-scale";
    private const int Rounds = 3;

    /// <summary>
    /// Set (<c>CASELEDGER_BENCH_REUSE=1</c>, with <c>CASELEDGER_BENCH_CONNECTION</c> naming a server of one's own): the
    /// district a run before left on that server is timed again, not written anew, when it holds the events asked for.
    /// </summary>
    public static bool ReusesDistrict => Environment.GetEnvironmentVariable("CASELEDGER_BENCH_REUSE") == "1"
                                         && Environment.GetEnvironmentVariable(BenchDatabase.ConnectionVariable) is { Length: > 0 };

    public static async Task RunAsync(IDocumentStore store, CaseKinds kinds, RuleBook rules, Sealing sealing, int events)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var held = ReusesDistrict ? await CountAsync(store, $"select count(*) from {schema}.mt_events where tenant_id = '{District}'") : 0;
        (int Cases, TimeSpan Elapsed) written = held >= events
            ? ((int)await CountAsync(store, $"select count(*) from {schema}.mt_streams where tenant_id = '{District}'"), TimeSpan.Zero)
            : await WriteDistrictAsync(store, kinds, rules, events);
        var allEvents = await CountAsync(store, $"select count(*) from {schema}.mt_events");
        var districtEvents = await CountAsync(store, $"select count(*) from {schema}.mt_events where tenant_id = '{District}'");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote district {District}: {written.Cases} work orders, {districtEvents} events ({PipelineEvents} through the pipeline, the rest copies of them), " +
            $"in {written.Elapsed.TotalSeconds:0.0} s; {allEvents} events in the store"));

        var rawAll = new List<double>();
        var rebuild = new List<double>();
        var rawDistrict = new List<double>();
        var verify = new List<double>();
        var rebuildCpu = new List<ProcessCost>();
        var verifyCpu = new List<ProcessCost>();
        for (var round = 0; round < Rounds; round++)
        {
            rawAll.Add(await TimeAsync(async () => Check(await RawReadAsync(store, null) == allEvents, "the raw read missed events")));
            rebuild.Add(await TimeAsync(async () => Check(await Rebuilding.RebuildAllAsync(store, kinds) == allEvents, "the rebuild missed events"), rebuildCpu));
            rawDistrict.Add(await TimeAsync(async () => Check(await RawReadAsync(store, District) == districtEvents, "the raw read missed events")));
            verify.Add(await TimeAsync(async () =>
            {
                var result = await ChainVerifier.VerifyDistrictAsync(store, sealing, kinds, rules, District);
                Check(result is { AllIntact: true } && result.Cases == written.Cases, $"the district does not verify ({result.Broken.Count} cases broken)");
            }, verifyCpu));
        }

        Console.WriteLine();
        Console.WriteLine($"{"operation",-58} {"events",8} {"median",9} {"events/s",9}   {"raw read of the same events",-28} {"events/s",9} {"of raw",7}");
        Row("rebuild every read model (RebuildAllAsync, all districts)", allEvents, rebuild, rawAll);
        Row($"verify district {District} (VerifyDistrictAsync)", districtEvents, verify, rawDistrict);
        // This process's CPU time (both cores together), which a machine loaded by others disturbs far less than the elapsed time.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU seconds of this process, medians: rebuild {Median(rebuildCpu.ConvertAll(c => c.Cpu)):0.00} s, verify {Median(verifyCpu.ConvertAll(c => c.Cpu)):0.00} s"));
        // What the garbage collector was given to do: the largest single cost of both, found by profiling.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Allocated and paused for the GC, medians: rebuild {Median(rebuildCpu.ConvertAll(c => c.AllocatedMb)):0} MB / {Median(rebuildCpu.ConvertAll(c => c.GcPause)):0.00} s, " +
            $"verify {Median(verifyCpu.ConvertAll(c => c.AllocatedMb)):0} MB / {Median(verifyCpu.ConvertAll(c => c.GcPause)):0.00} s"));
        Console.WriteLine($"(medians of {Rounds} rounds; each round reads raw, rebuilds, reads raw, verifies; targets: rebuild >= 30,000 events/s and >= 0.2 of raw, verify >= 0.5 of raw)");
    }

    private static void Row(string operation, long events, List<double> seconds, List<double> raw)
    {
        var rate = events / Median(seconds);
        var rawRate = events / Median(raw);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{operation,-58} {events,8} {Median(seconds),7:0.00} s {rate,9:0}   {"sequential select, no parsing",-28} {rawRate,9:0} {rate / rawRate,7:0.000}"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>What an operation cost this process: CPU seconds (both cores together), megabytes allocated, seconds paused for the GC.</summary>
    private sealed record ProcessCost(double Cpu, double AllocatedMb, double GcPause);

    private static async Task<double> TimeAsync(Func<Task> operation, List<ProcessCost>? cost = null)
    {
        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var watch = Stopwatch.StartNew();
        await operation();
        var elapsed = watch.Elapsed.TotalSeconds;
        process.Refresh();
        cost?.Add(new ProcessCost((process.TotalProcessorTime - before).TotalSeconds, (GC.GetTotalAllocatedBytes() - allocated) / 1e6,
            (GC.GetTotalPauseDuration() - paused).TotalSeconds));
        return elapsed;
    }

    /// <summary>The raw baseline: the columns verification and rebuild read, in their order, each read to the end as text.</summary>
    private static async Task<long> RawReadAsync(IDocumentStore store, string? district)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select seq_id, id, stream_id, version, type, timestamp, data::text, headers::text, user_name, correlation_id, causation_id, is_archived " +
                              $"from {store.Options.Events.DatabaseSchemaName}.mt_events" +
                              (district is null ? " order by tenant_id, stream_id, version" : " where tenant_id = @district order by stream_id, version");
        if (district is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("district", district));
        }

        long rows = 0;
        long chars = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            chars += reader.GetString(6).Length + (reader.IsDBNull(7) ? 0 : reader.GetString(7).Length) + reader.GetString(4).Length;
            _ = reader.GetGuid(1);
            _ = reader.GetGuid(2);
            _ = reader.GetFieldValue<DateTimeOffset>(5);
            rows++;
        }

        Check(chars > 0 || rows == 0, "the raw read read nothing");
        return rows;
    }

    /// <summary>Events written through the pipeline before the rest are copied from them.</summary>
    private const int PipelineEvents = 3000;

    /// <summary>
    /// Work orders reported, contacted, visited and resolved through the pipeline by several writers
    /// (<see cref="PipelineEvents"/> events), then copied case by case under new case ids, through Marten's
    /// append with the inline projections (the hash chain, the audit trail, every read model), until the
    /// district holds about <paramref name="events"/> events. A copy keeps each event's metadata (actor,
    /// role, channel, rule) but not its digests, which name the original case's documents: its documents
    /// are vouched for as a case recorded before digests were kept.
    /// </summary>
    private static async Task<(int Cases, TimeSpan Elapsed)> WriteDistrictAsync(IDocumentStore store, CaseKinds kinds, RuleBook rules, int events)
    {
        var watch = Stopwatch.StartNew();
        var written = await WriteThroughPipelineAsync(store, kinds, rules, Math.Min(events, PipelineEvents));
        var cases = written;
        var typing = new EventTyping(store);
        var eventGraph = (Marten.Events.EventGraph)((StoreOptions)store.Options).Events;
        var kind = kinds.Named("work-order") ?? throw new InvalidOperationException("No work-order kind.");
        List<List<ChainVerifier.StoredEvent>> originals = [];
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await foreach (var row in StoredEvents.ReadAsync(connection, store.Options.Events.DatabaseSchemaName, District, null))
            {
                if (originals.Count == 0 || originals[^1][0].Chained.CaseId != row.Chained.CaseId)
                {
                    originals.Add([]);
                }

                originals[^1].Add(row);
            }
        }

        long total = originals.Sum(o => o.Count);
        while (total < events)
        {
            await using var session = store.LightweightSession(District);
            session.LastModifiedBy = "bench-clerk";
            foreach (var original in originals.Take(200))
            {
                var from = original[0].Chained.CaseId.ToString("D");
                var to = Guid.CreateVersion7();
                var copies = new List<object>();
                foreach (var row in original)
                {
                    var read = typing.ToEvent(row with { Chained = row.Chained with { DataJson = row.Chained.DataJson.Replace(from, to.ToString("D"), StringComparison.Ordinal) } })!;
                    // Appended as Marten's own event (the one read back only serves folding), with the original's metadata.
                    var copy = eventGraph.BuildEvent(read.Data);
                    copy.Id = Guid.CreateVersion7();
                    copy.StreamId = to;
                    copy.Timestamp = read.Timestamp;
                    copy.UserName = read.UserName;
                    copy.CorrelationId = read.CorrelationId;
                    copy.CausationId = read.CausationId;
                    foreach (var (name, value) in read.Headers ?? [])
                    {
                        if (name != Core.Vouching.DigestHeader.Name)
                        {
                            copy.SetHeader(name, value);
                        }
                    }

                    copies.Add(copy);
                }

                kind.StartStream(session, to, copies);
                total += copies.Count;
                cases++;
            }

            await session.SaveChangesAsync();
        }

        return (cases, watch.Elapsed);
    }

    private static async Task<int> WriteThroughPipelineAsync(IDocumentStore store, CaseKinds kinds, RuleBook rules, int events)
    {
        var pipeline = new CasePipeline(store, kinds, rules, TimeProvider.System, evidence: new ChainEvidence(store, kinds));
        var clerk = new Acting("bench-clerk", Channel.ServiceWindow, Role.Clerk);
        var resident = clerk;
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var categories = Enum.GetValues<WorkOrderCategory>();
        long appended = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Interlocked.Read(ref appended) < events)
            {
                var i = Interlocked.Increment(ref next);
                var id = Guid.CreateVersion7();
                var at = start.AddSeconds(i * 7);
                var steps = new (object Command, Acting Acting, DateTimeOffset At)[]
                {
                    (new ReportWorkOrder($"resident-{i:000000}", categories[i % categories.Length], $"{i} Baoqing Road", "Benchmark order", i % 3 == 0), resident, at),
                    (new RecordContact("called back"), clerk, at.AddMinutes(10)),
                    (new RecordArrival(), clerk, at.AddMinutes(50)),
                    (new ResolveWorkOrder("fixed"), clerk, at.AddHours(2)),
                };
                foreach (var (command, acting, when) in steps)
                {
                    var outcome = await pipeline.ExecuteAsync(new CommandRequest(District, id, command, acting) { At = when });
                    Check(outcome.IsAccepted, $"a benchmark command was refused: {outcome.Rejection}");
                    Interlocked.Add(ref appended, outcome.Appended.Count);
                }
            }
        }));
        return next + 1;
    }

    private static async Task<long> CountAsync(IDocumentStore store, string sql)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"Benchmark stopped: {what}.");
        }
    }
}
