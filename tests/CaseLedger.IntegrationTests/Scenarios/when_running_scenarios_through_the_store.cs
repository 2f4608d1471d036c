using CaseLedger.Cases.Certificates;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Marten;

namespace CaseLedger.IntegrationTests.Scenarios;

/// <summary>Shares one store (and so one schema) between all store-backed scenario runs.</summary>
public sealed class ScenarioStore : IAsyncLifetime
{
    private readonly CaseKinds _kinds = new();

    public DocumentStore Store { get; private set; } = null!;

    public ScenarioRunner Runner { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A fixture of its own cannot see the collection's server, so it starts no cluster itself: it
        // asks the same shared server through the static the collection fixture publishes.
        var server = await PostgresServer.SharedAsync();
        var connection = await server.CreateDatabaseAsync("scenarios");
        Store = DocumentStore.For(options =>
        {
            options.Connection(connection);
            options.AutoCreateSchemaObjects = JasperFx.AutoCreate.All;
            options.AddCaseLedger(_kinds).AddRenovationVotes().AddCoFundingAwards().AddCertificateIssuance();
        });
        var rules = new RuleBook.Builder().AddDefault().AddFiles(Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "rules")).Build();
        Runner = new ScenarioRunner(_kinds.All.Select(k => k.ScenarioDriver).OfType<IScenarioDriver>(), rules);
    }

    public Task DisposeAsync()
    {
        Store.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The --store switch: every scenario file's scenarios run through the real store and command
/// plumbing, and must pass and observe exactly what the in-memory run observes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class when_running_scenarios_through_the_store(ScenarioStore fixture) : IClassFixture<ScenarioStore>
{
    public static TheoryData<string, string> Scenarios()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in ScenarioFile.LoadAll(Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "scenarios")))
        {
            foreach (var scenario in file.Scenarios)
            {
                data.Add(Path.GetFileName(file.Path), scenario.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task the_scenario_passes_and_matches_the_in_memory_run(string file, string name)
    {
        var scenario = ScenarioFile.Load(Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "scenarios", file)).Scenarios.Single(s => s.Name == name);

        var stored = await fixture.Runner.RunInStoreAsync(scenario, fixture.Store, "scenario-runs");
        var inMemory = fixture.Runner.Run(scenario);

        stored.Differences.ShouldBeEmpty($"{file}: {name}");
        stored.Observation!.Rejection?.Code.ShouldBe(inMemory.Observation!.Rejection?.Code);
        stored.Observation.EventTypes.ShouldBe(inMemory.Observation!.EventTypes);
        stored.Observation.Clauses.Select(c => (c.Clause, c.Met)).ShouldBe(inMemory.Observation.Clauses.Select(c => (c.Clause, c.Met)));
        stored.Observation.Facts.ShouldBe(inMemory.Observation.Facts);
    }
}
