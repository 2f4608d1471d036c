using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Scenarios;

/// <summary>Every scenario file in seeds/scenarios runs as a test: a broken rule fails the build.</summary>
public sealed class when_running_the_scenario_files
{
    public static TheoryData<string, string> Scenarios() => ScenarioCatalog.All();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task the_scenario_passes(string file, string scenario)
    {
        var result = await ScenarioCatalog.Runner.RunAsync(ScenarioCatalog.Find(file, scenario));

        result.Differences.ShouldBeEmpty($"{file}: {scenario}");
        result.Passed.ShouldBeTrue();
    }

    [Fact]
    public void every_registered_kind_has_a_vocabulary_and_scenario_files()
    {
        var kinds = ScenarioCatalog.Kinds.All.Select(k => k.Name).ToList();
        var covered = ScenarioCatalog.Files.SelectMany(f => f.Scenarios).Select(s => s.Kind).Distinct().ToList();

        ScenarioCatalog.Runner.Engine.Vocabularies.Keys.ShouldBe(kinds, ignoreOrder: true);
        covered.ShouldBe(kinds, ignoreOrder: true);
    }

    [Fact]
    public async Task every_rule_clause_is_exercised_on_its_passing_and_its_failing_side()
    {
        var results = new List<ScenarioResult>();
        foreach (var scenario in ScenarioCatalog.Files.SelectMany(f => f.Scenarios))
        {
            results.Add(await ScenarioCatalog.Runner.RunAsync(scenario));
        }

        var coverage = Coverage.Of(ScenarioCatalog.Kinds, ScenarioCatalog.Rules, results);

        coverage.Count.ShouldBe(ScenarioCatalog.Kinds.All.Sum(k => ScenarioCatalog.Rules.ClausesOf(k.RuleId).Count));
        coverage.ShouldNotBeEmpty();
        coverage.Where(c => !c.BothSides).Select(c => $"{c.Clause}: met {c.Met}, not met {c.NotMet}").ShouldBeEmpty();
    }
}
