using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Import;
using JasperFx;
using JasperFx.Events;
using Marten;
using Weasel.Core;

namespace CaseLedger.Benchmarks;

/// <summary>
/// Imports --cases N work orders (the sample's metering order, its steps shifted by a minute a case)
/// from JSON lines into a district of CaseLedger's store, decided again and written with the hash
/// chain, audit trail and read models; then the same events bulk-inserted (COPY, no projection) into
/// a plain Marten store in the same run, and the ratio of the two rates.
/// </summary>
internal static class ImportBenchmark
{
    private const string District = "bench-import";

    public static async Task RunAsync(int cases)
    {
        await using var database = await BenchDatabase.OpenAsync("caseledger_bench_import");
        var kinds = StandardKinds.Create();
        using var ledger = DocumentStore.For(o =>
        {
            o.Connection(database.ConnectionString);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger(kinds);
        });
        // The same events and settings with no projection at all: Marten's bulk insert on its own.
        using var raw = DocumentStore.For(o => PeerStore.Configure(o, database.ConnectionString, "raw_bulk", kinds.All.SelectMany(k => k.EventNames)));
        await ledger.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await raw.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var text = Lines(cases);
        var file = await ImportReader.ReadAsync(text, ImportFormat.JsonLines);
        var importer = new HistoryImport(ledger, kinds, kinds.DefaultRules(), TimeProvider.System) { Source = "bench" };
        var watch = Stopwatch.StartNew();
        var result = await importer.ImportAsync(District, file);
        watch.Stop();
        if (result.BadLines.Count > 0)
        {
            throw new InvalidOperationException($"line {result.BadLines[0].Line}: {result.BadLines[0].Reason}");
        }

        var imported = result.EventsWritten / watch.Elapsed.TotalSeconds;

        // The same events, metadata and times, as stream actions for a COPY into the plain store.
        List<IEvent> stored;
        await using (var query = ledger.QuerySession(District))
        {
            stored = (await query.Events.QueryAllRawEvents().ToListAsync()).ToList();
        }

        var registry = (IEventRegistry)((StoreOptions)raw.Options).Events;
        var actions = stored.GroupBy(e => e.StreamId).Select(stream =>
        {
            var action = StreamAction.Start(registry, Guid.NewGuid(), stream.OrderBy(e => e.Version).Select(e => e.Data).ToArray());
            foreach (var (e, original) in action.Events.Zip(stream.OrderBy(e => e.Version)))
            {
                e.Timestamp = original.Timestamp;
                e.UserName = original.UserName;
                foreach (var (name, value) in original.Headers ?? [])
                {
                    e.SetHeader(name, value);
                }
            }

            return action;
        }).ToList();
        watch.Restart();
        await raw.BulkInsertEventsAsync(District, actions);
        watch.Stop();
        var copied = stored.Count / watch.Elapsed.TotalSeconds;

        Console.WriteLine($"import: {result.CasesImported:N0} work orders, {result.EventsWritten:N0} events " +
            $"(decided again, hash chain, audit trail, digests, read models): {imported.ToString("N0", CultureInfo.InvariantCulture)} events/s");
        Console.WriteLine($"import: of {result.Elapsed.TotalSeconds:N1} s, deciding again {result.Deciding.TotalSeconds:N1} s, writing {result.Writing.TotalSeconds:N1} s");
        Console.WriteLine($"import: raw BulkInsertEventsAsync (COPY, no projection) of the same {stored.Count:N0} events: " +
            $"{copied.ToString("N0", CultureInfo.InvariantCulture)} events/s");
        Console.WriteLine($"import: ratio {(imported / copied).ToString("0.00", CultureInfo.InvariantCulture)} of the raw COPY (target: 20,000 events/s)");
    }

    /// <summary>N metering orders as JSON lines: the sample's first work order, a new id and a minute later each.</summary>
    private static string Lines(int cases)
    {
        var sample = Path.Combine(AuditBenchmark.RepositoryRoot(), "seeds", "imports", "yuelu-history.jsonl");
        var template = File.ReadLines(sample).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(o => (string?)o["kind"] == "work-order").GroupBy(o => (string)o["case"]!).First().ToList();
        var lines = new System.Text.StringBuilder();
        for (var i = 0; i < cases; i++)
        {
            var id = Guid.NewGuid().ToString("D");
            foreach (var step in template)
            {
                var line = step.DeepClone().AsObject();
                line["case"] = id;
                line["at"] = DateTimeOffset.Parse((string)step["at"]!, CultureInfo.InvariantCulture).AddMinutes(i).ToString("O", CultureInfo.InvariantCulture);
                lines.Append(line.ToJsonString(new JsonSerializerOptions())).Append('\n');
            }
        }

        return lines.ToString();
    }
}
