using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Scenarios;
using CaseLedger.Tests.Scenarios;

namespace CaseLedger.Tests.RenovationVotes;

/// <summary>Inline renovation-vote scenarios: a file of one scenario whose sections are written as in a scenario file.</summary>
internal static class InlineVote
{
    public const string Path = "inline-renovation-vote.yaml";

    /// <summary>The line of the file on which the given section's first line stands.</summary>
    public const int GivenLine = InlineScenario.GivenLine;

    /// <summary>A Monday morning in Changsha: the vocabulary's start, when a scenario names no time.</summary>
    public static readonly DateTimeOffset Start = new(2024, 5, 6, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>One scenario; given, when and then are indented under their keys.</summary>
    public static Scenario One(string given, string when, string then = "status: open", string rule = "rule: renovation-vote@2") =>
        InlineScenario.One(Path, "renovation-vote", rule, given, when, then);

    public static ScenarioResult Run(Scenario scenario) => VoteScenarioFiles.Runner.RunAsync(scenario).GetAwaiter().GetResult();

    /// <summary>Runs a scenario and expects the engine to refuse what it says, naming the line.</summary>
    public static ScenarioFormatException Malformed(Scenario scenario) =>
        Should.Throw<ScenarioFormatException>(() => VoteScenarioFiles.Runner.CheckAsync(scenario).GetAwaiter().GetResult());
}

// The vote's steps are its own commands, written in the words of its vocabulary
// (renovation-vote.scenarios.yaml) and run through the command pipeline.
public class when_running_a_renovation_vote_scenario
{
    private const string ThreeOwners =
        """
        - open:
            roll:
              - A-101: alice 100
              - A-102: bob 100
              - B-201: carol, dave 100
        """;

    [Fact]
    public void a_close_reports_the_outcome_the_clauses_the_facts_and_the_stored_event_name()
    {
        var scenario = InlineVote.One(ThreeOwners + "\n- cast: alice yes\n- cast: B-201 dave yes", "close: end",
            "outcome: passed\nclauses: { renovation-vote.participation.area: met }");

        var result = InlineVote.Run(scenario);

        result.Differences.ShouldBeEmpty();
        var observation = result.Observation.ShouldNotBeNull();
        observation.Rejection.ShouldBeNull();
        observation.EventTypes.ShouldBe(["renovation_vote.closed.v1"]);
        var closed = observation.Events.ShouldHaveSingleItem().ShouldBeOfType<RenovationVoteClosed>();
        closed.ClosedAt.ShouldBe(InlineVote.Start.AddDays(7));
        observation.Clauses.Select(c => c.Clause).ShouldBe(
        [
            Counting.ParticipationByAreaClause, Counting.ParticipationByHeadcountClause,
            Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause,
        ]);
        observation.Facts["outcome"].ShouldBe("Passed");
        observation.Facts["total-owners"].ShouldBe("3");
        observation.Facts["participating-area"].ShouldBe("200.00");
        observation.Facts["rule"].ShouldBe("renovation-vote@2");
    }

    [Fact]
    public void opening_records_the_route_as_the_small_project_limit_clause()
    {
        var scenario = InlineVote.One("", "open:\n  roll: [A-101: alice 100]\n  spend: 49999.99", "route: simplified");

        var observation = InlineVote.Run(scenario).Observation.ShouldNotBeNull();

        var opened = observation.Events.ShouldHaveSingleItem().ShouldBeOfType<RenovationVoteOpened>();
        opened.Route.ShouldBe(VotingRoute.Simplified);
        var clause = observation.Clauses.ShouldHaveSingleItem();
        clause.Clause.ShouldBe(OpeningAVote.SmallProjectLimitClause);
        clause.Met.ShouldBeTrue();
        clause.Detail.ShouldContain("49,999.99 yuan is below 50,000.00 yuan");
    }

    [Fact]
    public void a_refused_when_step_is_the_observation()
    {
        var scenario = InlineVote.One(ThreeOwners, "cast: A-101 mallory yes", "rejected: not_owner");

        var result = InlineVote.Run(scenario);

        result.Passed.ShouldBeTrue();
        result.Observation!.Rejection!.Code.ShouldBe("renovation_vote.not_owner");
        result.Observation.Events.ShouldBeEmpty();
    }

    [Fact]
    public void steps_without_a_time_follow_each_other_a_minute_apart()
    {
        var scenario = InlineVote.One(ThreeOwners + "\n  at: 2024-05-07T08:00\n- cast: alice yes", "cast: bob no");

        var cast = InlineVote.Run(scenario).Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<BallotCast>();

        cast.CastAt.ShouldBe(new DateTimeOffset(2024, 5, 7, 8, 2, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public void times_may_be_written_relative_to_the_voting_window()
    {
        var scenario = InlineVote.One(ThreeOwners + "\n    days: 3", "withdraw: { voter: alice, at: end - 90 minutes }", "rejected: no_ballot");
        var cast = InlineVote.One(ThreeOwners + "\n    days: 3", "cast: { unit: B-201, voter: carol, choice: abstain }\nat: start + 2 days");
        var inline = InlineVote.One(ThreeOwners, "cast: bob yes at end - 1 minute");

        InlineVote.Run(scenario).Passed.ShouldBeTrue();
        InlineVote.Run(cast).Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<BallotCast>()
            .CastAt.ShouldBe(InlineVote.Start.AddDays(2));
        InlineVote.Run(inline).Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<BallotCast>()
            .CastAt.ShouldBe(InlineVote.Start.AddDays(7).AddMinutes(-1));
    }

    [Fact]
    public void the_roll_may_be_written_as_a_mapping_with_areas_in_square_metres()
    {
        var scenario = InlineVote.One("", "open:\n  roll:\n    A-101: alice 100.25 m²\n    B-201: bob, carol 80", "total-area: 180.25\ntotal-owners: 2");

        var result = InlineVote.Run(scenario);

        result.Differences.ShouldBeEmpty();
        var roll = result.Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<RenovationVoteOpened>().Roll;
        roll.Select(u => $"{u.UnitId}: {string.Join(", ", u.Owners)} {u.Area}").ShouldBe(["A-101: alice 100.25", "B-201: bob, carol 80"]);
    }

    [Fact]
    public void a_list_under_a_step_in_a_given_mapping_is_that_step_once_per_item()
    {
        var scenario = InlineVote.One("open: { roll: [A-101: alice 100, A-102: bob 100, A-103: carol 100] }\ncast: [alice yes, bob yes, carol no]",
            "close", "outcome: passed\nconsenting-owners: 2\nopposing-owners: 1");

        InlineVote.Run(scenario).Differences.ShouldBeEmpty();
    }

    [Fact]
    public void a_scenario_under_a_proposed_version_is_decided_by_it_whatever_the_opening_date()
    {
        var scenario = InlineVote.One("", "open: { roll: [A-101: alice 100], spend: 55000 }\nat: 2022-03-01T10:00", "route: simplified",
            rule: "rule: renovation-vote@3-proposed");

        var result = InlineVote.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Facts["rule"].ShouldBe("renovation-vote@3-proposed");
        result.Observation.Facts["small-project-limit"].ShouldBe("60000.00");
    }

    [Fact]
    public void a_scenario_that_names_a_date_is_opened_that_day()
    {
        var scenario = InlineVote.One("", "open: { roll: [A-101: alice 100] }", "rule: renovation-vote@1", rule: "date: 2020-12-31");

        var result = InlineVote.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<RenovationVoteOpened>()
            .OpenedAt.ShouldBe(new DateTimeOffset(2020, 12, 31, 9, 0, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public async Task who_acts_is_recorded_as_the_step_says()
    {
        var scenario = InlineVote.One(ThreeOwners, "cast: bob no\nas: { actor: staff-help-7, channel: proxy, for: bob }");
        var runner = VoteScenarioFiles.Runner;
        var (rules, start) = runner.RulesFor(scenario);
        var ledger = new InMemoryScenarioLedger(new CaseLedger.Core.InMemoryLedger(runner.Engine.Kinds, rules));

        (await runner.Engine.RunAsync(scenario, ledger, rules, start, "acting")).Rejection.ShouldBeNull();

        var events = ledger.Ledger.Events("acting", ledger.Ledger.Cases("acting").ShouldHaveSingleItem());
        var opened = events[0];
        opened.Actor.ShouldBe("scenario-clerk");
        opened.Channel.ShouldBe("ServiceWindow");
        var cast = events[^1];
        cast.Data.ShouldBeOfType<BallotCast>().VoterId.ShouldBe("bob");
        cast.Actor.ShouldBe("staff-help-7");
        cast.Channel.ShouldBe("Proxy");
        cast.OnBehalfOf.ShouldBe("bob");
        cast.Rule.ShouldBe("renovation-vote@2");
    }

    [Fact]
    public void a_then_that_does_not_hold_is_reported_as_a_difference()
    {
        var scenario = InlineVote.One(ThreeOwners + "\n- cast: alice yes", "close",
            "outcome: passed\nclauses: { renovation-vote.participation.headcount: met }");

        var result = InlineVote.Run(scenario);

        result.Passed.ShouldBeFalse();
        result.Differences.ShouldBe(
        [
            "expected outcome: passed, was Failed",
            "clause renovation-vote.participation.headcount: expected met, was not met (1 of 3 owners (33.33%))",
        ]);
    }
}

// Malformed scenarios are reported with the file, the line and what is wrong.
public class when_a_renovation_vote_scenario_is_malformed
{
    [Fact]
    public void an_unknown_step_is_named_with_its_line_and_the_known_steps()
    {
        var scenario = InlineVote.One("- open: { roll: [A-101: alice 100] }\n- spned: 45000", "close");

        var error = InlineVote.Malformed(scenario);

        error.File.ShouldBe(InlineVote.Path);
        error.Line.ShouldBe(InlineVote.GivenLine + 1);
        error.Problem.ShouldContain("'spned' is not a step of renovation-vote; its steps are: open, cast, withdraw, close, committee");
    }

    [Fact]
    public void a_given_step_dated_before_the_step_above_it_is_named()
    {
        var scenario = InlineVote.One("- open: { roll: [A-101: alice 100, A-102: bob 100] }\n  at: 2024-05-07T08:00\n- cast: alice yes\n  at: 2024-05-07T07:59",
            "cast: bob no");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 2);
        error.Problem.ShouldContain("before the step above it (2024-05-07T08:00:00+08:00)");
    }

    [Fact]
    public void a_roll_line_without_an_area_says_how_to_write_it()
    {
        var scenario = InlineVote.One("", "open:\n  roll:\n    - A-101: alice 100\n    - A-102: bob");

        var error = InlineVote.Malformed(scenario);

        error.Problem.ShouldContain("'A-102: bob' is not written as '{unitId}: {ownerId}[, {coOwnerIds,}] {area}[ m²]'");
    }

    [Fact]
    public void an_area_that_is_not_a_number_is_refused()
    {
        var scenario = InlineVote.One("", "open: { roll: [A-101: alice lots] }");

        InlineVote.Malformed(scenario).Problem.ShouldContain("roll[].area: 'lots' is not a number");
    }

    [Fact]
    public void an_unknown_ballot_choice_is_named()
    {
        var scenario = InlineVote.One("- open: { roll: [A-101: alice 100] }\n- cast: alice maybe", "close");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 1);
        error.Problem.ShouldContain("choice: 'maybe' is not one of: yes, no, abstain");
    }

    [Fact]
    public void a_ballot_by_an_owner_of_several_units_must_name_the_unit()
    {
        var scenario = InlineVote.One("- open: { roll: [A-101: alice 100, A-102: alice 50] }", "cast: alice yes");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 2);
        error.Problem.ShouldContain("alice holds 2 units (A-101, A-102): name the one voted for, e.g. 'A-101 alice yes'");
    }

    [Fact]
    public void a_given_step_the_rules_refuse_is_an_error_on_its_line()
    {
        var scenario = InlineVote.One("- open: { roll: [A-101: alice 100] }\n- cast: alice yes\n- cast: A-101 mallory no", "close");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 2);
        error.Problem.ShouldContain("this step of the history was refused (renovation_vote.not_owner");
    }

    [Fact]
    public void a_vote_that_cannot_be_opened_in_the_given_is_an_error_on_its_line()
    {
        var scenario = InlineVote.One("- open: { roll: [] }", "close");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine);
        error.Problem.ShouldContain("renovation_vote.roll_empty");
    }

    [Fact]
    public void a_time_that_cannot_be_read_says_how_times_are_written()
    {
        var scenario = InlineVote.One("- open: { roll: [A-101: alice 100] }", "cast: alice yes at noonish");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 2);
        error.Problem.ShouldContain("'noonish' is not a time; write a time such as 2024-05-06T09:00 or one of: start, end");
    }

    [Fact]
    public void a_step_on_a_vote_not_yet_opened_is_refused()
    {
        var scenario = InlineVote.One("- cast: alice yes", "close");

        InlineVote.Malformed(scenario).Problem.ShouldContain("'cast' acts on a renovation-vote that is not opened yet");
    }

    [Fact]
    public void an_opening_on_another_day_than_the_scenario_date_is_refused()
    {
        var scenario = InlineVote.One("", "open: { roll: [A-101: alice 100] }\nat: 2021-01-01T09:00", rule: "date: 2020-12-31");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 2);
        error.Problem.ShouldContain("its case must be opened that day (civil time)");
    }

    [Fact]
    public void closes_and_days_together_are_refused()
    {
        var scenario = InlineVote.One("", "open: { roll: [A-101: alice 100], closes: 2024-05-20T09:00, days: 3 }");

        InlineVote.Malformed(scenario).Problem.ShouldContain("give one of 'closes' or 'days', not more");
    }

    [Fact]
    public void an_unknown_fact_in_then_is_refused_with_the_known_ones()
    {
        var scenario = InlineVote.One("", "open: { roll: [A-101: alice 100] }", "winner: alice");

        InlineVote.Malformed(scenario).Problem.ShouldContain("unknown expectation 'winner'");
    }
}
