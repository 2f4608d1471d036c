using CaseLedger.Cases.RenovationVotes;
using static CaseLedger.Cases.RenovationVotes.BallotChoice;

namespace CaseLedger.Tests.RenovationVotes;

// Civil Code art. 278 (rule version "2"): owners holding at least 2/3 of the area AND at least 2/3 of
// the owners take part; more than half of the participating area AND owners consent.
public class when_counting_a_vote_under_the_civil_code
{
    // ---- Participation by area: "at least 2/3" includes the exact fraction --------------------

    [Fact]
    public void exactly_two_thirds_of_the_area_taking_part_meets_the_quorum()
    {
        // 300 of 450 m² take part: exactly 2/3. Three of four owners: comfortably over 2/3.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C").Owner("D", 150.00m)
            .Opened()
            .Voted(Yes, "A", "B", "C");
        (vote.State.Count.ParticipatingArea * 3).ShouldBe(vote.State.Count.TotalArea * 2);

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Met(Counting.ParticipationByAreaClause).ShouldBeTrue();
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }

    [Fact]
    public void a_hundredth_of_a_square_metre_short_of_two_thirds_of_the_area_misses_the_quorum()
    {
        // 299.99 of 450 m² take part; everything else as above.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B").Owner("C", 99.99m).Owner("D", 150.01m)
            .Opened()
            .Voted(Yes, "A", "B", "C");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ParticipationByAreaClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    // ---- Participation by headcount -----------------------------------------------------------

    [Fact]
    public void exactly_two_thirds_of_the_owners_taking_part_meets_the_quorum()
    {
        // Four of six owners take part; they hold 400 of 402 m².
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C", "D").Owners(1.00m, "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C", "D");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Met(Counting.ParticipationByHeadcountClause).ShouldBeTrue();
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }

    [Fact]
    public void one_owner_short_of_two_thirds_of_the_owners_misses_the_quorum()
    {
        // Three of six owners take part; they still hold 300 of 402 m², well over 2/3 of the area.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C", "D").Owners(1.00m, "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ParticipationByHeadcountClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    // ---- Consent by area: "more than half" excludes the exact half ----------------------------

    [Fact]
    public void exactly_half_of_the_participating_area_consenting_fails()
    {
        // 500.01 of 1000.02 m² say yes: exactly half. Three of four owners say yes.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(166.67m, "A", "B", "C").Owner("D", 500.01m)
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D");
        (vote.State.Count.YesArea * 2).ShouldBe(vote.State.Count.ParticipatingArea);

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ConsentByAreaClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void a_hundredth_of_a_square_metre_over_half_of_the_participating_area_consenting_passes()
    {
        // 500.01 of 1000.01 m² say yes.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(166.67m, "A", "B", "C").Owner("D", 500.00m)
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Met(Counting.ConsentByAreaClause).ShouldBeTrue();
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }

    // ---- Consent by headcount -----------------------------------------------------------------

    [Fact]
    public void exactly_half_of_the_participating_owners_consenting_fails()
    {
        // Four of five owners take part; two say yes (400 of 600 m²), two say no.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(200.00m, "A", "B").Owners(100.00m, "C", "D", "E")
            .Opened()
            .Voted(Yes, "A", "B")
            .Voted(No, "C", "D");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ConsentByHeadcountClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void one_more_consenting_owner_takes_the_headcount_over_half()
    {
        // As above, and the fifth owner says yes: three of five participants.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(200.00m, "A", "B").Owners(100.00m, "C", "D", "E")
            .Opened()
            .Voted(Yes, "A", "B")
            .Voted(No, "C", "D")
            .Voted(Yes, "E");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Met(Counting.ConsentByHeadcountClause).ShouldBeTrue();
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }

    // ---- Consent is measured against participants, not against all owners ----------------------

    [Fact]
    public void owners_who_stay_away_do_not_count_against_the_spend_once_the_quorum_is_met()
    {
        // Four of six owners take part, three of them say yes: half of ALL owners, but 3/4 of participants.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C", "D", "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBeEmpty();
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }

    [Fact]
    public void a_vote_nobody_took_part_in_fails_every_clause()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C")
            .Opened();

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Criteria.ShouldAllBe(c => !c.Met);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void the_count_names_all_four_clauses_of_the_civil_code()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C")
            .Opened()
            .Voted(Yes, "A", "B", "C");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Criteria.Select(c => c.Clause).ShouldBe([
            Counting.ParticipationByAreaClause,
            Counting.ParticipationByHeadcountClause,
            Counting.ConsentByAreaClause,
            Counting.ConsentByHeadcountClause,
        ]);
        closed.Criteria.ShouldAllBe(c => !string.IsNullOrWhiteSpace(c.Requirement) && !string.IsNullOrWhiteSpace(c.Detail));
        closed.Rule.ShouldBe(TheRules.CivilCode.Rule);
        closed.Count.ShouldBe(vote.State.Count);
    }
}

// The old rule (version "1"): owners holding at least 2/3 of the TOTAL area AND at least 2/3 of ALL
// owners consent. There is no separate quorum.
public class when_counting_a_vote_under_the_old_rule
{
    [Fact]
    public void owners_holding_exactly_two_thirds_of_the_area_consenting_pass()
    {
        // 300 of 450 m² say yes; three of four owners.
        var vote = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C").Owner("D", 150.00m)
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D");
        (vote.State.Count.YesArea * 3).ShouldBe(vote.State.Count.TotalArea * 2);

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Met(Counting.ConsentByAreaClause).ShouldBeTrue();
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }

    [Fact]
    public void a_hundredth_of_a_square_metre_short_of_two_thirds_of_the_area_consenting_fails()
    {
        // 299.99 of 450 m² say yes.
        var vote = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B").Owner("C", 99.99m).Owner("D", 150.01m)
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ConsentByAreaClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void exactly_two_thirds_of_all_owners_consenting_pass()
    {
        // Four of six owners say yes; they hold 400 of 402 m².
        var vote = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C", "D").Owners(1.00m, "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C", "D")
            .Voted(No, "E", "F");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Met(Counting.ConsentByHeadcountClause).ShouldBeTrue();
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }

    [Fact]
    public void one_owner_short_of_two_thirds_of_all_owners_consenting_fails()
    {
        // Three of six owners say yes; they hold 300 of 402 m², well over 2/3 of the area.
        var vote = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C", "D").Owners(1.00m, "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D", "E", "F");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ConsentByHeadcountClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void staying_away_weighs_against_the_spend_like_voting_no()
    {
        // Consent is measured against all owners, so D's silence counts exactly as D's "no" would. (Measured
        // against participants, the silent case would have 2 of 3 = 2/3 consenting and pass.)
        var silent = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C", "D")
            .Opened()
            .Voted(Yes, "A", "B")
            .Voted(No, "C");
        var against = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C", "D")
            .Opened()
            .Voted(Yes, "A", "B")
            .Voted(No, "C", "D");

        var silentClose = silent.Close().ShouldCloseTheVote();
        var againstClose = against.Close().ShouldCloseTheVote();

        silentClose.Outcome.ShouldBe(againstClose.Outcome);
        silentClose.Criteria.Select(c => c.Met).ShouldBe(againstClose.Criteria.Select(c => c.Met));
        silentClose.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void the_old_rule_asks_for_no_quorum_only_consent()
    {
        var vote = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C")
            .Opened()
            .Voted(Yes, "A", "B", "C");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Criteria.Select(c => c.Clause).ShouldBe([Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause]);
        closed.Rule.ShouldBe(TheRules.OldRule.Rule);
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }
}

// Abstain counts as taking part, not as consent.
public class when_owners_abstain
{
    [Fact]
    public void an_abstention_completes_the_quorum()
    {
        // Two of four owners say yes, a third abstains: three of four take part.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C", "D")
            .Opened()
            .Voted(Yes, "A", "B")
            .Voted(Abstain, "C");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Met(Counting.ParticipationByAreaClause).ShouldBeTrue();
        closed.Met(Counting.ParticipationByHeadcountClause).ShouldBeTrue();
        closed.Outcome.ShouldBe(VoteOutcome.Passed);
    }

    [Fact]
    public void without_the_abstention_the_same_yes_votes_miss_the_quorum()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C", "D")
            .Opened()
            .Voted(Yes, "A", "B");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ParticipationByAreaClause, Counting.ParticipationByHeadcountClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void abstentions_do_not_count_as_consent_under_the_civil_code()
    {
        // Everyone takes part; one of three says yes, two abstain.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B", "C")
            .Opened()
            .Voted(Yes, "A")
            .Voted(Abstain, "B", "C");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void an_abstention_weighs_against_the_spend_like_a_no_among_participants()
    {
        // One yes and one abstention of two participants: exactly half consent, which is not more than half.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B").Owner("C", 1.00m)
            .Opened()
            .Voted(Yes, "A")
            .Voted(Abstain, "B");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Met(Counting.ParticipationByHeadcountClause).ShouldBeTrue();
        closed.Unmet().ShouldBe([Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause]);
    }

    [Fact]
    public void abstentions_do_not_count_as_consent_under_the_old_rule()
    {
        // Two of three owners say yes (exactly 2/3 would pass); the third's abstention adds nothing.
        var twoYes = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C")
            .Opened()
            .Voted(Yes, "A", "B")
            .Voted(Abstain, "C");
        var oneYes = VoteScenario.UnderTheOldRule()
            .Owners(100.00m, "A", "B", "C")
            .Opened()
            .Voted(Yes, "A")
            .Voted(Abstain, "B", "C");

        twoYes.Close().ShouldCloseTheVote().Outcome.ShouldBe(VoteOutcome.Passed);
        oneYes.Close().ShouldCloseTheVote().Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void an_abstention_is_counted_as_taking_part_and_not_as_yes_or_no()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A").Owner("B", 80.25m)
            .Opened();

        vote.Cast("B", Abstain).ShouldAppendOne<BallotCast>().Choice.ShouldBe(Abstain);

        var count = vote.State.Count;
        count.AbstainMembers.ShouldBe(1);
        count.AbstainArea.ShouldBe(80.25m);
        count.ParticipatingMembers.ShouldBe(1);
        count.ParticipatingArea.ShouldBe(80.25m);
        count.YesMembers.ShouldBe(0);
        count.NoMembers.ShouldBe(0);
    }
}
