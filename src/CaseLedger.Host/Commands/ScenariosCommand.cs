using System.Diagnostics;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using JasperFx.CommandLine;
using Marten;

namespace CaseLedger.Host.Commands;

public sealed class ScenariosInput : NetCoreInput
{
    [Description("What to do: run")]
    public string Action { get; set; } = "";

    [Description("A scenario file or a folder of them (default: seeds/scenarios)")]
    public string Path { get; set; } = "";

    [Description("Run every step through the real store and command plumbing instead of in memory"), FlagAlias("store", true)]
    public bool StoreFlag { get; set; }

    [Description("Extra rule files or folders, e.g. proposed versions (default: seeds/rules when present)"), FlagAlias("rules", true)]
    public IEnumerable<string> RulesFlag { get; set; } = [];

    [Description("Print every clause with how often it was met and not met"), FlagAlias("coverage", true)]
    public bool CoverageFlag { get; set; }
}

[Description("Run rule scenarios (YAML): pass/fail per scenario, differences, and rule-clause coverage", Name = "scenarios")]
public sealed class ScenariosCommand : JasperFxAsyncCommand<ScenariosInput>
{
    public ScenariosCommand()
    {
        Usage("Run the scenarios in seeds/scenarios").Arguments(x => x.Action);
        Usage("Run the scenarios in a file or folder").Arguments(x => x.Action, x => x.Path);
    }

    public override async Task<bool> Execute(ScenariosInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Action != "run")
        {
            return CommandSupport.Fail($"unknown action '{input.Action}': the action is 'run' (scenarios run [path]).");
        }

        try
        {
            var path = input.Path.Length > 0
                ? input.Path
                : CommandSupport.SeedsFolder("scenarios") ?? throw new ScenarioFormatException(Path.Combine("seeds", "scenarios"), 0, "no such folder here or above; name a file or folder");
            var files = ScenarioFile.LoadAll(path);
            if (input.StoreFlag)
            {
                return await CommandSupport.RunAsync(input, async services =>
                {
                    var kinds = services.GetRequiredService<CaseKinds>();
                    return await RunAsync(files, input, kinds, Rules(kinds, services.GetRequiredService<RuleBook>(), input.RulesFlag),
                        services.GetRequiredService<IDocumentStore>());
                });
            }

            var offline = StandardKinds.Create();
            return await RunAsync(files, input, offline, Rules(offline, null, input.RulesFlag), store: null);
        }
        catch (Exception e) when (e is ScenarioFormatException or RuleBookException)
        {
            return CommandSupport.Fail(e.Message);
        }
    }

    /// <summary>The rule book for scenario runs: the host's (or the kinds' own) plus proposed versions from files.</summary>
    internal static RuleBook Rules(CaseKinds kinds, RuleBook? hosted, IEnumerable<string> extra)
    {
        var builder = kinds.RulesBuilder();
        foreach (var version in hosted?.All ?? [])
        {
            builder.Add(version);
        }

        var paths = extra.ToList();
        if (paths.Count == 0 && CommandSupport.SeedsFolder("rules") is { } proposed)
        {
            paths.Add(proposed);
        }

        paths.ForEach(p => builder.AddFiles(p));
        return builder.Build();
    }

    private static async Task<bool> RunAsync(IReadOnlyList<ScenarioFile> files, ScenariosInput input, CaseKinds kinds, RuleBook rules, IDocumentStore? store)
    {
        var runner = new ScenarioRunner(new ScenarioEngine(kinds), rules);
        var results = new List<ScenarioResult>();
        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            Console.WriteLine($"{file.Path} - {file.Topic}");
            foreach (var scenario in file.Scenarios)
            {
                var result = store is null ? await runner.RunAsync(scenario) : await runner.RunInStoreAsync(scenario, store);
                results.Add(result);
                Console.WriteLine($"  {(result.Passed ? "pass" : "FAIL")}  {scenario.Name}");
                foreach (var difference in result.Differences)
                {
                    Console.WriteLine($"        {difference}");
                }
            }
        }

        var failed = results.Count(r => !r.Passed);
        Console.WriteLine();
        Console.WriteLine($"{results.Count} scenarios in {files.Count} files{(store is null ? "" : " (through the store)")}: " +
                          $"{results.Count - failed} passed, {failed} failed, in {watch.Elapsed.TotalSeconds:0.00} s");
        PrintCoverage(Coverage.Of(kinds, rules, results), input.CoverageFlag);
        return failed == 0;
    }
    private static void PrintCoverage(IReadOnlyList<ClauseCoverage> coverage, bool everything)
    {
        Console.WriteLine($"Rule clauses: {coverage.Count}; exercised on both sides: {coverage.Count(c => c.BothSides)}, " +
                          $"only met: {coverage.Count(c => c.Met > 0 && c.NotMet == 0)}, only not met: {coverage.Count(c => c.Met == 0 && c.NotMet > 0)}, " +
                          $"never: {coverage.Count(c => c.Never)}");
        foreach (var clause in coverage.Where(c => everything || !c.BothSides))
        {
            var state = clause.Never ? "never exercised" : clause.BothSides ? "both sides" : clause.Met > 0 ? "only met" : "only not met";
            Console.WriteLine($"  {clause.Clause,-45} met {clause.Met,4}, not met {clause.NotMet,4}  {state}  ({clause.Description})");
        }
    }
}
