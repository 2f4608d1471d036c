using CaseLedger.Cases.Certificates;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using CaseLedger.Tests.Scenarios;

namespace CaseLedger.Tests.Certificates;

/// <summary>The scenario engine, the kinds' rule book plus the proposed version, and the kind's scenario files.</summary>
internal static class CertificateScenarioFiles
{
    public static Vocabulary Words { get; } = Vocabulary.Of(new CertificateKind());

    /// <summary>The kinds' rule book plus seeds/rules/certificate-online-proposed.json (certificate-online@2-proposed).</summary>
    public static RuleBook Rules { get; } = CertificateRuleBook.Kinds.RulesBuilder()
        .AddFiles(ProposedRuleFile)
        .Build();

    public static ScenarioRunner Runner { get; } = new(new ScenarioEngine(CertificateRuleBook.Kinds), Rules);

    /// <summary>The clauses of the certificate-online rule, as the kind's rule document describes them.</summary>
    public static IReadOnlyList<ClauseInfo> Clauses => Rules.ClausesOf(CertificateRules.RuleId);

    public static string ProposedRuleFile => Path.Combine(ScenarioCatalog.RepositoryRoot, "seeds", "rules", "certificate-online-proposed.json");

    /// <summary>Every seeds/scenarios/certificate-*.yaml file.</summary>
    public static IReadOnlyList<ScenarioFile> Files() => ScenarioCatalog.FilesOf("certificate");
}

// The rule authors' files in seeds/scenarios: every certificate scenario passes and every clause is exercised both ways.
public class when_running_the_certificate_scenario_files
{
    /// <summary>Every scenario of the files, run once in memory and shared by the tests of this class.</summary>
    private static readonly Lazy<Task<IReadOnlyList<ScenarioResult>>> Results =
        new(() => ScenarioCatalog.RunAllAsync(CertificateScenarioFiles.Runner, CertificateScenarioFiles.Files().SelectMany(f => f.Scenarios)));

    [Fact]
    public void there_is_a_file_per_topic_all_of_the_certificate_kind()
    {
        var files = CertificateScenarioFiles.Files();

        files.Count.ShouldBeGreaterThanOrEqualTo(10);
        files.ShouldAllBe(f => f.Scenarios.Count >= 3);
        files.SelectMany(f => f.Scenarios).ShouldAllBe(s => s.Kind == CertificateKind.KindName);
    }

    [Fact]
    public async Task every_scenario_passes()
    {
        var results = await Results.Value;

        results.Count.ShouldBeGreaterThan(60);
        results.Where(r => !r.Passed).Select(r => $"{r.Scenario}: {string.Join("; ", r.Differences)}").ShouldBeEmpty();
    }

    [Fact]
    public async Task every_clause_is_exercised_on_its_passing_and_its_failing_side()
    {
        var results = await Results.Value;

        var coverage = Coverage.Of(CertificateScenarioFiles.Runner.Engine.Kinds, CertificateScenarioFiles.Rules, results)
            .Where(c => c.Kind == CertificateKind.KindName)
            .ToList();

        coverage.Select(c => c.Clause).ShouldBe(CertificateScenarioFiles.Clauses.Select(c => c.Id));
        coverage.Count.ShouldBe(11);
        coverage.Where(c => !c.BothSides).Select(c => $"{c.Clause}: met {c.Met}, not met {c.NotMet}").ShouldBeEmpty();
    }

    [Fact]
    public async Task every_lifecycle_refusal_is_exercised()
    {
        var codes = (await Results.Value).Select(r => r.Observation?.Rejection?.Code).OfType<string>().Distinct().ToList();

        string[] lifecycle =
        [
            "certificate.out_of_order", "certificate.already_done", "certificate.step_before_previous", "certificate.routed_to_window",
            "certificate.rejected_at_review", "certificate.reason_missing", "certificate.tracking_reference_missing",
        ];
        lifecycle.ShouldBeSubsetOf(codes);
    }

    [Fact]
    public async Task the_rule_document_describes_every_clause_a_decision_records()
    {
        var recorded = (await Results.Value).SelectMany(r => r.Observation?.Clauses ?? []).Select(c => c.Clause).Distinct();

        recorded.ShouldBeSubsetOf(CertificateScenarioFiles.Clauses.Select(c => c.Id));
    }

    [Fact]
    public void the_proposed_rule_file_holds_a_proposed_version_from_age_14_with_less_than_9_months_left()
    {
        var version = CertificateScenarioFiles.Rules.Get(CertificateRules.RuleId, "2-proposed");
        var rules = RuleBook.Parameters<CertificateRules>(version);

        version.Proposed.ShouldBeTrue();
        rules.MinimumAge.ShouldBe(14);
        rules.ValidityLeftBelowMonths.ShouldBe(9);
        (rules with { MinimumAge = 16, ValidityLeftBelowMonths = 6, Rule = CertificateRuleBook.Pilot.Rule }).ShouldBe(CertificateRuleBook.Pilot);
        // Proposed, it is never in force: the latest adopted version (2, with its promised completion) is.
        CertificateScenarioFiles.Rules.InForce(CertificateRules.RuleId, new DateOnly(2030, 1, 1)).Version.ShouldBe("2");
    }
}
