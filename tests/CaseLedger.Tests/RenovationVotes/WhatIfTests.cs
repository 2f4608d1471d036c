using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using static CaseLedger.Cases.RenovationVotes.BallotChoice;

namespace CaseLedger.Tests.RenovationVotes;

// What-if replays re-decide a vote's recorded route and count under a proposed rule version, with
// the recorded amount, ballots and times, and say which clauses would change.
public class when_replaying_a_vote_under_a_proposed_rule
{
    private static readonly Vocabulary Words = Vocabulary.Of(new RenovationVoteKind());

    private static RuleVersion Proposed => VoteScenarioFiles.Rules.Get(RenovationVoteRules.RuleId, "3-proposed");

    private static WhatIfCase? Replay(VoteScenario vote, RuleVersion proposed, IReadOnlyList<RecordedEvent>? history = null) =>
        WhatIf.ReplayAsync(Words, TheRules.Book, proposed, "fixture", vote.VoteId, history ?? vote.Recorded).GetAwaiter().GetResult();

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
    public void a_version_of_another_rule_is_refused_rather_than_reported_unchanged()
    {
        var vote = ClosedSixOwnerVote(55_000.00m);
        var otherRule = TheRules.Book.All.First(v => v.Id != RenovationVoteRules.RuleId);

        Should.Throw<ArgumentException>(() => Replay(vote, otherRule)).Message.ShouldContain($"not '{otherRule.Id}'");
    }

    [Fact]
    public void a_55000_yuan_full_vote_would_go_to_the_owners_committee_under_a_60000_yuan_limit()
    {
        var vote = ClosedSixOwnerVote(55_000.00m);

        var replayed = Replay(vote, Proposed).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Passed");
        replayed.ProposedOutcome.ShouldBe("Open (Simplified)", "the owners' committee would decide; the replayed ballots and close are refused");
        replayed.Refusals.ShouldContain("renovation_vote.simplified_route");
        replayed.ChangedClauses.ShouldBe([OpeningAVote.SmallProjectLimitClause]);
        replayed.Amount.ShouldBe(55_000.00m);
        replayed.ProposedAmount.ShouldBe(0m);
        replayed.Changed.ShouldBeTrue();
        replayed.Summary.ShouldContain("Passed under renovation-vote@2");
        replayed.Summary.ShouldContain("Open (Simplified) under renovation-vote@3-proposed");
    }

    [Fact]
    public void a_vote_the_proposal_would_decide_the_same_way_is_reported_unchanged()
    {
        var vote = ClosedSixOwnerVote(120_000.00m);

        var replayed = Replay(vote, Proposed).ShouldNotBeNull();

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

        var replayed = Replay(vote, ThreeQuarters).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Passed");
        replayed.ProposedOutcome.ShouldBe("Passed", "three of four participants is exactly 3/4, which 'at least 3/4' accepts");

        var narrower = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C", "D", "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D", "E")
            .Closed();
        var failed = Replay(narrower, ThreeQuarters).ShouldNotBeNull();

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

        var replayed = Replay(vote, TheRules.Book.Get(RenovationVoteRules.RuleId, "2")).ShouldNotBeNull();

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

        var replayed = Replay(vote, Proposed).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Passed");
        replayed.ProposedOutcome.ShouldBe("Passed");
        replayed.Changed.ShouldBeFalse();
    }

    [Fact]
    public void a_committee_decision_would_need_a_full_vote_under_a_lower_limit()
    {
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B").Spending(45_000.00m).Opened().CommitteeDecided(approved: true);

        var replayed = Replay(vote, TheRules.Book.Get(RenovationVoteRules.RuleId, "1")).ShouldNotBeNull();

        replayed.ProposedOutcome.ShouldBe("Open (FullVote)", "the owners would vote; the committee's decision is refused");
        replayed.Refusals.ShouldBe(["renovation_vote.full_vote_route"]);
        replayed.ChangedClauses.ShouldBe([OpeningAVote.SmallProjectLimitClause]);
    }

    [Fact]
    public void a_vote_still_open_is_replayed_for_its_route_only()
    {
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B").Spending(55_000.00m).Opened().Voted(Yes, "A");

        var replayed = Replay(vote, Proposed).ShouldNotBeNull();

        replayed.Outcome.ShouldBe("Open (FullVote)");
        replayed.ProposedOutcome.ShouldBe("Open (Simplified)");
        replayed.Amount.ShouldBe(0m);
    }

    [Fact]
    public void a_vote_recorded_before_the_route_was_a_clause_is_replayed_from_its_amount_and_rule()
    {
        var vote = ClosedSixOwnerVote(55_000.00m);
        var history = vote.Recorded.Select(e => e.Data is RenovationVoteOpened opened ? e with { Data = opened with { Criteria = null } } : e).ToList();

        var replayed = Replay(vote, Proposed, history).ShouldNotBeNull();

        replayed.ChangedClauses.ShouldBe([OpeningAVote.SmallProjectLimitClause]);
    }

    [Fact]
    public async Task a_case_without_events_is_not_replayed()
    {
        (await WhatIf.ReplayAsync(Words, TheRules.Book, Proposed, "fixture", Guid.NewGuid(), [])).ShouldBeNull();
    }

    [Fact]
    public void every_decision_of_the_vote_can_be_rebuilt_from_what_it_recorded()
    {
        var kind = new RenovationVoteKind();

        kind.Commands.ShouldAllBe(c => c.ReplayedFrom.Count == 1);
        Words.WhatIfOutcome.ShouldBe("verdict");
        Words.WhatIfAmount.ShouldBe("approved-spend");
    }
}

// The route clause was added to the opening event later; events stored before it still read.
public class when_reading_a_vote_opened_before_the_route_was_a_clause
{
    [Fact]
    public void an_opening_event_without_criteria_deserializes_with_none()
    {
        var options = CaseJson.Options;
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B").Opened();
        var stored = JsonNode.Parse(JsonSerializer.Serialize(vote.History[0], options))!.AsObject();
        stored.Remove("criteria").ShouldBeTrue();

        var read = JsonSerializer.Deserialize<RenovationVoteOpened>(stored, options).ShouldNotBeNull();

        read.Criteria.ShouldBeNull();
        read.Route.ShouldBe(VotingRoute.FullVote);
        read.Rules.ShouldBe(TheRules.CivilCode);
    }
}
