using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using CaseLedger.Tests.Scenarios;

namespace CaseLedger.Tests.RenovationVotes;

/// <summary>The scenario engine, the kinds' rule book plus the proposed version, and the kind's scenario files.</summary>
internal static class VoteScenarioFiles
{
    public static Vocabulary Words { get; } = Vocabulary.Of(new RenovationVoteKind());

    /// <summary>The kinds' rule book plus seeds/rules/renovation-vote-proposed.json (renovation-vote@3-proposed).</summary>
    public static RuleBook Rules { get; } = StandardKinds.Create().RulesBuilder()
        .AddFiles(ProposedRuleFile)
        .Build();

    public static ScenarioRunner Runner { get; } = new(new ScenarioEngine(StandardKinds.Create()), Rules);

    public static string ProposedRuleFile => Path.Combine(ScenarioCatalog.RepositoryRoot, "seeds", "rules", "renovation-vote-proposed.json");

    /// <summary>Every seeds/scenarios/renovation-vote-*.yaml file.</summary>
    public static IReadOnlyList<ScenarioFile> Files() => ScenarioCatalog.FilesOf("renovation-vote");
}

// The kind's scenario files are the rule authors' record of the renovation-vote rule: they must all
// pass, and between them exercise every clause on its passing and its failing side.
public class when_running_the_renovation_vote_scenario_files
{
    private static readonly IReadOnlyList<ScenarioResult> Results =
        VoteScenarioFiles.Files().SelectMany(f => f.Scenarios).Select(s => VoteScenarioFiles.Runner.RunAsync(s).GetAwaiter().GetResult()).ToList();

    [Fact]
    public void there_is_a_file_per_topic_with_several_scenarios_each()
    {
        var files = VoteScenarioFiles.Files();

        files.Count.ShouldBeGreaterThanOrEqualTo(7);
        files.ShouldAllBe(f => f.Scenarios.Count >= 3);
        files.SelectMany(f => f.Scenarios).ShouldAllBe(s => s.Kind == RenovationVoteKind.KindName);
    }

    [Fact]
    public void every_scenario_passes()
    {
        var failures = Results.Where(r => !r.Passed).Select(r => $"{r.Scenario}: {string.Join("; ", r.Differences)}").ToList();

        failures.ShouldBeEmpty();
    }

    [Fact]
    public void every_clause_is_exercised_on_both_sides()
    {
        var coverage = Coverage.Of(VoteScenarioFiles.Runner.Engine.Kinds, VoteScenarioFiles.Rules, Results).Where(c => c.Kind == RenovationVoteKind.KindName).ToList();

        coverage.Select(c => c.Clause).ShouldBe(VoteScenarioFiles.Rules.ClausesOf(RenovationVoteRules.RuleId).Select(c => c.Id));
        coverage.Count.ShouldBe(5);
        coverage.Where(c => !c.BothSides).Select(c => $"{c.Clause}: met {c.Met}, not met {c.NotMet}").ShouldBeEmpty();
    }

    [Fact]
    public void the_rule_document_describes_every_clause_a_decision_records()
    {
        var recorded = Results.SelectMany(r => r.Observation?.Clauses ?? []).Select(c => c.Clause).Distinct();

        recorded.ShouldBeSubsetOf(VoteScenarioFiles.Rules.ClausesOf(RenovationVoteRules.RuleId).Select(c => c.Id));
    }

    [Fact]
    public void the_proposed_rule_file_holds_a_proposed_version_that_raises_the_limit_to_60000_yuan()
    {
        var version = VoteScenarioFiles.Rules.Get(RenovationVoteRules.RuleId, "3-proposed");
        var rules = RuleBook.Parameters<RenovationVoteRules>(version);

        version.Proposed.ShouldBeTrue();
        rules.SmallProjectLimit.ShouldBe(60_000.00m);
        (rules with { SmallProjectLimit = 50_000.00m, Rule = TheRules.CivilCode.Rule }).ShouldBe(TheRules.CivilCode);
        VoteScenarioFiles.Rules.InForce(RenovationVoteRules.RuleId, new DateOnly(2030, 1, 1)).Version.ShouldBe("2");
    }
}
