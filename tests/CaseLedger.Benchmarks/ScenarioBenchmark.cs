using System.Diagnostics;
using System.Globalization;
using CaseLedger.Hosting;
using CaseLedger.Scenarios;

namespace CaseLedger.Benchmarks;

/// <summary>
/// How fast scenarios run in memory: every scenario file in seeds/scenarios, run over and over through
/// the command pipeline on the in-memory ledger until at least <c>Target</c> scenario runs are done. No database.
/// </summary>
internal static class ScenarioBenchmark
{
    private const int Target = 20_000;

    public static async Task RunAsync()
    {
        var root = AuditBenchmark.RepositoryRoot();
        var kinds = StandardKinds.Create();
        var rules = kinds.RulesBuilder().AddFiles(Path.Combine(root, "seeds", "rules")).Build();
        var runner = new ScenarioRunner(new ScenarioEngine(kinds), rules);
        var scenarios = ScenarioFile.LoadAll(Path.Combine(root, "seeds", "scenarios")).SelectMany(f => f.Scenarios).ToList();

        // Warm-up: one pass, which also proves every scenario passes before anything is timed.
        var failing = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            if (await runner.RunAsync(scenario) is { Passed: false } failed)
            {
                failing.Add(failed);
            }
        }

        if (failing.Count > 0)
        {
            throw new InvalidOperationException($"{failing.Count} scenario(s) fail; fix them before timing: {failing[0].Name}");
        }

        var passes = (Target + scenarios.Count - 1) / scenarios.Count;
        var watch = Stopwatch.StartNew();
        var runs = 0;
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var scenario in scenarios)
            {
                if (!(await runner.RunAsync(scenario)).Passed)
                {
                    throw new InvalidOperationException($"{scenario.Name} failed while timed.");
                }

                runs++;
            }
        }

        var elapsed = watch.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scenarios in memory: {scenarios.Count} scenarios x {passes} passes = {runs} runs in {elapsed.TotalSeconds:0.00} s: {runs / elapsed.TotalSeconds:0} scenarios/s"));
    }
}
