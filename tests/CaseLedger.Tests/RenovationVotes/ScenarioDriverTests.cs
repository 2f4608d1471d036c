using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.RenovationVotes;

/// <summary>Inline renovation-vote scenarios: a file of one scenario whose sections are written as in a scenario file.</summary>
internal static class InlineVote
{
    public const string Path = "inline-renovation-vote.yaml";

    /// <summary>The line of the file on which the given section's first line stands.</summary>
    public const int GivenLine = 7;

    /// <summary>One scenario; given, when and then are indented under their keys.</summary>
    public static Scenario One(string given, string when, string then = "status: open", string rule = "rule: renovation-vote@2") =>
        ScenarioFile.Parse(Path, $"""
            topic: Inline
            kind: renovation-vote
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

    public static ScenarioResult Run(Scenario scenario) => VoteScenarioFiles.Runner.Run(scenario);

    /// <summary>Runs a scenario and expects the driver to refuse what it says.</summary>
    public static ScenarioFormatException Malformed(Scenario scenario) =>
        Should.Throw<ScenarioFormatException>(() => VoteScenarioFiles.Runner.Run(scenario));

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "      " + line));
}

// The driver reads the roll, the spend, the ballots and the when step in the rule's own words and
// runs them through the same pure decisions as the host.
public class when_running_a_renovation_vote_scenario
{
    private const string ThreeOwners =
        """
        roll:
          - A-101: alice 100
          - A-102: bob 100
          - B-201: carol, dave 100
        """;

    [Fact]
    public void a_close_reports_the_outcome_the_clauses_the_facts_and_the_stored_event_name()
    {
        var scenario = InlineVote.One(ThreeOwners + "\nballots:\n  - alice: yes\n  - B-201: dave yes", "close: at end",
            "outcome: passed\nclauses: { renovation-vote.participation.area: met }");

        var result = InlineVote.Run(scenario);

        result.Differences.ShouldBeEmpty();
        var observation = result.Observation.ShouldNotBeNull();
        observation.Rejection.ShouldBeNull();
        observation.EventTypes.ShouldBe(["renovation_vote.closed.v1"]);
        var closed = observation.Events.ShouldHaveSingleItem().ShouldBeOfType<RenovationVoteClosed>();
        closed.ClosedAt.ShouldBe(RenovationVoteScenarios.DefaultOpenedAt.AddDays(7));
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
        var scenario = InlineVote.One(ThreeOwners + "\nspend: 49999.99", "open", "route: simplified");

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
    public void ballots_without_a_time_follow_each_other_a_minute_apart_from_the_opening_of_the_window()
    {
        var scenario = InlineVote.One(ThreeOwners + "\nopens: 2024-05-07T08:00\nballots:\n  - alice: yes", "cast: bob no");

        var cast = InlineVote.Run(scenario).Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<BallotCast>();

        cast.CastAt.ShouldBe(new DateTimeOffset(2024, 5, 7, 8, 2, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public void times_may_be_written_relative_to_the_voting_window()
    {
        var scenario = InlineVote.One(ThreeOwners + "\ndays: 3", "withdraw: { voter: alice, at: end - 90 minutes }", "rejected: no_ballot");
        var cast = InlineVote.One(ThreeOwners + "\ndays: 3", "cast: { unit: B-201, voter: carol, choice: abstain, at: start + 2 days }");

        InlineVote.Run(scenario).Passed.ShouldBeTrue();
        InlineVote.Run(cast).Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<BallotCast>()
            .CastAt.ShouldBe(RenovationVoteScenarios.DefaultOpenedAt.AddDays(2));
    }

    [Fact]
    public void the_roll_may_be_written_as_a_mapping_with_areas_in_square_metres()
    {
        var scenario = InlineVote.One("roll:\n  A-101: alice 100.25 m²\n  B-201: bob, carol 80", "open", "total-area: 180.25\ntotal-owners: 2");

        var result = InlineVote.Run(scenario);

        result.Differences.ShouldBeEmpty();
        var roll = result.Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<RenovationVoteOpened>().Roll;
        roll.Select(u => $"{u.UnitId}: {string.Join(", ", u.Owners)} {u.Area}").ShouldBe(["A-101: alice 100.25", "B-201: bob, carol 80"]);
    }

    [Fact]
    public void a_scenario_under_a_proposed_version_is_decided_by_it_whatever_the_opening_date()
    {
        var scenario = InlineVote.One(ThreeOwners + "\nspend: 55000\nopened: 2022-03-01T10:00", "open", "route: simplified",
            rule: "rule: renovation-vote@3-proposed");

        var result = InlineVote.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Facts["rule"].ShouldBe("renovation-vote@3-proposed");
        result.Observation.Facts["small-project-limit"].ShouldBe("60000.00");
    }

    [Fact]
    public void a_scenario_that_names_a_date_is_opened_that_day()
    {
        var scenario = InlineVote.One(ThreeOwners, "open", "rule: renovation-vote@1", rule: "date: 2020-12-31");

        var result = InlineVote.Run(scenario);

        result.Differences.ShouldBeEmpty();
        result.Observation!.Events.ShouldHaveSingleItem().ShouldBeOfType<RenovationVoteOpened>()
            .OpenedAt.ShouldBe(new DateTimeOffset(2020, 12, 31, 9, 0, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public void a_then_that_does_not_hold_is_reported_as_a_difference()
    {
        var scenario = InlineVote.One(ThreeOwners + "\nballots:\n  - alice: yes", "close",
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
    public void an_unknown_given_key_is_named_with_its_line()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100\nspned: 45000", "close");

        var error = InlineVote.Malformed(scenario);

        error.File.ShouldBe(InlineVote.Path);
        error.Line.ShouldBe(InlineVote.GivenLine + 2);
        error.Problem.ShouldStartWith("scenarios[0].given.spned: unknown key 'spned'");
    }

    [Fact]
    public void a_roll_line_without_an_area_says_how_to_write_it()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100\n  - A-102: bob", "open");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 2);
        error.Problem.ShouldContain("unit A-102: write the owner (co-owners separated by commas) and then the area in m²");
    }

    [Fact]
    public void an_area_that_is_not_a_number_is_refused()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice lots", "open");

        InlineVote.Malformed(scenario).Problem.ShouldContain("'lots' is not an area in m²");
    }

    [Fact]
    public void an_unknown_ballot_choice_is_named()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100\nballots:\n  - alice: maybe", "close");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 3);
        error.Problem.ShouldBe("scenarios[0].given.ballots[0]: 'maybe' is not a ballot; a ballot is yes, no, abstain or withdraw");
    }

    [Fact]
    public void a_ballot_by_an_owner_of_several_units_must_name_the_unit()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100\n  - A-102: alice 50", "cast: alice yes");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 4);
        error.Problem.ShouldContain("'alice' holds A-101, A-102; name the unit the ballot is for");
    }

    [Fact]
    public void a_given_step_the_rules_refuse_is_an_error_on_its_line()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100\nballots:\n  - alice: yes\n  - A-101: mallory no", "close");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 4);
        error.Problem.ShouldContain("this step of the history was refused (renovation_vote.not_owner");
    }

    [Fact]
    public void a_vote_that_cannot_be_opened_in_the_given_is_an_error_on_the_given()
    {
        var scenario = InlineVote.One("roll: []", "close");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine);
        error.Problem.ShouldContain("renovation_vote.roll_empty");
    }

    [Fact]
    public void a_time_that_cannot_be_read_says_how_times_are_written()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100", "cast: alice yes at noonish");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 3);
        error.Problem.ShouldContain("'noonish' is not a time; write 2024-05-03T10:00, or start or end of the voting window");
    }

    [Fact]
    public void an_unknown_when_step_lists_the_known_ones()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100", "tally: now");

        InlineVote.Malformed(scenario).Problem.ShouldContain("unknown step 'tally'; the when step is one of: open, close, cast, withdraw, committee");
    }

    [Fact]
    public void an_opening_when_step_takes_no_ballots_in_the_given()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100\nballots:\n  - alice: yes", "open");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 3);
        error.Problem.ShouldContain("given holds only the vote to open");
    }

    [Fact]
    public void an_opening_on_another_day_than_the_scenario_date_is_refused()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100\nopened: 2021-01-01T09:00", "open", rule: "date: 2020-12-31");

        var error = InlineVote.Malformed(scenario);

        error.Line.ShouldBe(InlineVote.GivenLine + 2);
        error.Problem.ShouldContain("the vote must be opened that day (China time)");
    }

    [Fact]
    public void closes_and_days_together_are_refused()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100\ncloses: 2024-05-20T09:00\ndays: 3", "close");

        InlineVote.Malformed(scenario).Problem.ShouldContain("give either 'closes' (a time) or 'days' (the window's length), not both");
    }

    [Fact]
    public void an_unknown_fact_in_then_is_refused_with_the_known_ones()
    {
        var scenario = InlineVote.One("roll:\n  - A-101: alice 100", "open", "verdict: passed");

        InlineVote.Malformed(scenario).Problem.ShouldContain("unknown expectation 'verdict'");
    }
}
