using System.Globalization;
using CaseLedger.Benchmarks;

// The suites, each on its own throwaway PostgreSQL cluster (or on CASELEDGER_BENCH_CONNECTION):
//   ballots     the cost of one ballot as a 702-household vote fills up, against raw Marten appends of the
//               same events in the same run; --households N (default 702), --window N ballots timed at each end (default 100),
//               --rounds N timed votes after three untimed ones (default 3).
//   concurrent  --clients N (default 32) clients voting at once on one --households N vote through the host over
//               HTTP, without If-Match, beside one client alone.
//   audit       verifying the seeded 702-household vote and its whole district, its audit trail, its offline bundle; then a district
//               of work orders written through the pipeline to --events N (default 100000) events, every read model rebuilt
//               in one pass and the district verified, each beside a raw sequential read of the same events in the same run.
//   scale       only that last part of audit (--events N), on a store of its own.
//   scenarios   every scenario file in seeds/scenarios, run in memory again and again (no database).
//   memory      the host process's working set and GC heap after --requests N (default 10240) malformed requests (the fuzz
//               suite's mix, oversized bodies included), beside a fresh host after as many valid small ones.
//   deadlines   --orders N (default 500) metering orders over HTTP to the host from --clients N clients at once, their deadlines scheduled as durable messages,
//               then fired and recorded as breaches, beside orders without deadlines and raw two-row inserts in the same run. With --same-day 1
//               (the default) every contact deadline is a same-day promise due at one moment, --promise-seconds N (default 30) after the host
//               started (a city's 17:30); with --same-day 0 each is due --promise-seconds after its own order.
//   visas       --travellers N (default 300) travellers of one group submitted over HTTP to the host by --clients N
//               (default 32) concurrent clients, each its own case, all checked present, beside as many authenticated GETs.
//   import      --cases N (default 20000) work orders imported from JSON lines with their recorded times (decided again,
//               hash chain, audit trail, digests, read models), beside a raw BulkInsertEventsAsync (COPY) of the same events.
//   district-year --cases N (default 450000) work orders of one district (and N/10 in a second) imported with their
//               recorded times, every read model rebuilt and the district verified (each beside a raw read or COPY), then
//               every district reading and list page timed through the host at N/10 and at N (p50, p99), with its memory.
// Run: ./build.sh bench [suite] [options]  (or dotnet run -c Release --project tests/CaseLedger.Benchmarks -- ...)
// With no suite named, all run in the order above.

const string Usage = "usage: ./build.sh bench [ballots|concurrent|audit|scale|scenarios|memory|deadlines|visas|import|district-year] [--households N] [--window N] [--rounds N] " +
    "[--clients N] [--requests N] [--orders N] [--promise-seconds N] [--same-day 0|1] [--travellers N] [--events N] [--cases N]";
string[] suites = ["ballots", "concurrent", "audit", "scenarios", "memory", "deadlines", "visas", "import", "district-year"];
// Not run when no suite is named (audit runs it too): rebuild and verification at scale alone.
string[] named = [.. suites, "scale"];

var suite = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null;
if (suite is not null && !named.Contains(suite))
{
    return UsageError($"Unknown suite '{suite}'.");
}

var options = new Dictionary<string, int>
{
    ["--households"] = 702, ["--window"] = 100, ["--rounds"] = 3, ["--clients"] = 32, ["--requests"] = 10_240, ["--orders"] = 500, ["--promise-seconds"] = 30, ["--same-day"] = 1, ["--travellers"] = 300, ["--events"] = 100_000,
};
for (var i = suite is null ? 0 : 1; i < args.Length; i += 2)
{
    var name = args[i];
    if (!options.ContainsKey(name) && name != "--cases")
    {
        return UsageError($"Unknown option '{name}'.");
    }

    if (name == "--same-day")
    {
        if (i + 1 >= args.Length || args[i + 1] is not ("0" or "1"))
        {
            return UsageError("--same-day is 1 (every contact deadline due at one moment) or 0 (each due after its own order).");
        }
    }
    else if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
    {
        return UsageError($"{name} needs a whole number of at least 1.");
    }

    options[name] = int.Parse(args[i + 1], CultureInfo.InvariantCulture);

}

// --cases: work orders imported; each suite that takes it has its own default.
int Cases(int byDefault) => options.TryGetValue("--cases", out var given) ? given : byDefault;

if (options["--window"] * 2 > options["--households"])
{
    return UsageError("--window must be at most half of --households.");
}

foreach (var run in suite is null ? suites : [suite])
{
    switch (run)
    {
        case "ballots":
            await BallotBenchmark.RunAsync(options["--households"], options["--window"], options["--rounds"]);
            break;
        case "concurrent":
            await ConcurrentBallotBenchmark.RunAsync(options["--households"], options["--clients"]);
            break;
        case "audit":
            await AuditBenchmark.RunAsync(options["--events"]);
            break;
        case "scale":
            await AuditBenchmark.RunScaleAsync(options["--events"]);
            break;
        case "memory":
            await MemoryBenchmark.RunAsync(options["--requests"]);
            break;
        case "visas":
            await VisaBurstBenchmark.RunAsync(options["--travellers"], options["--clients"]);
            break;
        case "import":
            await ImportBenchmark.RunAsync(Cases(20_000));
            break;
        case "district-year":
            await DistrictYearBenchmark.RunAsync(Cases(450_000));
            break;
        case "deadlines":
            await DeadlineBenchmark.RunAsync(options["--orders"], options["--promise-seconds"], options["--clients"], options["--same-day"] == 1);
            break;
        default:
            await ScenarioBenchmark.RunAsync();
            break;
    }

    Console.WriteLine();
}

return 0;

static int UsageError(string message)
{
    Console.Error.WriteLine(message);
    Console.Error.WriteLine(Usage);
    return 2;
}
