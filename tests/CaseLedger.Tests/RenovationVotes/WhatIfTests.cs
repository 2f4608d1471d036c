using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Http;
using CaseLedger.Rules;
using static CaseLedger.Cases.RenovationVotes.BallotChoice;

namespace CaseLedger.Tests.RenovationVotes;

// What-if replays re-decide a vote's recorded route and count under a proposed rule version, with
// the recorded amount, ballots and times, and say which clauses would change.
public class when_replaying_a_vote_under_a_proposed_rule
{
    private static readonly RenovationVoteWhatIf Replay = new();

    private static RuleVersion Proposed => VoteScenarioFiles.Rules.Get(RenovationVoteRules.RuleId, "3-proposed");

    /// <summary>A proposal that asks three-quarters of the participants to consent, as the Civil Code does for raising a fund.</summary>
    private static RuleVersion ThreeQuarters { get; } = new RuleBook.Builder().AddDefault().AddJson(
        """
        {
          "rules": {
            "renovation-vote": [
              {
                "version": "4-proposed", "effectiveFrom": "2027-01-01", "proposed": true,
                "parameters": {
                  "participationByArea": "at least 2/3", "participationByHeadcount": "at least 2/3",
                  "consentBasis": "participants", "consentByArea": "at least 3/4", "consentByHeadcount": "at least 3/4",
                  "smallProjectLimit": 50000.00
                }
              }
            ]
          }
        }
        """, "inline").Build().Get(RenovationVoteRules.RuleId, "4-proposed");

    /// <summary>Six owners of 100 m²: four take part, three say yes, one says no; closed at the end of the window.</summary>
    private static VoteScenario ClosedSixOwnerVote(decimal spend) =>
        VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C", "D", "E", "F")
            .Spending(spend)
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D")
            .Closed();

    [Fact]
    public void a_55000_yuan_full_vote_would_go_to_the_owners_committee_under_a_60000_yuan_limit()
    {
        var vote = ClosedSixOwnerVote(55_000.00m);

        var replayed = Replay.Replay(vote.VoteId, "yuelu", vote.History, Proposed).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Passed");
        replayed.ProposedOutcome.ShouldBe("Simplified");
        replayed.ChangedClauses.ShouldBe([OpeningAVote.SmallProjectLimitClause]);
        replayed.Amount.ShouldBe(55_000.00m);
        replayed.ProposedAmount.ShouldBe(0m);
        replayed.Changed.ShouldBeTrue();
        replayed.Summary.ShouldContain("full vote passed under renovation-vote@2");
        replayed.Summary.ShouldContain("under renovation-vote@3-proposed: simplified route: the owners' committee would decide");
    }

    [Fact]
    public void a_vote_the_proposal_would_decide_the_same_way_is_reported_unchanged()
    {
        var vote = ClosedSixOwnerVote(120_000.00m);

        var replayed = Replay.Replay(vote.VoteId, "yuelu", vote.History, Proposed).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Passed");
        replayed.ProposedOutcome.ShouldBe("Passed");
        replayed.ChangedClauses.ShouldBeEmpty();
        replayed.ProposedAmount.ShouldBe(120_000.00m);
        replayed.Changed.ShouldBeFalse();
    }

    [Fact]
    public void a_vote_that_passed_would_fail_if_three_quarters_of_the_participants_had_to_consent()
    {
        var vote = ClosedSixOwnerVote(120_000.00m);

        var replayed = Replay.Replay(vote.VoteId, "yuelu", vote.History, ThreeQuarters).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Passed");
        replayed.ProposedOutcome.ShouldBe("Passed", "three of four participants is exactly 3/4, which 'at least 3/4' accepts");

        var narrower = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C", "D", "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D", "E")
            .Closed();
        var failed = Replay.Replay(narrower.VoteId, "yuelu", narrower.History, ThreeQuarters).ShouldNotBeNull();

        failed.Outcome.ShouldBe("Passed");
        failed.ProposedOutcome.ShouldBe("Failed");
        failed.ChangedClauses.ShouldBe([Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause]);
        failed.Amount.ShouldBe(120_000.00m);
        failed.ProposedAmount.ShouldBe(0m);
    }

    [Fact]
    public void a_vote_that_failed_under_the_old_rule_would_pass_under_the_civil_code()
    {
        var vote = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C", "D", "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D")
            .Closed();

        var replayed = Replay.Replay(vote.VoteId, "yuelu", vote.History, TheRules.Book.Get(RenovationVoteRules.RuleId, "2")).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Failed");
        replayed.ProposedOutcome.ShouldBe("Passed");
        replayed.ChangedClauses.ShouldBe([Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause]);
        replayed.Amount.ShouldBe(0m);
        replayed.ProposedAmount.ShouldBe(120_000.00m);
    }

    [Fact]
    public void a_committee_decision_on_a_spend_the_proposal_keeps_on_the_simplified_route_is_unchanged()
    {
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B").Spending(45_000.00m).Opened().CommitteeDecided(approved: true);

        var replayed = Replay.Replay(vote.VoteId, "yuelu", vote.History, Proposed).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Passed");
        replayed.ProposedOutcome.ShouldBe("Passed");
        replayed.Changed.ShouldBeFalse();
    }

    [Fact]
    public void a_committee_decision_would_need_a_full_vote_under_a_lower_limit()
    {
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B").Spending(45_000.00m).Opened().CommitteeDecided(approved: true);

        var replayed = Replay.Replay(vote.VoteId, "yuelu", vote.History, TheRules.Book.Get(RenovationVoteRules.RuleId, "1")).ShouldNotBeNull();

        replayed.ProposedOutcome.ShouldBe("FullVote");
        replayed.ChangedClauses.ShouldBe([OpeningAVote.SmallProjectLimitClause]);
    }

    [Fact]
    public void a_vote_still_open_is_replayed_for_its_route_only()
    {
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B").Spending(55_000.00m).Opened().Voted(Yes, "A");

        var replayed = Replay.Replay(vote.VoteId, "yuelu", vote.History, Proposed).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Open");
        replayed.ProposedOutcome.ShouldBe("Simplified");
        replayed.Amount.ShouldBe(0m);
    }

    [Fact]
    public void a_vote_recorded_before_the_route_was_a_clause_is_replayed_from_its_amount_and_rule()
    {
        var vote = ClosedSixOwnerVote(55_000.00m);
        var history = vote.History.Select(e => e is RenovationVoteOpened opened ? opened with { Criteria = null } : e).ToList();

        var replayed = Replay.Replay(vote.VoteId, "yuelu", history, Proposed).ShouldNotBeNull();

        replayed.ChangedClauses.ShouldBe([OpeningAVote.SmallProjectLimitClause]);
    }

    [Fact]
    public void a_stream_without_an_opening_is_not_a_decided_vote()
    {
        Replay.Replay(Guid.NewGuid(), "yuelu", [], Proposed).ShouldBeNull();
    }

    [Fact]
    public void the_kind_offers_its_driver_and_its_replay()
    {
        var kind = new RenovationVoteKind();

        kind.ScenarioDriver.ShouldBeOfType<RenovationVoteScenarios>().Kind.ShouldBe(kind.Name);
        kind.WhatIf.ShouldBeOfType<RenovationVoteWhatIf>().RuleId.ShouldBe(RenovationVoteRules.RuleId);
    }
}

// The route clause was added to the opening event later; events stored before it still read.
public class when_reading_a_vote_opened_before_the_route_was_a_clause
{
    [Fact]
    public void an_opening_event_without_criteria_deserializes_with_none()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        CaseLedgerJson.Configure(options);
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B").Opened();
        var stored = JsonNode.Parse(JsonSerializer.Serialize(vote.History[0], options))!.AsObject();
        stored.Remove("criteria").ShouldBeTrue();

        var read = JsonSerializer.Deserialize<RenovationVoteOpened>(stored, options).ShouldNotBeNull();

        read.Criteria.ShouldBeNull();
        read.Route.ShouldBe(VotingRoute.FullVote);
        read.Rules.ShouldBe(TheRules.CivilCode);
    }
}
