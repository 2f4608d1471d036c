using CaseLedger.Cases.CoFunding;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.CoFunding;

/// <summary>Inline co-funding scenarios: a file of one scenario whose sections are written as in a scenario file.</summary>
internal static class InlineCoFunding
{
    public const string Path = "inline-co-funding.yaml";

    /// <summary>The line of the file on which the given section's first line stands.</summary>
    public const int GivenLine = 7;

    /// <summary>Camphor Court completed and audited (781,236.45 yuan), ready for its award; five lines.</summary>
    public const string CamphorCourtAudited =
        """
        compound: { id: camphor-court, name: Camphor Court, built: 2004, fund: yes, households: 306 }
        funding: { compound-public-income: 426000, residents-self-raised: 372500 }
        registered: 2022-03-01T10:00
        started: 2022-04-11
        completed: { at: 2022-09-28, acceptance: YL-ACC-2022-0917 }
        audited: { cost: 781236.45, at: 2022-11-15, reference: CS-AUD-2022-1103 }
        """;

    /// <summary>One scenario; given, when and then are indented under their keys.</summary>
    public static Scenario One(string given, string when, string then = "stage: registered", string rule = "rule: co-funding@1") =>
        ScenarioFile.Parse(Path, $"""
            topic: Inline
            kind: co-funding-award
            {rule}
            scenarios:
              - name: Inline scenario
                given:
            {Indent(given)}
                when:
            {Indent(when)}
                then:
            {Indent(then)}
            """).Scenarios.Single();

    /// <summary>The line of the when section's first line, for a given section of <paramref name="givenLines"/> lines.</summary>
    public static int WhenLine(int givenLines) => GivenLine + givenLines + 1;

    public static ScenarioResult Run(Scenario scenario) => CoFundingScenarioFiles.Runner.Run(scenario);

    /// <summary>Runs a scenario and expects the driver to refuse what it says.</summary>
    public static ScenarioFormatException Malformed(Scenario scenario) =>
        Should.Throw<ScenarioFormatException>(() => CoFundingScenarioFiles.Runner.Run(scenario));

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "      " + line));
}

// The driver reads the compound, the money, the vote and the dated history in the rule's own words
// and runs each step through the same pure decisions as the host.
public class when_running_a_co_funding_scenario
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Fact]
    public void an_award_reports_the_event_every_clause_it_evaluated_and_the_facts()
    {
        var scenario = InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award: 2022-12-05T10:00", "grant: 234370.94");

        var result = InlineCoFunding.Run(scenario);

        result.Differences.ShouldBeEmpty();
        var observation = result.Observation.ShouldNotBeNull();
        observation.Rejection.ShouldBeNull();
        observation.EventTypes.ShouldBe(["co_funding.award_decided.v1"]);
        var awarded = observation.Events.ShouldHaveSingleItem().ShouldBeOfType<AwardDecided>();
        awarded.DecidedAt.ShouldBe(new DateTimeOffset(2022, 12, 5, 10, 0, 0, Beijing));
        awarded.AuditedCost.ShouldBe(781_236.45m);
        observation.Clauses.Select(c => c.Clause).ShouldBe(
        [
            Eligibility.OneAwardClause, Eligibility.BuiltYearsClause, Eligibility.MaintenanceFundClause, Eligibility.VoteClause,
            Eligibility.CompletedClause, Eligibility.AuditedClause, Eligibility.GrantRoundingClause, Eligibility.SplitRoundingClause,
        ]);
        observation.Clauses.Single(c => c.Clause == Eligibility.GrantRoundingClause).Detail
            .ShouldBe("30% of 781,236.45 yuan is 234,370.935 yuan, rounded half away from zero to 234,370.94 yuan");
        awarded.AwardTerms.ShouldNotBeNull().Select(c => c.Clause)
            .ShouldBe([Eligibility.OneAwardClause, Eligibility.GrantRoundingClause, Eligibility.SplitRoundingClause]);
        observation.Facts["outcome"].ShouldBe("Awarded");
        observation.Facts["grant"].ShouldBe("234370.94");
        observation.Facts["city-share"].ShouldBe("117185.47");
        observation.Facts["district-share"].ShouldBe("117185.47");
        observation.Facts["other-money"].ShouldBe("798500.00");
        observation.Facts["rule"].ShouldBe("co-funding@1");
    }

    [Fact]
    public void a_when_step_written_without_a_time_happens_a_day_after_the_last_given_step()
    {
        var scenario = InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award");

        var observation = InlineCoFunding.Run(scenario).Observation.ShouldNotBeNull();

        observation.Events.ShouldHaveSingleItem().ShouldBeOfType<AwardDecided>().DecidedAt
            .ShouldBe(new DateTimeOffset(2022, 11, 16, 0, 0, 0, Beijing));
    }

    [Fact]
    public void a_refused_when_step_reports_the_rejection_with_the_clauses_that_failed()
    {
        var scenario = InlineCoFunding.One(
            """
            compound: { built: 2004, fund: yes }
            registered: 2022-03-01
            started: 2022-04-11
            completed: 2022-09-28
            """, "award: 2022-10-15", "rejected: not_ready");

        var observation = InlineCoFunding.Run(scenario).Observation.ShouldNotBeNull();

        observation.Rejection.ShouldNotBeNull().Code.ShouldBe("co_funding.not_ready");
        observation.Events.ShouldBeEmpty();
        observation.Clauses.Single(c => c.Clause == Eligibility.AuditedClause).Met.ShouldBeFalse();
        observation.Clauses.Single(c => c.Clause == Eligibility.CompletedClause).Met.ShouldBeTrue();
    }

    [Fact]
    public void every_decision_is_taken_under_the_named_version_whatever_the_dates()
    {
        var scenario = InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award: 2022-12-05", "grant: 273432.76",
            rule: "rule: co-funding@2-proposed");

        var result = InlineCoFunding.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Facts["rule"].ShouldBe("co-funding@2-proposed");
        result.Observation.Events.ShouldHaveSingleItem().ShouldBeOfType<AwardDecided>().Rate.ShouldBe(0.35m);
    }

    [Fact]
    public void a_registration_before_any_version_is_in_force_is_refused_with_the_rule_in_force_clause()
    {
        var scenario = InlineCoFunding.One("compound: { built: 2004, fund: yes }", "register: 2020-12-31T23:59", "rejected: no_rule_in_force");
        var version1 = CoFundingScenarioFiles.Rules.Get(CoFundingRules.RuleId, "1");

        var observation = CoFundingScenarioFiles.Driver.Run(scenario, version1);

        observation.Rejection.ShouldNotBeNull().Code.ShouldBe("co_funding.no_rule_in_force");
        var clause = observation.Clauses.ShouldHaveSingleItem();
        clause.Clause.ShouldBe(Eligibility.RuleInForceClause);
        clause.Met.ShouldBeFalse();
        clause.Detail.ShouldBe("no version in force on 2020-12-31");
    }

    [Fact]
    public void a_proposed_version_that_takes_effect_later_still_decides_a_registration_made_while_the_programme_runs()
    {
        var scenario = InlineCoFunding.One("compound: { built: 2004, fund: yes }", "register: 2022-03-01");
        var proposed = CoFundingScenarioFiles.Rules.Get(CoFundingRules.RuleId, "2-proposed");
        proposed.EffectiveFrom.ShouldBeGreaterThan(new DateOnly(2022, 3, 1));

        var observation = CoFundingScenarioFiles.Driver.Run(scenario, proposed);

        observation.Rejection.ShouldBeNull();
        observation.Events.ShouldHaveSingleItem().ShouldBeOfType<ProjectRegistered>().Rules.Rate.ShouldBe(0.35m);
    }

    [Fact]
    public void the_described_vote_is_what_the_registration_sees()
    {
        var scenario = InlineCoFunding.One(
            """
            compound: { built: 2006, fund: yes }
            funding: { maintenance-fund: 40000, compound-public-income: 60000 }
            vote: committee-approved 40000
            """, "register: 2022-03-01T10:00", "eligible: yes");

        var observation = InlineCoFunding.Run(scenario).Observation.ShouldNotBeNull();

        var registered = observation.Events.ShouldHaveSingleItem().ShouldBeOfType<ProjectRegistered>();
        registered.RenovationVoteId.ShouldNotBeNull();
        registered.Eligibility.Single(c => c.Clause == Eligibility.VoteClause).Detail.ShouldContain("owners' committee (simplified route)");
    }

    [Fact]
    public void given_steps_run_in_time_order_whatever_order_they_are_written_in()
    {
        var scenario = InlineCoFunding.One(
            """
            compound: { built: 2004, fund: yes }
            audited:
              - { cost: 781236.45, at: 2022-11-15 }
              - { cost: 790000.00, at: 2023-02-01 }
            awarded: 2022-12-05
            completed: 2022-09-28
            started: 2022-04-11
            registered: 2022-03-01
            """, "settle: 2023-02-10", "paid: 237000");

        var result = InlineCoFunding.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Facts["adjustments"].ShouldBe("1");
        result.Observation.Facts["grant"].ShouldBe("237000.00");
        result.Observation.Events.ShouldHaveSingleItem().ShouldBeOfType<GrantSettled>().Amount.ShouldBe(new Grant(237_000.00m, 118_500.00m, 118_500.00m));
    }

    [Fact]
    public void the_driver_lists_every_clause_and_fact_of_the_kind()
    {
        var driver = new CoFundingKind().ScenarioDriver.ShouldNotBeNull();

        driver.Kind.ShouldBe("co-funding-award");
        driver.RuleId.ShouldBe("co-funding");
        driver.Clauses.Select(c => c.Id).ShouldBe(
        [
            "co-funding.rule-in-force", "co-funding.built-years", "co-funding.maintenance-fund", "co-funding.renovation-vote",
            "co-funding.completed", "co-funding.audited-cost", "co-funding.one-award", "co-funding.grant.rounding",
            "co-funding.split.rounding", "co-funding.adjustment",
        ]);
        driver.Facts.ShouldContain("grant");
        driver.Facts.ShouldContain("city-share");
        driver.Facts.ShouldContain("adjustment");
    }
}

// A malformed scenario is refused with the file, the line and what is wrong, never run on a guess.
public class when_a_co_funding_scenario_is_malformed
{
    [Fact]
    public void an_unknown_key_of_the_compound_is_named_with_its_line()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One("compound: { buit: 2004, fund: yes }", "register: 2022-03-01"));

        error.File.ShouldBe(InlineCoFunding.Path);
        error.Line.ShouldBe(InlineCoFunding.GivenLine);
        error.Problem.ShouldContain("unknown key 'buit'");
    }

    [Fact]
    public void an_unknown_funding_source_is_named_with_the_known_ones()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One(
            """
            compound: { built: 2004, fund: yes }
            funding: { lottery: 50000 }
            """, "register: 2022-03-01"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine + 1);
        error.Problem.ShouldContain("unknown funding source 'lottery'");
        error.Problem.ShouldContain("maintenance-fund, compound-public-income");
    }

    [Fact]
    public void a_vote_outcome_that_does_not_exist_is_refused()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One(
            """
            compound: { built: 2004, fund: yes }
            funding: { maintenance-fund: 120000 }
            vote: maybe
            """, "register: 2022-03-01"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine + 2);
        error.Problem.ShouldContain("'maybe' is not a vote outcome");
    }

    [Fact]
    public void a_full_vote_on_a_spend_the_committee_decides_is_refused_with_the_limit()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One(
            """
            compound: { built: 2004, fund: yes }
            funding: { maintenance-fund: 40000 }
            vote: passed
            """, "register: 2022-03-01"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine + 2);
        error.Problem.ShouldContain("below the small-project limit of 50,000.00 yuan (renovation-vote@2)");
        error.Problem.ShouldContain("committee-approved");
    }

    [Fact]
    public void a_given_step_the_decisions_refuse_is_an_error_on_its_line()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One(
            """
            compound: { built: 2004, fund: yes }
            registered: 2022-03-01
            completed: 2022-09-28
            """, "audit: 781236.45"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine + 2);
        error.Problem.ShouldContain("this step of the history was refused (co_funding.not_started");
    }

    [Fact]
    public void a_project_that_is_never_registered_is_an_error()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One("compound: { built: 2004, fund: yes }\nstarted: 2022-04-11", "award: 2022-12-05"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine);
        error.Problem.ShouldContain("the project is never registered");
    }

    [Fact]
    public void a_step_dated_before_the_registration_is_an_error()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One(
            """
            compound: { built: 2004, fund: yes }
            registered: 2022-03-01
            started: 2022-02-01
            """, "award: 2022-12-05"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine + 2);
        error.Problem.ShouldContain("comes before the registration");
    }

    [Fact]
    public void a_time_that_cannot_be_read_is_an_error()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One("compound: { built: 2004, fund: yes }\nregistered: 1 March 2022", "start: 2022-04-11"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine + 1);
        error.Problem.ShouldContain("'1 March 2022' is not a time");
    }

    [Fact]
    public void a_when_section_with_two_steps_is_an_error()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award: 2022-12-05\nsettle: 2022-12-20"));

        error.Line.ShouldBe(InlineCoFunding.WhenLine(6));
        error.Problem.ShouldContain("'when' is one step");
    }

    [Fact]
    public void an_unknown_when_step_is_an_error()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "pay: 2022-12-05"));

        error.Line.ShouldBe(InlineCoFunding.WhenLine(6));
        error.Problem.ShouldContain("unknown key 'pay'");
    }

    [Fact]
    public void registering_a_project_the_given_section_registered_is_an_error()
    {
        var error = InlineCoFunding.Malformed(InlineCoFunding.One("compound: { built: 2004, fund: yes }\nregistered: 2022-03-01", "register: 2022-03-02"));

        error.Line.ShouldBe(InlineCoFunding.WhenLine(2));
        error.Problem.ShouldContain("already registered");
    }
}
