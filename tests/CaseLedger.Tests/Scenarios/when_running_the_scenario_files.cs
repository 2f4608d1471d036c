using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Scenarios;

/// <summary>Every scenario file in seeds/scenarios runs as a test: a broken rule fails the build.</summary>
public sealed class when_running_the_scenario_files
{
    public static TheoryData<string, string> Scenarios() => ScenarioCatalog.All();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void the_scenario_passes(string file, string scenario)
    {
        var runner = new ScenarioRunner(ScenarioCatalog.Drivers, ScenarioCatalog.Rules);

        var result = runner.Run(ScenarioCatalog.Find(file, scenario));

        result.Differences.ShouldBeEmpty($"{file}: {scenario}");
        result.Passed.ShouldBeTrue();
    }

    [Fact]
    public void every_case_kind_has_a_driver_and_scenario_files()
    {
        var kinds = ScenarioCatalog.Drivers.Select(d => d.Kind).ToList();
        var covered = ScenarioCatalog.Files.SelectMany(f => f.Scenarios).Select(s => s.Kind).Distinct().ToList();

        kinds.ShouldBe(["renovation-vote", "co-funding-award", "certificate-issuance"], ignoreOrder: true);
        covered.ShouldBe(kinds, ignoreOrder: true);
    }

    [Fact]
    public void every_rule_clause_is_exercised_on_its_passing_and_its_failing_side()
    {
        var runner = new ScenarioRunner(ScenarioCatalog.Drivers, ScenarioCatalog.Rules);
        var results = ScenarioCatalog.Files.SelectMany(f => f.Scenarios).Select(runner.Run).ToList();

        var coverage = Coverage.Of(ScenarioCatalog.Drivers, results);

        coverage.ShouldNotBeEmpty();
        coverage.Where(c => !c.BothSides).Select(c => $"{c.Clause}: met {c.Met}, not met {c.NotMet}").ShouldBeEmpty();
    }
}
