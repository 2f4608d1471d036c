using System.Text.Json;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using static CaseLedger.Cases.RenovationVotes.BallotChoice;

namespace CaseLedger.Tests.RenovationVotes;

// The tally is the vote's state and its read model: folded from the events alone, one document.
public class when_following_the_tally
{
    private static VoteScenario AVoteUnderWay() =>
        VoteScenario.UnderTheCivilCode()
            .Owner("A", 80.50m, 60.25m)
            .Unit("201", 99.99m, "X", "Y")
            .Owners(100.00m, "B", "C", "D")
            .Opened()
            .Voted(Yes, "A", "X")
            .Voted(Abstain, "B")
            .Voted(No, "C")
            .Voted(Yes, "C")
            .Withdrew("B");

    [Fact]
    public void the_tally_counts_each_members_last_ballot_once_and_is_the_state_the_decisions_read()
    {
        var vote = AVoteUnderWay();

        var tally = vote.Tally;

        // A's two units count once (140.75 m²), X and Y's unit once (99.99 m²), C's change of mind
        // once (100 m²); B's abstention was withdrawn.
        tally.Count.ShouldBe(new VoteCount(TotalArea: 540.74m, TotalMembers: 5, YesArea: 340.74m, YesMembers: 3, NoArea: 0m, NoMembers: 0,
            AbstainArea: 0m, AbstainMembers: 0));
        tally.Units.ShouldBe(vote.Roll.Count);
        tally.BallotEvents.ShouldBe(6);
        var kind = new RenovationVoteKind();
        kind.StateType.ShouldBe(typeof(VoteTally));
        kind.MainView.Type.ShouldBe(kind.StateType, "the decisions read the tally people see: one document per vote");
    }

    [Fact]
    public void the_state_folded_from_the_history_in_one_go_is_the_state_built_step_by_step()
    {
        var vote = AVoteUnderWay();

        var folded = Fold.Events<VoteTally>(VoteTallyProjection.Evolve, vote.History).ShouldNotBeNull();

        JsonSerializer.Serialize(folded, CaseJson.Options).ShouldBe(JsonSerializer.Serialize(vote.State with { Version = 0 }, CaseJson.Options));
        var standings = vote.History.SelectMany(RenovationVoteProjection.BallotDocuments).GroupBy(m => m.Id).Select(g => g.Last()).ToList();
        standings.Count.ShouldBe(vote.Roll.Count);
        standings.ShouldAllBe(m => vote.Standing(m.UnitId) == m);
    }

    [Fact]
    public void every_ballot_event_is_counted_changes_and_withdrawals_included()
    {
        var vote = AVoteUnderWay();

        vote.Tally.BallotEvents.ShouldBe(vote.History.Count(e => e is BallotCast or BallotWithdrawn));
        vote.Tally.BallotEvents.ShouldBe(6);
    }

    [Fact]
    public void the_tally_shows_the_rule_the_vote_was_opened_with()
    {
        var vote = AVoteUnderWay();

        var tally = vote.Tally;

        tally.Id.ShouldBe(vote.VoteId);
        tally.Rule.ShouldBe(TheRules.CivilCode.Rule);
        tally.Rules.ShouldBe(TheRules.CivilCode);
        tally.Route.ShouldBe(VotingRoute.FullVote);
        tally.OpensAt.ShouldBe(vote.OpensAt);
        tally.ClosesAt.ShouldBe(vote.ClosesAt);
        tally.OpenedThrough.ShouldBe(Channel.OnlinePlatform);
        tally.Status.ShouldBe(VoteStatus.Open);
    }

    [Fact]
    public void the_verdict_so_far_follows_the_ballots_as_they_arrive()
    {
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C").Opened();
        vote.Tally.VerdictSoFar.ShouldBe(VoteOutcome.Failed);

        vote.Voted(Yes, "A");
        vote.Tally.VerdictSoFar.ShouldBe(VoteOutcome.Failed);

        vote.Voted(Yes, "B");
        vote.Tally.VerdictSoFar.ShouldBe(VoteOutcome.Passed);

        vote.Voted(No, "C");
        vote.Tally.VerdictSoFar.ShouldBe(VoteOutcome.Passed);

        vote.Voted(No, "B");
        vote.Tally.VerdictSoFar.ShouldBe(VoteOutcome.Failed);

        vote.Withdrew("C");
        vote.Tally.VerdictSoFar.ShouldBe(VoteOutcome.Failed);
        vote.Tally.CriteriaSoFar.Clause(Counting.ParticipationByHeadcountClause).Met.ShouldBeTrue();
        vote.Tally.CriteriaSoFar.Clause(Counting.ConsentByHeadcountClause).Met.ShouldBeFalse();
    }

    [Fact]
    public void the_criteria_so_far_are_what_a_close_now_would_decide()
    {
        var vote = AVoteUnderWay();
        var soFar = vote.Tally;

        var closed = vote.Close().ShouldCloseTheVote();

        soFar.CriteriaSoFar.ShouldBe(closed.Criteria);
        soFar.VerdictSoFar.ShouldBe(closed.Outcome);
    }

    [Fact]
    public void there_is_no_final_outcome_before_the_close()
    {
        var tally = AVoteUnderWay().Tally;

        tally.FinalOutcome.ShouldBeNull();
        tally.FinalReasons.ShouldBeEmpty();
        tally.DecidedAt.ShouldBeNull();
    }

    [Fact]
    public void the_final_outcome_and_its_reasons_are_set_when_the_vote_closes()
    {
        var vote = AVoteUnderWay();

        var closed = vote.Close().ShouldCloseTheVote();

        var tally = vote.Tally;
        tally.Status.ShouldBe(VoteStatus.Decided);
        tally.FinalOutcome.ShouldBe(closed.Outcome);
        tally.FinalReasons.ShouldBe(closed.Criteria);
        tally.DecidedAt.ShouldBe(vote.ClosesAt);
    }

    [Fact]
    public void every_criterion_names_its_clause()
    {
        var vote = AVoteUnderWay();
        vote.Close();
        var tally = vote.Tally;

        tally.CriteriaSoFar.Select(c => c.Clause).ShouldBe(tally.FinalReasons.Select(c => c.Clause));
        tally.FinalReasons.Select(c => c.Clause).ShouldBe([
            Counting.ParticipationByAreaClause,
            Counting.ParticipationByHeadcountClause,
            Counting.ConsentByAreaClause,
            Counting.ConsentByHeadcountClause,
        ]);
    }

    [Fact]
    public void under_the_old_rule_the_tally_names_only_the_consent_clauses()
    {
        var vote = VoteScenario.UnderTheOldRule().Owners(100.00m, "A", "B", "C").Opened().Voted(Yes, "A");

        vote.Tally.CriteriaSoFar.Select(c => c.Clause).ShouldBe([Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause]);
    }

    [Fact]
    public void a_committee_decision_is_the_final_outcome_of_a_small_project()
    {
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C").Spending(12_000.00m).Opened();

        var decided = vote.RecordCommitteeDecision(true, "Minute 2024-17").ShouldAppendOne<CommitteeDecisionRecorded>();

        var tally = vote.Tally;
        tally.Route.ShouldBe(VotingRoute.Simplified);
        tally.Status.ShouldBe(VoteStatus.Decided);
        tally.FinalOutcome.ShouldBe(VoteOutcome.Passed);
        tally.CommitteeNote.ShouldBe(decided.Note);
        tally.DecidedAt.ShouldBe(decided.DecidedAt);
    }
}
