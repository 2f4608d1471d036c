using System.Diagnostics;
using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;

namespace CaseLedger.Benchmarks;

/// <summary>
/// How fast scenarios run in memory: every scenario file in seeds/scenarios, run over and over through
/// the command pipeline on the in-memory ledger until at least <c>Target</c> scenario runs are done. No
/// database. The raw baseline, timed in the same run: the very commands those scenarios sent, run
/// straight on a fresh in-memory ledger, without reading the files' words or checking their "then".
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

        // Warm-up: one pass, which also proves every scenario passes before anything is timed, and one
        // recorded run of each, to keep the commands it sent under the rules it ran with.
        var failing = new List<ScenarioResult>();
        var recorded = new List<(RuleBook Rules, IReadOnlyList<CommandRequest> Requests)>();
        foreach (var scenario in scenarios)
        {
            if (await runner.RunAsync(scenario) is { Passed: false } failed)
            {
                failing.Add(failed);
            }

            var (scenarioRules, start) = runner.RulesFor(scenario);
            var recording = new Recording(new InMemoryLedger(kinds, scenarioRules));
            await runner.Engine.RunAsync(scenario, recording, scenarioRules, start, ScenarioRunner.District);
            recorded.Add((scenarioRules, recording.Requests));
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
        var commands = recorded.Sum(r => r.Requests.Count);
        watch.Restart();
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var (scenarioRules, requests) in recorded)
            {
                var ledger = new InMemoryLedger(kinds, scenarioRules);
                foreach (var request in requests)
                {
                    await ledger.ExecuteAsync(request);
                }
            }
        }

        var raw = watch.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scenarios in memory: {scenarios.Count} scenarios x {passes} passes = {runs} runs in {elapsed.TotalSeconds:0.00} s: {runs / elapsed.TotalSeconds:0} scenarios/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"raw baseline, same run: their {commands} commands x {passes} passes straight on the in-memory pipeline in {raw.TotalSeconds:0.00} s: {runs / raw.TotalSeconds:0} scenarios/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scenario files / raw commands: {raw.TotalSeconds / elapsed.TotalSeconds:0.00} of the raw rate (reading the words and checking 'then' cost the rest)"));
    }
}

/// <summary>An in-memory scenario ledger that keeps every command sent to it.</summary>
internal sealed class Recording(InMemoryLedger ledger) : IScenarioLedger
{
    private readonly InMemoryScenarioLedger _inner = new(ledger);

    public List<CommandRequest> Requests { get; } = [];

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken ct)
    {
        Requests.Add(request);
        return _inner.ExecuteAsync(request, ct);
    }

    public Task<object?> MainViewAsync(CaseKind kind, string district, Guid caseId, CancellationToken ct) => _inner.MainViewAsync(kind, district, caseId, ct);

    public Task<IReadOnlyList<CommandOutcome>> PassTimeAsync(string district, IReadOnlyCollection<Guid> cases, DateTimeOffset until, CancellationToken ct) =>
        _inner.PassTimeAsync(district, cases, until, ct);
}
