using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.Scenarios;
using CaseLedger.Tests.Scenarios;

namespace CaseLedger.Tests.Certificates;

/// <summary>Inline certificate scenarios: a file of one scenario whose sections are written as in a scenario file.</summary>
internal static class InlineCertificate
{
    public const string Path = "inline-certificate.yaml";

    /// <summary>The line of the file on which the given section's first line stands.</summary>
    public const int GivenLine = InlineScenario.GivenLine;

    /// <summary>One scenario under certificate-online@1 unless it says otherwise; given, when and then are indented under their keys.</summary>
    public static Scenario One(string given, string when, string then = "route: fully online", string rule = "rule: certificate-online@1") =>
        InlineScenario.One(Path, "certificate-issuance", rule, given, when, then);

    public static Task<ScenarioResult> RunAsync(Scenario scenario) => CertificateScenarioFiles.Runner.RunAsync(scenario);

    /// <summary>Runs a scenario and expects the engine to refuse what it says, naming the line.</summary>
    public static Task<ScenarioFormatException> MalformedAsync(Scenario scenario) =>
        Should.ThrowAsync<ScenarioFormatException>(() => CertificateScenarioFiles.Runner.CheckAsync(scenario));
}

// The kind's steps are its own commands, written in the words of its vocabulary
// (certificate-issuance.scenarios.yaml) and run through the command pipeline.
public class when_running_a_certificate_scenario
{
    /// <summary>The clause of the promised completion (from certificate-online@2), decided at delivery or by its breach.</summary>
    private const string CompletionClause = "certificate-online.completion";

    /// <summary>An eligible application (its document is damaged) on 2025-12-01 at 10:00, as the first given step.</summary>
    private const string Applied =
        """
        - apply: { document: { damaged: yes } }
          at: 2025-12-01T10:00
        """;

    [Fact]
    public async Task an_eligible_application_reports_the_route_the_clauses_and_the_facts()
    {
        var scenario = InlineCertificate.One("",
            """
            apply:
              applicant: { born: 2009-12-01, hukou: Changsha, fingerprints: yes }
              document: { type: passport, expires: 2026-03-01 }
            at: 2025-12-01T10:00
            as: { channel: wechat }
            """,
            """
            route: fully online
            age: 16
            clauses: { certificate-online.age: met }
            """);

        var result = await InlineCertificate.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        var observation = result.Observation.ShouldNotBeNull();
        observation.EventTypes.ShouldBe(["certificate.applied.v1", "certificate.eligibility_decided.v1"]);
        // Every clause of the rule but the promised completion, which the delivery (or its breach) decides.
        observation.Clauses.Select(c => c.Clause).ShouldBe(CertificateScenarioFiles.Clauses.Select(c => c.Id).Where(id => id != CompletionClause), ignoreOrder: true);
        var applied = observation.Events[0].ShouldBeOfType<CertificateApplied>();
        applied.DocumentType.ShouldBe(DocumentType.OrdinaryPassport);
        applied.Channel.ShouldBe(Channel.WeChatMiniProgram);
        observation.Facts["route"].ShouldBe("FullyOnline");
        observation.Facts["status"].ShouldBe("AwaitingReview");
        observation.Facts["unmet"].ShouldBe("none");
        observation.Facts["situations"].ShouldBe("ValidityRunningOut");
        observation.Facts["application-date"].ShouldBe("2025-12-01");
        observation.Facts["rule"].ShouldBe("certificate-online@1");
        observation.Facts.ContainsKey("elapsed-days").ShouldBeFalse();
    }

    [Fact]
    public async Task a_routed_application_names_its_unmet_clauses_in_the_rules_order()
    {
        var scenario = InlineCertificate.One("",
            """
            apply:
              applicant: { born: 2010-06-01, hukou: Zhuzhou, fingerprints: no }
              document: { expires: 2030-01-01 }
            at: 2025-12-01T10:00
            as: { channel: window }
            """,
            "unmet: channel, household-city, age, document-situation, fingerprints");

        var result = await InlineCertificate.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Facts["route"].ShouldBe("InPerson");
        result.Observation.Rejection.ShouldBeNull();
    }

    [Fact]
    public async Task an_expectation_that_does_not_hold_is_a_readable_difference()
    {
        var scenario = InlineCertificate.One("",
            """
            apply: { applicant: { born: 2009-12-02 }, document: { expires: 2026-03-01 } }
            at: 2025-12-01T10:00
            """,
            """
            route: fully online
            clauses: { certificate-online.age: met }
            """);

        var result = await InlineCertificate.RunAsync(scenario);

        result.Passed.ShouldBeFalse();
        result.Differences.ShouldBe([
            "expected route: fully online, was InPerson",
            "clause certificate-online.age: expected met, was not met (aged 15 on 2025-12-01 (born 2009-12-02); at least 16 required)",
        ]);
    }

    [Fact]
    public async Task a_lifecycle_step_after_a_given_history_is_observed_alone()
    {
        var scenario = InlineCertificate.One(Applied +
            """

            - review: 2025-12-01T14:30
            - approve: 2025-12-01T15:05
            - produce: 2025-12-02T10:00
            - mail: { at: 2025-12-02T16:40, tracking: SF1458203377061 }
            """,
            "deliver: 2025-12-04T11:20",
            """
            events: [certificate.delivered.v1]
            status: delivered
            elapsed-days: 3.06
            """);

        var result = await InlineCertificate.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Clauses.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_refused_when_step_is_the_rejection_and_appends_nothing()
    {
        var scenario = InlineCertificate.One(Applied, "produce: 2025-12-02T10:00", "rejected: out_of_order");

        var result = await InlineCertificate.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Rejection!.Code.ShouldBe("certificate.out_of_order");
        result.Observation.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_named_version_decides_even_when_the_application_date_would_pick_another()
    {
        // On 2025-12-01 version 1 is in force; the scenario names the version before the pilot.
        var scenario = InlineCertificate.One("",
            "apply: { document: { damaged: yes } }\nat: 2025-12-01T10:00",
            """
            rule: certificate-online@0
            route: in-person
            clauses: { certificate-online.route-open: not met }
            """,
            rule: "rule: certificate-online@0");

        (await InlineCertificate.RunAsync(scenario)).Differences.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_proposed_version_from_seeds_rules_can_be_named()
    {
        var scenario = InlineCertificate.One("",
            "apply: { applicant: { born: 2011-12-01 }, document: { expires: 2026-08-31 } }\nat: 2025-12-01T10:00",
            """
            rule: certificate-online@2-proposed
            route: fully online
            age: 14
            """,
            rule: "rule: certificate-online@2-proposed");

        (await InlineCertificate.RunAsync(scenario)).Differences.ShouldBeEmpty();
    }

    [Fact]
    public void every_clause_the_decisions_record_is_listed_with_a_description()
    {
        var decided = CertificateScenario.AnEligibleApplicant().Apply().ShouldBeTaken();
        var recorded = decided.Criteria.Concat(decided.SituationCriteria!).Select(c => c.Clause).ToList();

        CertificateScenarioFiles.Clauses.Select(c => c.Id).ShouldBe([.. recorded, CompletionClause], ignoreOrder: true);
        CertificateScenarioFiles.Clauses.ShouldAllBe(c => c.Description.Length > 0);
    }

    [Fact]
    public async Task who_acts_is_recorded_as_the_step_says()
    {
        // The applicant applies for themselves on the website unless the step says otherwise; a window
        // clerk or help-and-handle staff act for the applicant; the back office names its own actors.
        var scenario = InlineCertificate.One(
            """
            - apply: { applicant: { id: cs-applicant-0010 }, document: { damaged: yes } }
              at: 2025-12-01T10:00
              as: { actor: yuelu-window-clerk-02, channel: window, role: clerk }
            """,
            "review: 2025-12-01T14:30", "rejected: routed_to_window");
        var website = InlineCertificate.One("", "apply: { applicant: { id: cs-applicant-0001 }, document: { damaged: yes } }\nat: 2025-12-01T10:00");
        var runner = CertificateScenarioFiles.Runner;

        var (atTheWindow, _) = await RunAndReadAsync(runner, scenario);
        var (online, _) = await RunAndReadAsync(runner, website);

        var applied = atTheWindow[0];
        applied.Actor.ShouldBe("yuelu-window-clerk-02");
        applied.Channel.ShouldBe("ServiceWindow");
        applied.OnBehalfOf.ShouldBe("cs-applicant-0010");
        applied.Rule.ShouldBe("certificate-online@1");
        online.ShouldAllBe(e => e.Actor == "cs-applicant-0001" && e.Channel == "OnlinePlatform" && e.OnBehalfOf == null);
        online.Select(e => e.Type).ShouldBe(["certificate.applied.v1", "certificate.eligibility_decided.v1"]);

        var lifecycle = InlineCertificate.One(Applied + "\n- review: 2025-12-01T14:30\n- approve: 2025-12-01T15:05\n- produce: 2025-12-02T10:00",
            "mail: { at: 2025-12-02T16:40, tracking: SF1458203377061 }", "status: mailed");
        var (steps, _) = await RunAndReadAsync(runner, lifecycle);
        steps.Select(e => (e.Type, e.Actor, e.Channel)).ShouldBe([
            ("certificate.applied.v1", "applicant-1", "OnlinePlatform"),
            ("certificate.eligibility_decided.v1", "applicant-1", "OnlinePlatform"),
            ("certificate.reviewed.v1", "exit-entry-clerk", "ServiceWindow"),
            ("certificate.approved.v1", "exit-entry-clerk", "ServiceWindow"),
            ("certificate.produced.v1", "exit-entry-production-centre", "ServiceWindow"),
            ("certificate.mailed.v1", "exit-entry-mailroom", "ServiceWindow"),
        ]);
    }

    [Fact]
    public async Task an_application_that_describes_no_document_holds_one_in_no_situation_and_goes_to_a_window()
    {
        // The vocabulary's default document has no known expiry date and is in none of the four
        // situations, so a scenario states the situation it is about (the old driver asked for it).
        var scenario = InlineCertificate.One("", "apply: { applicant: { born: 2009-12-01 } }\nat: 2025-12-01T10:00",
            "route: in-person\nunmet: document-situation\nsituations: none");

        var result = await InlineCertificate.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        var situation = result.Observation!.Clauses.Single(c => c.Clause == Eligibility.DocumentSituationClause);
        situation.Met.ShouldBeFalse();
        situation.Detail.ShouldContain("expiry date not given");
    }

    [Fact]
    public async Task a_first_application_without_an_existing_document_is_refused_as_incomplete()
    {
        var scenario = InlineCertificate.One("", "apply: { document: none }\nat: 2025-12-01T10:00", "rejected: existing_document_missing");

        var result = await InlineCertificate.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
        result.Observation.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task an_empty_given_is_no_history_and_the_application_opens_the_case()
    {
        var scenario = ScenarioFile.Parse(InlineCertificate.Path, """
            topic: Inline
            kind: certificate-issuance
            rule: certificate-online@1
            scenarios:
              - name: Nothing given
                given:
                when:
                  apply: 2025-12-01T10:00
                then:
                  route: in-person
                  unmet: document-situation
                  application-date: 2025-12-01
            """).Scenarios.Single();

        var result = await InlineCertificate.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.EventTypes.ShouldBe(["certificate.applied.v1", "certificate.eligibility_decided.v1"]);
    }

    [Fact]
    public async Task an_application_that_leaves_out_the_applicants_id_has_no_one_to_act_unless_the_step_names_the_actor()
    {
        var unnamed = InlineCertificate.One("", "apply: { applicant: { id: unknown }, document: { damaged: yes } }\nat: 2025-12-01T10:00",
            "rejected: acting.actor_missing");
        var named = InlineCertificate.One("",
            "apply: { applicant: { id: unknown }, document: { damaged: yes } }\nat: 2025-12-01T10:00\nas: { actor: applicant }",
            "rejected: applicant_id_missing");

        (await InlineCertificate.RunAsync(unnamed)).Differences.ShouldBeEmpty();
        (await InlineCertificate.RunAsync(named)).Differences.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_second_application_to_the_same_case_is_refused_and_the_first_stands()
    {
        // The old driver refused this as a malformed scenario; every step is now a command, and the
        // pipeline refuses to open a case that exists.
        var scenario = InlineCertificate.One(Applied, "apply: { document: { damaged: yes } }\nat: 2025-12-01T11:00",
            "rejected: already_exists");

        var result = await InlineCertificate.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        var observation = result.Observation.ShouldNotBeNull();
        observation.Rejection!.Code.ShouldBe("case.already_exists");
        observation.Rejection.Kind.ShouldBe(RejectionKind.Conflict);
        observation.Events.ShouldBeEmpty();
        observation.Facts["status"].ShouldBe("AwaitingReview");
    }

    private static async Task<(IReadOnlyList<RecordedEvent> Events, Observation Observation)> RunAndReadAsync(ScenarioRunner runner, Scenario scenario)
    {
        var (rules, start) = runner.RulesFor(scenario);
        var ledger = new InMemoryScenarioLedger(new InMemoryLedger(runner.Engine.Kinds, rules));

        var observation = await runner.Engine.RunAsync(scenario, ledger, rules, start, "acting");

        var differences = ScenarioRunner.Compare(scenario.Then, observation, runner.Engine.VocabularyOf(scenario.Kind), runner.Rules);
        differences.ShouldBeEmpty();
        return (ledger.Ledger.Events("acting", ledger.Ledger.Cases("acting").ShouldHaveSingleItem()), observation);
    }
}

// Content a rule author got wrong is reported with the file, the line and what is wrong.
public class when_a_certificate_scenario_is_malformed
{
    /// <summary>An eligible application (its document is damaged) on 2025-12-01 at 10:00, as the first given step (two lines).</summary>
    private const string Applied =
        """
        - apply: { document: { damaged: yes } }
          at: 2025-12-01T10:00
        """;

    [Fact]
    public async Task an_unknown_applicant_key_names_its_step_and_the_key()
    {
        var scenario = InlineCertificate.One(
            """
            - apply:
                applicant:
                  born: 2009-12-01
                  birthplace: Changsha
                document: { damaged: yes }
              at: 2025-12-01T10:00
            """,
            "review: 2025-12-01T14:00");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.File.ShouldBe(InlineCertificate.Path);
        error.Line.ShouldBe(InlineCertificate.GivenLine + 1);
        error.Problem.ShouldStartWith("scenarios[0].given[0].apply: the apply-for-certificate command cannot be made from this: ");
        error.Problem.ShouldEndWith("$.applicant has no member 'birthplace'.");
    }

    [Fact]
    public async Task a_date_that_is_not_a_date_names_its_step()
    {
        var scenario = InlineCertificate.One(
            """
            - apply: { document: { damaged: yes }, applicant: { born: 1 December 2009 } }
              at: 2025-12-01T10:00
            """,
            "review: 2025-12-01T14:00");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine);
        error.Problem.ShouldBe("scenarios[0].given[0]: applicant.dateOfBirth: '1 December 2009' is not a date written yyyy-MM-dd");
    }

    [Fact]
    public async Task an_unknown_channel_is_refused_with_the_channels_an_applicant_uses()
    {
        var scenario = InlineCertificate.One("", "apply: { document: { damaged: yes } }\nat: 2025-12-01T10:00\nas: { channel: telephone }");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 4);
        error.Problem.ShouldBe("scenarios[0].when.as: 'telephone' is not a channel; write one of: website, wechat, alipay, window, hotline, proxy, partner");
    }

    [Fact]
    public async Task an_unknown_document_type_is_refused_with_the_types_issued_online()
    {
        var scenario = InlineCertificate.One("", "apply: { document: { type: residence-permit, damaged: yes } }\nat: 2025-12-01T10:00");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 2);
        error.Problem.ShouldBe("scenarios[0].when: documentType: 'residence-permit' is not one of: ordinary-passport, hong-kong-macao-permit, taiwan-permit");
    }

    [Fact]
    public async Task a_refused_step_of_the_history_is_a_scenario_error_naming_its_line()
    {
        var scenario = InlineCertificate.One(Applied + "\n- approve: 2025-12-01T15:00", "produce: 2025-12-02T10:00");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 2);
        error.Problem.ShouldStartWith("scenarios[0].given[1]: this step of the history was refused (certificate.out_of_order: ");
        error.Problem.ShouldEndWith("every given step must be accepted");
    }

    [Fact]
    public async Task a_history_must_start_with_the_application()
    {
        var scenario = InlineCertificate.One("- review: 2025-12-01T14:00\n" + Applied, "approve: 2025-12-01T15:00");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine);
        error.Problem.ShouldBe("scenarios[0].given[0]: 'review' acts on a certificate-issuance that is not opened yet: open it in an earlier step");
    }

    [Fact]
    public async Task a_step_without_an_application_is_told_to_open_the_case_first()
    {
        var scenario = InlineCertificate.One("", "review: 2025-12-01T14:00");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 2);
        error.Problem.ShouldBe("scenarios[0].when: 'review' acts on a certificate-issuance that is not opened yet: open it in an earlier step");
    }

    [Fact]
    public async Task a_when_with_two_steps_is_refused()
    {
        var scenario = InlineCertificate.One(Applied, "review: 2025-12-01T11:00\napprove: 2025-12-01T12:00");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 3);
        error.Problem.ShouldBe("scenarios[0].when: one step per item, not review and approve; start another item with '- '");
    }

    [Fact]
    public async Task an_unknown_step_is_named_with_the_steps_of_the_kind()
    {
        var scenario = InlineCertificate.One(Applied, "issue: 2025-12-01T11:00");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 3);
        error.Problem.ShouldContain("'issue' is not a step of certificate-issuance; its steps are: apply, review, approve, reject, produce, mail, deliver");
    }

    [Fact]
    public async Task a_rejection_written_as_a_bare_time_is_asked_for_its_fields_and_needs_its_reason()
    {
        var reviewed = Applied + "\n- review: 2025-12-01T11:00";
        var bare = InlineCertificate.One(reviewed, "reject: 2025-12-01T12:00");
        var withoutReason = InlineCertificate.One(reviewed, "reject: { at: 2025-12-01T12:00 }");

        var error = await InlineCertificate.MalformedAsync(bare);
        var missing = await InlineCertificate.MalformedAsync(withoutReason);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 4);
        error.Problem.ShouldBe("scenarios[0].when.reject: 'reject' is written with its fields ({ ... }), not as a line");
        missing.Line.ShouldBe(InlineCertificate.GivenLine + 4);
        missing.Problem.ShouldStartWith("scenarios[0].when.reject: the reject-certificate-application command cannot be made from this: ");
        missing.Problem.ShouldContain("'reason'");
    }

    [Fact]
    public async Task a_time_that_cannot_be_read_names_its_line()
    {
        var scenario = InlineCertificate.One("", "apply: { document: { damaged: yes } }\nat: first of December");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 2);
        error.Problem.ShouldBe("scenarios[0].when: 'first of December' is not a time; write a time such as 2024-05-06T09:00");
    }

    [Fact]
    public async Task an_unknown_expectation_lists_the_facts_of_the_kind()
    {
        var scenario = InlineCertificate.One("", "apply: { document: { damaged: yes } }\nat: 2025-12-01T10:00", "outcome: fully online");

        var error = await InlineCertificate.MalformedAsync(scenario);

        error.Line.ShouldBe(InlineCertificate.GivenLine + 5);
        error.Problem.ShouldBe("scenarios[0].then.outcome: unknown expectation 'outcome'; expected rejected, events, clauses or one of: "
            + "route, status, unmet, situations, age, application-date, rule, elapsed-days, completion");
    }
}
