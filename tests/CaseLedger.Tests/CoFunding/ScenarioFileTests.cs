using CaseLedger.Cases.CoFunding;
using CaseLedger.Rules;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.CoFunding;

/// <summary>The co-funding driver, the default rule book plus the proposed versions, and the kind's scenario files.</summary>
internal static class CoFundingScenarioFiles
{
    public static CoFundingScenarios Driver { get; } = new();

    /// <summary>The default rule book plus seeds/rules/co-funding-proposed.json (co-funding@2-proposed, co-funding@3-proposed).</summary>
    public static RuleBook Rules { get; } = new RuleBook.Builder().AddDefault().AddFiles(ProposedRuleFile).Build();

    public static ScenarioRunner Runner { get; } = new([Driver], Rules);

    public static string ProposedRuleFile => Path.Combine(RepositoryRoot(), "seeds", "rules", "co-funding-proposed.json");

    /// <summary>Every seeds/scenarios/co-funding-*.yaml file.</summary>
    public static IReadOnlyList<ScenarioFile> Files() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot(), "seeds", "scenarios"), "co-funding-*.yaml")
            .Order(StringComparer.Ordinal)
            .Select(ScenarioFile.Load)
            .ToList();

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CaseLedger.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The tests run outside the CaseLedger repository.");
    }
}

// The kind's scenario files are the rule authors' record of the co-funding rule: they must all pass,
// and between them exercise every clause on its passing and its failing side.
public class when_running_the_co_funding_scenario_files
{
    private static readonly IReadOnlyList<ScenarioResult> Results =
        CoFundingScenarioFiles.Files().SelectMany(f => f.Scenarios).Select(CoFundingScenarioFiles.Runner.Run).ToList();

    [Fact]
    public void there_is_a_file_per_topic_with_several_scenarios_each()
    {
        var files = CoFundingScenarioFiles.Files();

        files.Count.ShouldBeGreaterThanOrEqualTo(6);
        files.ShouldAllBe(f => f.Scenarios.Count >= 3);
        files.SelectMany(f => f.Scenarios).ShouldAllBe(s => s.Kind == CoFundingKind.KindName);
    }

    [Fact]
    public void every_scenario_passes()
    {
        Results.Where(r => !r.Passed).Select(r => $"{r.Scenario}: {string.Join("; ", r.Differences)}").ShouldBeEmpty();
    }

    [Fact]
    public void every_clause_is_exercised_on_its_passing_and_its_failing_side()
    {
        var coverage = Coverage.Of([CoFundingScenarioFiles.Driver], Results);

        coverage.Select(c => c.Clause).ShouldBe(CoFundingScenarioFiles.Driver.Clauses.Select(c => c.Id));
        coverage.Where(c => !c.BothSides).Select(c => $"{c.Clause}: met {c.Met}, not met {c.NotMet}").ShouldBeEmpty();
    }

    [Fact]
    public void only_the_proposed_scenarios_need_the_proposed_rule_file()
    {
        var runner = new ScenarioRunner([CoFundingScenarioFiles.Driver], RuleBook.Default());
        var named = CoFundingScenarioFiles.Files().SelectMany(f => f.Scenarios).Where(s => s.Rule?.Contains("proposed", StringComparison.Ordinal) != true);

        named.Select(runner.Run).Where(r => !r.Passed).Select(r => r.Scenario.ToString()).ShouldBeEmpty();
    }
}
