using System.Globalization;
using CaseLedger.Benchmarks;

// Two suites, each on its own throwaway PostgreSQL cluster (or on CASELEDGER_BENCH_CONNECTION):
//   ballots  the cost of one ballot as a 702-household vote fills up, against raw Marten appends of the
//            same events in the same run; --households N (default 702), --window N ballots timed at each end (default 100).
//   audit    verifying the seeded 702-household vote and its whole district, its audit trail, its offline bundle.
//   scenarios  every scenario file in seeds/scenarios, run in memory again and again (no database).
// Run: ./build.sh bench [ballots|audit] [options]  (or dotnet run -c Release --project tests/CaseLedger.Benchmarks -- ...)
// With no suite named, both run, ballots first.

const string Usage = "usage: ./build.sh bench [ballots|audit|scenarios] [--households N] [--window N]  (the options are the ballots suite's)";

var suite = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null;
if (suite is not (null or "ballots" or "audit" or "scenarios"))
{
    return UsageError($"Unknown suite '{suite}'.");
}

var households = 702;
var window = 100;
for (var i = suite is null ? 0 : 1; i < args.Length; i += 2)
{
    var name = args[i];
    if (name is not ("--households" or "--window"))
    {
        return UsageError($"Unknown option '{name}'.");
    }

    if (suite is "audit" or "scenarios")
    {
        return UsageError($"{name} is an option of the ballots suite; the {suite} suite takes none.");
    }

    if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
    {
        return UsageError($"{name} needs a whole number of at least 1.");
    }

    if (name == "--households")
    {
        households = value;
    }
    else
    {
        window = value;
    }
}

if (window * 2 > households)
{
    return UsageError("--window must be at most half of --households.");
}

if (suite is null or "ballots")
{
    await BallotBenchmark.RunAsync(households, window);
}

if (suite is null)
{
    Console.WriteLine();
}

if (suite is null or "audit")
{
    await AuditBenchmark.RunAsync();
}

if (suite is null or "scenarios")
{
    Console.WriteLine();
    await ScenarioBenchmark.RunAsync();
}

return 0;

static int UsageError(string message)
{
    Console.Error.WriteLine(message);
    Console.Error.WriteLine(Usage);
    return 2;
}
