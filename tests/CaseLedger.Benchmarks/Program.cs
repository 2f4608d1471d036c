using System.Diagnostics;
using System.Globalization;
using CaseLedger.Benchmarks;
using CaseLedger.LocalPostgres;

// Measures the cost of one ballot as a 702-household vote fills up, against raw Marten appends of
// the same events in the same run. Run: ./build.sh bench  (or dotnet run -c Release --project tests/CaseLedger.Benchmarks)
// Options: --households N (default 702), --window N ballots measured at each end (default 100),
// or CASELEDGER_BENCH_CONNECTION to use an existing server instead of a throwaway cluster.

var households = Option(args, "--households", 702);
var window = Option(args, "--window", 100);
if (window * 2 > households)
{
    Console.Error.WriteLine("--window must be at most half of --households.");
    return 2;
}

await using var cluster = Environment.GetEnvironmentVariable("CASELEDGER_BENCH_CONNECTION") is { Length: > 0 }
    ? null
    : await LocalPostgresCluster.StartAsync(new LocalPostgresOptions
    {
        DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory(),
        Database = "bench",
        DeleteOnDispose = true,
    });
var connection = cluster?.ConnectionString ?? Environment.GetEnvironmentVariable("CASELEDGER_BENCH_CONNECTION")!;

Console.WriteLine($"CaseLedger ballot benchmark: {households} households, {window} ballots timed at each end, " +
                  $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
var bench = await BallotBenchmark.CreateAsync(connection, households);
// Warm up the JIT (tiered compilation settles only after many calls), Marten's and Npgsql's caches
// and the server on a whole vote of the same size that is not timed.
await bench.WarmUpAsync(households);
var results = new List<(string Name, Rate Start, Rate End)>
{
    await bench.CaseLedgerBallotsAsync(window),
    await bench.RawAppendsAsync(window),
    await bench.ReplayEveryBallotAsync(window),
};

Console.WriteLine();
Console.WriteLine($"{"path",-52} {"first " + window,12} {"last " + window,12} {"end/start",10}");
foreach (var (name, start, end) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-52} {start.PerSecond,10:0}/s {end.PerSecond,10:0}/s {end.PerSecond / start.PerSecond,10:0.00}"));
}

return 0;

static int Option(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

namespace CaseLedger.Benchmarks
{
    /// <summary>A throughput over a timed run of operations.</summary>
    internal readonly record struct Rate(int Operations, TimeSpan Elapsed)
    {
        public double PerSecond => Operations / Elapsed.TotalSeconds;

        public static async Task<Rate> MeasureAsync(int operations, Func<int, Task> operation)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < operations; i++)
            {
                await operation(i);
            }

            return new Rate(operations, watch.Elapsed);
        }
    }
}
