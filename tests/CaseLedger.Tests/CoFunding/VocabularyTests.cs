using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using CaseLedger.Tests.Scenarios;

namespace CaseLedger.Tests.CoFunding;

/// <summary>Inline co-funding scenarios: a file of one scenario whose sections are written as in a scenario file.</summary>
internal static class InlineCoFunding
{
    public const string Path = "inline-co-funding.yaml";

    /// <summary>The line of the file on which the given section's first line stands.</summary>
    public const int GivenLine = InlineScenario.GivenLine;

    /// <summary>Camphor Court registered, started, completed and audited (781,236.45 yuan), ready for its award; seven lines.</summary>
    public const string CamphorCourtAudited =
        """
        register:
          compound: { id: camphor-court, name: Camphor Court, built: 2004, fund: yes, households: 306 }
          funding: { compound-public-income: 426000, residents-self-raised: 372500 }
          at: 2022-03-01T10:00
        start: 2022-04-11
        complete: { at: 2022-09-28, acceptance: YL-ACC-2022-0917 }
        audit: { cost: 781236.45, at: 2022-11-15, reference: CS-AUD-2022-1103 }
        """;

    /// <summary>One scenario; given, when and then are indented under their keys.</summary>
    public static Scenario One(string given, string when, string then = "stage: registered", string rule = "rule: co-funding@1") =>
        InlineScenario.One(Path, "co-funding-award", rule, given, when, then);

    /// <summary>The line of the when section's first line, for a given section of <paramref name="givenLines"/> lines.</summary>
    public static int WhenLine(int givenLines) => GivenLine + givenLines + 1;

    public static Task<ScenarioResult> RunAsync(Scenario scenario) => CoFundingScenarioFiles.Runner.RunAsync(scenario);

    /// <summary>Runs a scenario and expects the engine to refuse what it says, naming the line.</summary>
    public static Task<ScenarioFormatException> MalformedAsync(Scenario scenario) =>
        Should.ThrowAsync<ScenarioFormatException>(() => CoFundingScenarioFiles.Runner.CheckAsync(scenario));

    /// <summary>Runs a scenario in memory in <paramref name="district"/> and hands back the ledger, to look at every case it made.</summary>
    public static async Task<(Observation Observation, InMemoryLedger Ledger)> RunInLedgerAsync(Scenario scenario, string district)
    {
        var runner = CoFundingScenarioFiles.Runner;
        var (rules, start) = runner.RulesFor(scenario);
        var ledger = new InMemoryScenarioLedger(new InMemoryLedger(runner.Engine.Kinds, rules));
        return (await runner.Engine.RunAsync(scenario, ledger, rules, start, district), ledger.Ledger);
    }
}

// The project's steps are the kind's own commands (register, start, complete, audit, award, settle),
// and the vote it references a macro of renovation-vote commands, written in the words of its
// vocabulary (co-funding-award.scenarios.yaml) and run through the command pipeline.
public class when_running_a_co_funding_scenario
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Fact]
    public async Task an_award_reports_the_event_every_clause_it_evaluated_and_the_facts()
    {
        var scenario = InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award: 2022-12-05T10:00", "grant: 234370.94");

        var result = await InlineCoFunding.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        var observation = result.Observation.ShouldNotBeNull();
        observation.Rejection.ShouldBeNull();
        observation.EventTypes.ShouldBe(["co_funding.award_decided.v1"]);
        var awarded = observation.Events.ShouldHaveSingleItem().ShouldBeOfType<AwardDecided>();
        awarded.DecidedAt.ShouldBe(new DateTimeOffset(2022, 12, 5, 10, 0, 0, Beijing));
        awarded.AuditedCost.ShouldBe(781_236.45m);
        // The award's clauses as its event records them: the eligibility criteria, then the award's own terms.
        observation.Clauses.Select(c => c.Clause).ShouldBe(
        [
            Eligibility.BuiltYearsClause, Eligibility.MaintenanceFundClause, Eligibility.VoteClause, Eligibility.CompletedClause,
            Eligibility.AuditedClause, Eligibility.OneAwardClause, Eligibility.GrantRoundingClause, Eligibility.SplitRoundingClause,
        ]);
        observation.Clauses.Single(c => c.Clause == Eligibility.GrantRoundingClause).Detail
            .ShouldBe("30% of 781,236.45 yuan is 234,370.935 yuan, rounded half away from zero to 234,370.94 yuan");
        awarded.AwardTerms.ShouldNotBeNull().Select(c => c.Clause)
            .ShouldBe([Eligibility.OneAwardClause, Eligibility.GrantRoundingClause, Eligibility.SplitRoundingClause]);
        observation.Facts["outcome"].ShouldBe("Awarded");
        observation.Facts["grant"].ShouldBe("234370.94");
        observation.Facts["city-share"].ShouldBe("117185.47");
        observation.Facts["district-share"].ShouldBe("117185.47");
        decimal.Parse(observation.Facts["other-money"], System.Globalization.CultureInfo.InvariantCulture).ShouldBe(798_500.00m);
        observation.Facts["rule"].ShouldBe("co-funding@1");
    }

    [Fact]
    public async Task a_when_step_written_without_a_time_happens_a_day_after_the_last_given_step()
    {
        var scenario = InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award");

        var observation = (await InlineCoFunding.RunAsync(scenario)).Observation.ShouldNotBeNull();

        observation.Events.ShouldHaveSingleItem().ShouldBeOfType<AwardDecided>().DecidedAt
            .ShouldBe(new DateTimeOffset(2022, 11, 16, 0, 0, 0, Beijing));
    }

    [Fact]
    public async Task a_refused_when_step_reports_the_rejection_with_the_clauses_that_failed()
    {
        var scenario = InlineCoFunding.One(
            """
            register: { compound: { built: 2004, fund: yes }, at: 2022-03-01 }
            start: 2022-04-11
            complete: 2022-09-28
            """, "award: 2022-10-15", "rejected: not_ready");

        var result = await InlineCoFunding.RunAsync(scenario);

        result.Passed.ShouldBeTrue();
        var observation = result.Observation.ShouldNotBeNull();
        observation.Rejection.ShouldNotBeNull().Code.ShouldBe("co_funding.not_ready");
        observation.Events.ShouldBeEmpty();
        observation.Clauses.Single(c => c.Clause == Eligibility.AuditedClause).Met.ShouldBeFalse();
        observation.Clauses.Single(c => c.Clause == Eligibility.CompletedClause).Met.ShouldBeTrue();
    }

    [Fact]
    public async Task every_decision_is_taken_under_the_named_version_whatever_the_dates()
    {
        var scenario = InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award: 2022-12-05", "grant: 273432.76",
            rule: "rule: co-funding@2-proposed");

        var result = await InlineCoFunding.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Facts["rule"].ShouldBe("co-funding@2-proposed");
        result.Observation.Events.ShouldHaveSingleItem().ShouldBeOfType<AwardDecided>().Rate.ShouldBe(0.35m);
    }

    [Fact]
    public async Task a_registration_before_any_version_is_in_force_is_refused_with_the_rule_in_force_clause()
    {
        // A scenario that names a day is decided by the rule book as it is: before 2021 no version is in force.
        var scenario = InlineCoFunding.One("", "register: { compound: { built: 2004, fund: yes }, at: 2020-12-31T23:59 }", "rejected: no_rule_in_force",
            rule: "date: 2020-12-31");

        var result = await InlineCoFunding.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        var observation = result.Observation.ShouldNotBeNull();
        observation.Rejection.ShouldNotBeNull().Code.ShouldBe("co_funding.no_rule_in_force");
        var clause = observation.Clauses.ShouldHaveSingleItem();
        clause.Clause.ShouldBe(Eligibility.RuleInForceClause);
        clause.Met.ShouldBeFalse();
        clause.Detail.ShouldBe("no version in force on 2020-12-31");
    }

    [Fact]
    public async Task a_named_version_decides_a_registration_even_before_the_programme_started()
    {
        // A scenario that names a version has it in force throughout, so it never sees the programme's start.
        var scenario = InlineCoFunding.One("", "register: { compound: { built: 2004, fund: yes }, at: 2020-12-31T23:59 }", "rule: co-funding@1");

        var result = await InlineCoFunding.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Clauses[0].ShouldBe(new CriterionResult(Eligibility.RuleInForceClause,
            "a version of the co-funding rule is in force on the day the project is registered", true, "registered under co-funding@1"));
    }

    [Fact]
    public async Task a_proposed_version_that_takes_effect_later_still_decides_a_registration_made_while_the_programme_runs()
    {
        var scenario = InlineCoFunding.One("", "register: { compound: { built: 2004, fund: yes }, at: 2022-03-01 }", rule: "rule: co-funding@2-proposed");
        var proposed = CoFundingScenarioFiles.Rules.Get(CoFundingRules.RuleId, "2-proposed");
        proposed.EffectiveFrom.ShouldBeGreaterThan(new DateOnly(2022, 3, 1));

        var observation = (await InlineCoFunding.RunAsync(scenario)).Observation.ShouldNotBeNull();

        observation.Rejection.ShouldBeNull();
        observation.Events.ShouldHaveSingleItem().ShouldBeOfType<ProjectRegistered>().Rules.Rate.ShouldBe(0.35m);
    }

    [Fact]
    public async Task the_described_vote_is_what_the_registration_sees()
    {
        var scenario = InlineCoFunding.One("vote: committee-approved 40000",
            """
            register:
              compound: { built: 2006, fund: yes }
              funding: { maintenance-fund: 40000, compound-public-income: 60000 }
              at: 2022-03-01T10:00
            """, "eligible: yes");

        var (observation, ledger) = await InlineCoFunding.RunInLedgerAsync(scenario, "vote-seen");

        var registered = observation.Events.ShouldHaveSingleItem().ShouldBeOfType<ProjectRegistered>();
        var vote = ledger.Cases("vote-seen").Single(id => ledger.KindOf("vote-seen", id)!.Name == RenovationVoteKind.KindName);
        registered.RenovationVoteId.ShouldBe(vote);
        var tally = ledger.View<VoteTally>("vote-seen", vote).ShouldNotBeNull();
        tally.CompoundId.ShouldBe(registered.Compound.Id);
        tally.Route.ShouldBe(VotingRoute.Simplified);
        tally.Proposal.Amount.ShouldBe(40_000m);
        registered.Eligibility.Single(c => c.Clause == Eligibility.VoteClause).Detail.ShouldContain("owners' committee (simplified route)");
    }

    [Fact]
    public async Task a_history_with_a_revision_after_the_award_is_written_as_a_list_in_the_order_it_happened()
    {
        var scenario = InlineCoFunding.One(
            """
            - register: { compound: { built: 2004, fund: yes }, at: 2022-03-01 }
            - start: 2022-04-11
            - complete: 2022-09-28
            - audit: { cost: 781236.45, at: 2022-11-15 }
            - award: 2022-12-05
            - audit: { cost: 790000.00, at: 2023-02-01 }
            """, "settle: 2023-02-10", "paid: 237000");

        var result = await InlineCoFunding.RunAsync(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Facts["adjustments"].ShouldBe("1");
        result.Observation.Facts["grant"].ShouldBe("237000.00");
        result.Observation.Events.ShouldHaveSingleItem().ShouldBeOfType<GrantSettled>().Amount.ShouldBe(new Grant(237_000.00m, 118_500.00m, 118_500.00m));
    }

    [Fact]
    public async Task who_acts_is_recorded_as_the_step_says()
    {
        var scenario = InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award: 2022-12-05\nas: { actor: officer-housing-007, channel: website }",
            "stage: awarded");

        var (observation, ledger) = await InlineCoFunding.RunInLedgerAsync(scenario, "acting");

        observation.Rejection.ShouldBeNull();
        var events = ledger.Events("acting", ledger.Cases("acting").ShouldHaveSingleItem());
        events[0].Actor.ShouldBe("scenario-clerk");
        events[0].Channel.ShouldBe("ServiceWindow");
        events[^1].Data.ShouldBeOfType<AwardDecided>();
        events[^1].Actor.ShouldBe("officer-housing-007");
        events[^1].Channel.ShouldBe("OnlinePlatform");
        events.ShouldAllBe(e => e.Rule == "co-funding@1");
    }

    [Fact]
    public void the_vocabulary_names_the_kind_its_rule_its_steps_and_its_facts()
    {
        var words = CoFundingScenarioFiles.Words;

        words.Kind.Name.ShouldBe("co-funding-award");
        words.Kind.RuleId.ShouldBe("co-funding");
        CoFundingScenarioFiles.Rules.ClausesOf(words.Kind.RuleId).Select(c => c.Id).ShouldBe(
        [
            "co-funding.rule-in-force", "co-funding.built-years", "co-funding.maintenance-fund", "co-funding.renovation-vote",
            "co-funding.completed", "co-funding.audited-cost", "co-funding.one-award", "co-funding.grant.rounding",
            "co-funding.split.rounding", "co-funding.adjustment",
        ]);
        words.Steps.Keys.ShouldBe(["register", "start", "complete", "audit", "award", "settle"]);
        words.Macros.Keys.ShouldBe(["vote"]);
        words.Facts.Keys.ShouldContain("grant");
        words.Facts.Keys.ShouldContain("city-share");
        words.Facts.Keys.ShouldContain("adjustment");
    }
}

// A malformed scenario is refused with the file, the line and what is wrong, never run on a guess.
public class when_a_co_funding_scenario_is_malformed
{
    [Fact]
    public async Task an_unknown_key_of_the_compound_is_named_with_its_line()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One("", "register: { compound: { buit: 2004, fund: yes }, at: 2022-03-01 }"));

        error.File.ShouldBe(InlineCoFunding.Path);
        error.Line.ShouldBe(InlineCoFunding.WhenLine(1));
        error.Problem.ShouldContain("the register-project command cannot be made from this");
        error.Problem.ShouldContain("'buit'");
    }

    [Fact]
    public async Task an_unknown_funding_source_is_named_with_the_known_ones()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One(
            """
            register: { compound: { built: 2004, fund: yes }, funding: { lottery: 50000 } }
            """, "start: 2022-04-11"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine);
        error.Problem.ShouldContain("'lottery' is not one of");
        error.Problem.ShouldContain("maintenance-fund, compound-public-income");
    }

    [Fact]
    public async Task a_vote_outcome_that_does_not_exist_is_refused()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One("vote: maybe 120000",
            "register: { compound: { built: 2004, fund: yes }, funding: { maintenance-fund: 120000 }, at: 2022-03-01 }"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine);
        error.Problem.ShouldContain("'maybe' is not a outcome of the vote");
    }

    [Fact]
    public async Task a_full_vote_on_a_spend_the_committee_decides_is_refused_with_the_route()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One("vote: passed 40000",
            "register: { compound: { built: 2004, fund: yes }, funding: { maintenance-fund: 40000 }, at: 2022-03-01 }"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine);
        error.Problem.ShouldContain("the vote 'passed' could not be set up");
        error.Problem.ShouldContain("renovation_vote.simplified_route");
        error.Problem.ShouldContain("the owners' committee decides");
    }

    [Fact]
    public async Task a_given_step_the_decisions_refuse_is_an_error_on_its_line()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One(
            """
            register: { compound: { built: 2004, fund: yes }, at: 2022-03-01 }
            complete: 2022-09-28
            """, "audit: 781236.45"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine + 1);
        error.Problem.ShouldContain("this step of the history was refused (co_funding.not_started");
    }

    [Fact]
    public async Task a_project_that_is_never_registered_is_an_error()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One("start: 2022-04-11", "award: 2022-12-05"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine);
        error.Problem.ShouldContain("'start' acts on a co-funding-award that is not opened yet");
    }

    [Fact]
    public async Task a_step_written_before_the_registration_is_an_error()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One(
            """
            start: 2022-04-11
            register: { compound: { built: 2004, fund: yes }, at: 2022-03-01 }
            """, "award: 2022-12-05"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine);
        error.Problem.ShouldContain("'start' acts on a co-funding-award that is not opened yet");
    }

    [Fact]
    public async Task a_time_that_cannot_be_read_is_an_error()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One(
            "register: { compound: { built: 2004, fund: yes }, at: 1 March 2022 }", "start: 2022-04-11"));

        error.Line.ShouldBe(InlineCoFunding.GivenLine);
        error.Problem.ShouldContain("'1 March 2022' is not a time");
    }

    [Fact]
    public async Task a_when_section_with_two_steps_is_an_error()
    {
        var mapping = await InlineCoFunding.MalformedAsync(InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "award: 2022-12-05\nsettle: 2022-12-20"));
        var list = await InlineCoFunding.MalformedAsync(InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "- award: 2022-12-05\n- settle: 2022-12-20"));

        mapping.Line.ShouldBe(InlineCoFunding.WhenLine(7));
        mapping.Problem.ShouldContain("one step per item, not award and settle");
        list.Line.ShouldBe(InlineCoFunding.WhenLine(7));
        list.Problem.ShouldContain("'when' is one step, not a list");
    }

    [Fact]
    public async Task an_unknown_when_step_is_an_error()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One(InlineCoFunding.CamphorCourtAudited, "pay: 2022-12-05"));

        error.Line.ShouldBe(InlineCoFunding.WhenLine(7));
        error.Problem.ShouldContain("'pay' is not a step of co-funding-award; its steps are: register, start, complete, audit, award, settle, vote");
    }

    [Fact]
    public async Task registering_a_project_the_given_section_registered_is_refused_as_an_existing_case()
    {
        var twice = InlineCoFunding.One("register: { compound: { built: 2004, fund: yes }, at: 2022-03-01 }",
            "register: { compound: { built: 2004, fund: yes }, at: 2022-03-02 }", "rejected: case.already_exists");
        var twiceInTheGiven = InlineCoFunding.One(
            """
            - register: { compound: { built: 2004, fund: yes }, at: 2022-03-01 }
            - register: { compound: { built: 2004, fund: yes }, at: 2022-03-02 }
            """, "start: 2022-04-11");

        var result = await InlineCoFunding.RunAsync(twice);
        var error = await InlineCoFunding.MalformedAsync(twiceInTheGiven);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Rejection.ShouldNotBeNull().Kind.ShouldBe(RejectionKind.Conflict);
        error.Line.ShouldBe(InlineCoFunding.GivenLine + 1);
        error.Problem.ShouldContain("this step of the history was refused (case.already_exists");
    }

    [Fact]
    public async Task an_unknown_fact_in_then_is_refused_with_the_known_ones()
    {
        var error = await InlineCoFunding.MalformedAsync(InlineCoFunding.One("", "register: { compound: { built: 2004, fund: yes }, at: 2022-03-01 }",
            "winner: camphor-court"));

        error.Problem.ShouldContain("unknown expectation 'winner'");
        error.Problem.ShouldContain("grant");
    }
}
