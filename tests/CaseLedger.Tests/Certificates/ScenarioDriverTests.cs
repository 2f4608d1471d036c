using CaseLedger.Cases.Certificates;
using CaseLedger.Rules;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Certificates;

/// <summary>Inline scenario files for the certificate driver, run with the default rule book and the proposed version.</summary>
internal static class CertificateScenarioFiles
{
    public const string Path = "inline-certificate.yaml";

    public static CertificateScenarios Driver { get; } = new();

    /// <summary>The default rule book plus seeds/rules/certificate-online-proposed.json.</summary>
    public static RuleBook Rules { get; } = new RuleBook.Builder()
        .AddDefault()
        .AddFiles(System.IO.Path.Combine(RepositoryRoot(), "seeds", "rules", "certificate-online-proposed.json"))
        .Build();

    public static ScenarioRunner Runner { get; } = new([Driver], Rules);

    /// <summary>One scenario under certificate-online@1: the given and when sections as written, indented by six.</summary>
    public static Scenario One(string given, string when, string then = "route: fully online", string rule = "certificate-online@1") =>
        ScenarioFile.Parse(Path, $"""
            topic: Inline
            kind: certificate-issuance
            rule: {rule}
            scenarios:
              - name: Inline scenario
                given:
            {Indent(given)}
                when:
            {Indent(when)}
                then:
            {Indent(then)}
            """).Scenarios.Single();

    /// <summary>Runs a scenario and expects the driver to refuse its content.</summary>
    public static ScenarioFormatException Malformed(Scenario scenario) =>
        Should.Throw<ScenarioFormatException>(() => Runner.Run(scenario));

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "CaseLedger.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The tests run outside the CaseLedger repository.");
    }

    private static string Indent(string text) =>
        string.Join('\n', text.Split('\n').Select(line => "      " + line));
}

// The driver reads given/when in the kind's words and runs them through the same pure decisions the host does.
public class when_running_a_certificate_scenario
{
    [Fact]
    public void an_eligible_application_reports_the_route_the_clauses_and_the_facts()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            applicant: { born: 2009-12-01, hukou: Changsha, fingerprints: yes }
            document: { type: passport, expires: 2026-03-01 }
            channel: wechat
            """,
            "apply: 2025-12-01T10:00",
            """
            route: fully online
            age: 16
            clauses: { certificate-online.age: met }
            """);

        var result = CertificateScenarioFiles.Runner.Run(scenario);

        result.Differences.ShouldBeEmpty();
        var observation = result.Observation.ShouldNotBeNull();
        observation.EventTypes.ShouldBe(["certificate.applied.v1", "certificate.eligibility_decided.v1"]);
        observation.Clauses.Select(c => c.Clause).ShouldBe(CertificateScenarioFiles.Driver.Clauses.Select(c => c.Id), ignoreOrder: true);
        observation.Facts["route"].ShouldBe("FullyOnline");
        observation.Facts["status"].ShouldBe("AwaitingReview");
        observation.Facts["unmet"].ShouldBe("none");
        observation.Facts["situations"].ShouldBe("ValidityRunningOut");
        observation.Facts["application-date"].ShouldBe("2025-12-01");
        observation.Facts["rule"].ShouldBe("certificate-online@1");
        observation.Facts.ContainsKey("elapsed-days").ShouldBeFalse();
    }

    [Fact]
    public void a_routed_application_names_its_unmet_clauses_in_the_rules_order()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            applicant: { born: 2010-06-01, hukou: Zhuzhou, fingerprints: no }
            document: { expires: 2030-01-01 }
            channel: window
            """,
            "apply: 2025-12-01T10:00",
            "unmet: channel, household-city, age, document-situation, fingerprints");

        var result = CertificateScenarioFiles.Runner.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Facts["route"].ShouldBe("InPerson");
        result.Observation.Rejection.ShouldBeNull();
    }

    [Fact]
    public void an_expectation_that_does_not_hold_is_a_readable_difference()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            applicant: { born: 2009-12-02 }
            document: { expires: 2026-03-01 }
            """,
            "apply: 2025-12-01T10:00",
            """
            route: fully online
            clauses: { certificate-online.age: met }
            """);

        var result = CertificateScenarioFiles.Runner.Run(scenario);

        result.Passed.ShouldBeFalse();
        result.Differences.ShouldBe([
            "expected route: fully online, was InPerson",
            "clause certificate-online.age: expected met, was not met (aged 15 on 2025-12-01 (born 2009-12-02); at least 16 required)",
        ]);
    }

    [Fact]
    public void a_lifecycle_step_after_a_given_history_is_observed_alone()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            applied: 2025-12-01T10:00
            reviewed: 2025-12-01T14:30
            approved: 2025-12-01T15:05
            produced: 2025-12-02T10:00
            mailed: { at: 2025-12-02T16:40, tracking: SF1458203377061 }
            """,
            "deliver: 2025-12-04T11:20",
            """
            events: [certificate.delivered.v1]
            status: delivered
            elapsed-days: 3.06
            """);

        var result = CertificateScenarioFiles.Runner.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Clauses.ShouldBeEmpty();
    }

    [Fact]
    public void a_refused_when_step_is_the_rejection_and_appends_nothing()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            applied: 2025-12-01T10:00
            """,
            "produce: 2025-12-02T10:00",
            "rejected: out_of_order");

        var result = CertificateScenarioFiles.Runner.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Rejection!.Code.ShouldBe("certificate.out_of_order");
        result.Observation.Events.ShouldBeEmpty();
    }

    [Fact]
    public void a_named_version_decides_even_when_the_application_date_would_pick_another()
    {
        // On 2025-12-01 version 1 is in force; the scenario names the version before the pilot.
        var scenario = CertificateScenarioFiles.One(
            "document: { damaged: yes }",
            "apply: 2025-12-01T10:00",
            """
            rule: certificate-online@0
            route: in-person
            clauses: { certificate-online.route-open: not met }
            """,
            rule: "certificate-online@0");

        CertificateScenarioFiles.Runner.Run(scenario).Differences.ShouldBeEmpty();
    }

    [Fact]
    public void a_proposed_version_from_seeds_rules_can_be_named()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            applicant: { born: 2011-12-01 }
            document: { expires: 2026-08-31 }
            """,
            "apply: 2025-12-01T10:00",
            """
            rule: certificate-online@2-proposed
            route: fully online
            age: 14
            """,
            rule: "certificate-online@2-proposed");

        CertificateScenarioFiles.Runner.Run(scenario).Differences.ShouldBeEmpty();
    }

    [Fact]
    public void every_clause_the_decisions_record_is_listed_with_a_description()
    {
        var decided = CertificateScenario.AnEligibleApplicant().Apply().ShouldBeTaken();
        var recorded = decided.Criteria.Concat(decided.SituationCriteria!).Select(c => c.Clause).ToList();

        CertificateScenarioFiles.Driver.Clauses.Select(c => c.Id).ShouldBe(recorded, ignoreOrder: true);
        CertificateScenarioFiles.Driver.Clauses.ShouldAllBe(c => c.Description.Length > 0);
    }
}

// Content a rule author got wrong is reported with the file, the line and what is wrong.
public class when_a_certificate_scenario_is_malformed
{
    // Lines of an inline scenario: given starts on line 6, so its first entry is line 7; when's entry follows given's.
    [Fact]
    public void an_unknown_applicant_key_names_its_line_and_the_known_keys()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            applicant:
              born: 2009-12-01
              birthplace: Changsha
            document: { damaged: yes }
            """,
            "apply: 2025-12-01T10:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.File.ShouldBe(CertificateScenarioFiles.Path);
        error.Line.ShouldBe(9);
        error.Problem.ShouldBe("scenarios[0].given.applicant.birthplace: unknown key 'birthplace'; expected one of: id, name, born, hukou, fingerprints");
    }

    [Fact]
    public void a_date_that_is_not_a_date_names_its_line()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            applicant: { born: 1 December 2009 }
            """,
            "apply: 2025-12-01T10:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(8);
        error.Problem.ShouldBe("scenarios[0].given.applicant.born: '1 December 2009' is not a date written yyyy-MM-dd");
    }

    [Fact]
    public void an_unknown_channel_is_refused_with_the_channels_an_applicant_uses()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            channel: telephone
            """,
            "apply: 2025-12-01T10:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(8);
        error.Problem.ShouldBe("scenarios[0].given.channel: 'telephone' is not a channel an applicant uses: website, wechat, alipay, window or proxy");
    }

    [Fact]
    public void a_missing_document_is_asked_for()
    {
        var scenario = CertificateScenarioFiles.One("applicant: { born: 2009-12-01 }", "apply: 2025-12-01T10:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(7);
        error.Problem.ShouldStartWith("scenarios[0].given: describe the existing document");
    }

    [Fact]
    public void an_empty_given_is_asked_for_the_document()
    {
        var scenario = ScenarioFile.Parse(CertificateScenarioFiles.Path, """
            topic: Inline
            kind: certificate-issuance
            rule: certificate-online@1
            scenarios:
              - name: Nothing given
                given:
                when:
                  apply: 2025-12-01T10:00
                then:
                  route: fully online
            """).Scenarios.Single();

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Problem.ShouldStartWith("scenarios[0].given: describe the existing document");
    }

    [Fact]
    public void a_refused_step_of_the_history_is_a_scenario_error_naming_its_line()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            applied: 2025-12-01T10:00
            approved: 2025-12-01T15:00
            """,
            "produce: 2025-12-02T10:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(9);
        error.Problem.ShouldStartWith("scenarios[0].given.approved: this step of the history was refused (certificate.out_of_order): ");
    }

    [Fact]
    public void a_history_must_start_with_the_application()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            reviewed: 2025-12-01T14:00
            applied: 2025-12-01T10:00
            """,
            "approve: 2025-12-01T15:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(8);
        error.Problem.ShouldBe("scenarios[0].given.reviewed: the history starts with the application: write 'applied: <time>' first");
    }

    [Fact]
    public void a_step_without_an_application_is_told_to_add_one()
    {
        var scenario = CertificateScenarioFiles.One("document: { damaged: yes }", "review: 2025-12-01T14:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(9);
        error.Problem.ShouldBe("scenarios[0].when.review: to review, there must be an application: add 'applied: <time>' to given");
    }

    [Fact]
    public void an_application_as_the_when_step_takes_no_history_before_it()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            applied: 2025-12-01T10:00
            """,
            "apply: 2025-12-01T11:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(8);
        error.Problem.ShouldBe("scenarios[0].given.applied: the application is the when-step here: a history of steps cannot come before it");
    }

    [Fact]
    public void a_when_with_two_steps_is_refused()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            applied: 2025-12-01T10:00
            """,
            """
            review: 2025-12-01T11:00
            approve: 2025-12-01T12:00
            """);

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(10);
        error.Problem.ShouldBe("scenarios[0].when: say one step here, one of: apply, review, approve, reject, produce, mail, deliver");
    }

    [Fact]
    public void a_rejection_written_as_a_bare_time_is_asked_for_its_reason()
    {
        var scenario = CertificateScenarioFiles.One(
            """
            document: { damaged: yes }
            applied: 2025-12-01T10:00
            reviewed: 2025-12-01T11:00
            """,
            "reject: 2025-12-01T12:00");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(11);
        error.Problem.ShouldBe("scenarios[0].when.reject: say the reason too: { at: <time>, reason: ... }");
    }

    [Fact]
    public void a_time_that_cannot_be_read_names_its_line()
    {
        var scenario = CertificateScenarioFiles.One("document: { damaged: yes }", "apply: first of December");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(9);
        error.Problem.ShouldBe("scenarios[0].when.apply: 'first of December' is not a time such as 2024-05-01T09:00 or 2024-05-01T09:00+08:00");
    }

    [Fact]
    public void an_unknown_expectation_lists_the_facts_of_the_kind()
    {
        var scenario = CertificateScenarioFiles.One("document: { damaged: yes }", "apply: 2025-12-01T10:00", "outcome: fully online");

        var error = CertificateScenarioFiles.Malformed(scenario);

        error.Line.ShouldBe(11);
        error.Problem.ShouldBe("scenarios[0].then.outcome: unknown expectation 'outcome'; expected rejected, events, clauses or one of: "
            + "route, status, unmet, situations, age, application-date, rule, elapsed-days");
    }
}

// The rule authors' files in seeds/scenarios: every certificate scenario passes and every clause is exercised both ways.
public class when_running_the_certificate_scenario_files
{
    private static List<ScenarioFile> Files() =>
        Directory.GetFiles(Path.Combine(CertificateScenarioFiles.RepositoryRoot(), "seeds", "scenarios"), "certificate-*.yaml")
            .Order(StringComparer.Ordinal)
            .Select(ScenarioFile.Load)
            .ToList();

    [Fact]
    public void every_scenario_passes()
    {
        var results = Files().SelectMany(f => f.Scenarios).Select(CertificateScenarioFiles.Runner.Run).ToList();

        results.Count.ShouldBeGreaterThan(60);
        results.Where(r => !r.Passed).Select(r => $"{r.Scenario}: {string.Join("; ", r.Differences)}").ShouldBeEmpty();
    }

    [Fact]
    public void every_clause_is_exercised_on_its_passing_and_its_failing_side()
    {
        var results = Files().SelectMany(f => f.Scenarios).Select(CertificateScenarioFiles.Runner.Run).ToList();

        var coverage = Coverage.Of([CertificateScenarioFiles.Driver], results);

        coverage.Count.ShouldBe(CertificateScenarioFiles.Driver.Clauses.Count);
        coverage.Where(c => !c.BothSides).Select(c => $"{c.Clause}: met {c.Met}, not met {c.NotMet}").ShouldBeEmpty();
    }

    [Fact]
    public void every_lifecycle_refusal_is_exercised()
    {
        var codes = Files().SelectMany(f => f.Scenarios).Select(CertificateScenarioFiles.Runner.Run)
            .Select(r => r.Observation?.Rejection?.Code).OfType<string>().Distinct().ToList();

        string[] lifecycle =
        [
            "certificate.out_of_order", "certificate.already_done", "certificate.step_before_previous", "certificate.routed_to_window",
            "certificate.rejected_at_review", "certificate.reason_missing", "certificate.tracking_reference_missing",
        ];
        lifecycle.ShouldBeSubsetOf(codes);
    }
}
