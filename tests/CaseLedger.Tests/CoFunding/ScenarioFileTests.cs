using CaseLedger.Cases.CoFunding;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using CaseLedger.Tests.Scenarios;

namespace CaseLedger.Tests.CoFunding;

/// <summary>The scenario engine, the kinds' rule book plus the proposed versions, and the kind's scenario files.</summary>
internal static class CoFundingScenarioFiles
{
    public static Vocabulary Words { get; } = Vocabulary.Of(new CoFundingKind());

    /// <summary>The kinds' rule book plus seeds/rules/co-funding-proposed.json (co-funding@2-proposed, co-funding@3-proposed).</summary>
    public static RuleBook Rules { get; } = StandardKinds.Create().RulesBuilder().AddFiles(ProposedRuleFile).Build();

    public static ScenarioRunner Runner { get; } = new(new ScenarioEngine(StandardKinds.Create()), Rules);

    public static string ProposedRuleFile => Path.Combine(ScenarioCatalog.RepositoryRoot, "seeds", "rules", "co-funding-proposed.json");

    /// <summary>Every seeds/scenarios/co-funding-*.yaml file.</summary>
    public static IReadOnlyList<ScenarioFile> Files() => ScenarioCatalog.FilesOf("co-funding");
}

// The kind's scenario files are the rule authors' record of the co-funding rule: they must all pass,
// and between them exercise every clause on its passing and its failing side.
public class when_running_the_co_funding_scenario_files
{
    private static readonly Lazy<Task<IReadOnlyList<ScenarioResult>>> Results = new(() => RunAllAsync(CoFundingScenarioFiles.Runner, _ => true));

    private static Task<IReadOnlyList<ScenarioResult>> RunAllAsync(ScenarioRunner runner, Func<Scenario, bool> which) =>
        ScenarioCatalog.RunAllAsync(runner, CoFundingScenarioFiles.Files().SelectMany(f => f.Scenarios).Where(which));

    [Fact]
    public void there_is_a_file_per_topic_with_several_scenarios_each()
    {
        var files = CoFundingScenarioFiles.Files();

        files.Count.ShouldBeGreaterThanOrEqualTo(6);
        files.ShouldAllBe(f => f.Scenarios.Count >= 3);
        files.SelectMany(f => f.Scenarios).ShouldAllBe(s => s.Kind == CoFundingKind.KindName);
    }

    [Fact]
    public async Task every_scenario_passes()
    {
        var results = await Results.Value;

        results.Where(r => !r.Passed).Select(r => $"{r.Scenario}: {string.Join("; ", r.Differences)}").ShouldBeEmpty();
    }

    [Fact]
    public async Task every_clause_is_exercised_on_its_passing_and_its_failing_side()
    {
        var coverage = Coverage.Of(CoFundingScenarioFiles.Runner.Engine.Kinds, CoFundingScenarioFiles.Rules, await Results.Value)
            .Where(c => c.Kind == CoFundingKind.KindName)
            .ToList();

        coverage.Select(c => c.Clause).ShouldBe(CoFundingScenarioFiles.Rules.ClausesOf(CoFundingRules.RuleId).Select(c => c.Id));
        coverage.Count.ShouldBe(10);
        coverage.Where(c => !c.BothSides).Select(c => $"{c.Clause}: met {c.Met}, not met {c.NotMet}").ShouldBeEmpty();
    }

    [Fact]
    public async Task the_rule_document_describes_every_clause_a_decision_records()
    {
        var recorded = (await Results.Value).SelectMany(r => r.Observation?.Clauses ?? []).Select(c => c.Clause).Distinct();

        recorded.ShouldBeSubsetOf(CoFundingScenarioFiles.Rules.ClausesOf(CoFundingRules.RuleId).Select(c => c.Id));
    }

    [Fact]
    public async Task only_the_proposed_scenarios_need_the_proposed_rule_file()
    {
        var runner = new ScenarioRunner(new ScenarioEngine(StandardKinds.Create()), StandardKinds.Create().DefaultRules());

        var results = await RunAllAsync(runner, s => s.Rule?.Contains("proposed", StringComparison.Ordinal) != true);

        results.ShouldNotBeEmpty();
        results.Where(r => !r.Passed).Select(r => $"{r.Scenario}: {string.Join("; ", r.Differences)}").ShouldBeEmpty();
    }
}
