using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.Scenarios;

/// <summary>
/// The --store switch: every scenario file's scenarios run through the real store and the command
/// pipeline, each in a district of its own, and must pass and observe exactly what the in-memory run
/// observes.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_running_scenarios_through_the_store(Ledger ledger)
{
    private static readonly string Folder = Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "scenarios");

    public static TheoryData<string, string> Scenarios()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in ScenarioFile.LoadAll(Folder))
        {
            foreach (var scenario in file.Scenarios)
            {
                data.Add(Path.GetFileName(file.Path), scenario.Name);
            }
        }

        return data;
    }

    private ScenarioRunner Runner()
    {
        var kinds = ledger.Host.Services.GetRequiredService<CaseKinds>();
        var rules = kinds.RulesBuilder().AddFiles(Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "rules")).Build();
        return new ScenarioRunner(new ScenarioEngine(kinds), rules);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task the_scenario_passes_and_matches_the_in_memory_run(string file, string name)
    {
        var scenario = ScenarioFile.Load(Path.Combine(Folder, file)).Scenarios.Single(s => s.Name == name);
        var runner = Runner();

        var stored = await runner.RunInStoreAsync(scenario, ledger.Store, ledger.NewDistrict("scenario"));
        var inMemory = await runner.RunAsync(scenario);

        stored.Differences.ShouldBeEmpty($"{file}: {name}");
        stored.Observation!.Rejection?.Code.ShouldBe(inMemory.Observation!.Rejection?.Code);
        stored.Observation.EventTypes.ShouldBe(inMemory.Observation!.EventTypes);
        stored.Observation.Clauses.Select(c => (c.Clause, c.Met)).ShouldBe(inMemory.Observation.Clauses.Select(c => (c.Clause, c.Met)));
        stored.Observation.Facts.ShouldBe(inMemory.Observation.Facts);
    }
}
