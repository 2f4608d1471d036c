using CaseLedger.Cases.RenovationVotes;
using static CaseLedger.Cases.RenovationVotes.BallotChoice;

namespace CaseLedger.Tests.RenovationVotes;

// Headcount counts owners, not units: one owner of several units counts once (with all their area);
// co-owners of a unit count as one; units sharing any owner fall into one member.
public class when_counting_owners_for_the_headcount
{
    [Fact]
    public void an_owner_of_several_units_counts_once_with_all_their_area()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Owner("A", 80.50m, 60.25m).Owner("B", 100.00m)
            .Opened();

        var cast = vote.CastFor("A-1", "A", Yes).ShouldAppendOne<BallotCast>();

        cast.MemberArea.ShouldBe(80.50m + 60.25m);
        vote.State.Count.TotalMembers.ShouldBe(2);
        vote.State.Count.TotalArea.ShouldBe(80.50m + 60.25m + 100.00m);
        vote.State.Count.YesMembers.ShouldBe(1);
        vote.State.Count.YesArea.ShouldBe(80.50m + 60.25m);
    }

    [Fact]
    public void an_owner_of_several_units_cannot_outvote_two_owners_by_headcount()
    {
        // A holds three of five units and 30 of 50 m², so A carries the area but is one owner of three.
        var vote = VoteScenario.UnderTheCivilCode()
            .Owner("A", 10.00m, 10.00m, 10.00m).Owners(10.00m, "B", "C")
            .Opened()
            .Voted(Yes, "A")
            .Voted(No, "B", "C");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Unmet().ShouldBe([Counting.ConsentByHeadcountClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void voting_again_through_another_unit_of_the_same_owner_is_the_same_ballot()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Owner("A", 80.50m, 60.25m).Owner("B", 100.00m)
            .Opened();
        vote.CastFor("A-1", "A", Yes).IsAccepted.ShouldBeTrue();

        vote.CastFor("A-2", "A", Yes).Events.ShouldBeEmpty();
        var changed = vote.CastFor("A-2", "A", No).ShouldAppendOne<BallotCast>();

        changed.Replaces.ShouldBe(Yes);
        vote.State.Count.YesMembers.ShouldBe(0);
        vote.State.Count.NoMembers.ShouldBe(1);
        vote.State.Count.NoArea.ShouldBe(80.50m + 60.25m);
    }

    [Fact]
    public void co_owners_of_a_unit_count_as_one()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Unit("101", 90.00m, "X", "Y", "W").Unit("102", 90.00m, "Z")
            .Opened();

        vote.State.Count.TotalMembers.ShouldBe(2);
        vote.State.Count.TotalArea.ShouldBe(180.00m);
    }

    [Fact]
    public void any_co_owner_may_vote_and_the_last_ballot_of_the_unit_counts()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Unit("101", 90.00m, "X", "Y").Unit("102", 90.00m, "Z")
            .Opened();
        vote.CastFor("101", "Y", Yes).ShouldAppendOne<BallotCast>().VoterId.ShouldBe("Y");

        var last = vote.CastFor("101", "X", No).ShouldAppendOne<BallotCast>();

        last.VoterId.ShouldBe("X");
        last.Replaces.ShouldBe(Yes);
        vote.State.Count.YesMembers.ShouldBe(0);
        vote.State.Count.NoMembers.ShouldBe(1);
        vote.State.Count.NoArea.ShouldBe(90.00m);
        vote.State.Count.ParticipatingMembers.ShouldBe(1);
    }

    [Fact]
    public void a_co_owner_repeating_the_other_co_owners_choice_appends_nothing()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Unit("101", 90.00m, "X", "Y").Unit("102", 90.00m, "Z")
            .Opened();
        vote.CastFor("101", "Y", Yes).IsAccepted.ShouldBeTrue();

        var again = vote.CastFor("101", "X", Yes);

        again.IsAccepted.ShouldBeTrue();
        again.Events.ShouldBeEmpty();
        vote.State.Count.YesMembers.ShouldBe(1);
    }

    [Fact]
    public void units_that_share_an_owner_merge_into_one_member()
    {
        // B co-owns 1 with A and 2 with C: A, B and C are one member holding both units.
        var vote = VoteScenario.UnderTheCivilCode()
            .Unit("1", 70.00m, "A", "B").Unit("2", 50.00m, "C", "B").Unit("3", 60.00m, "D")
            .Opened();

        var members = Membership.Group(vote.Roll);
        members["1"].ShouldBe(members["2"]);
        members["3"].ShouldNotBe(members["1"]);
        vote.State.Count.TotalMembers.ShouldBe(2);

        // C votes through unit 2; the ballot carries the area of both units.
        vote.CastFor("2", "C", Yes).ShouldAppendOne<BallotCast>().MemberArea.ShouldBe(70.00m + 50.00m);
        // A votes through unit 1: the same member, so this changes C's ballot.
        vote.CastFor("1", "A", No).ShouldAppendOne<BallotCast>().Replaces.ShouldBe(Yes);
        vote.State.Count.ParticipatingMembers.ShouldBe(1);
    }

    [Fact]
    public void an_owner_of_a_merged_member_may_only_vote_through_a_unit_they_own()
    {
        var vote = VoteScenario.UnderTheCivilCode()
            .Unit("1", 70.00m, "A", "B").Unit("2", 50.00m, "C", "B")
            .Opened();

        vote.CastFor("2", "A", Yes).ShouldBeRejectedWith("renovation_vote.not_owner");
    }

    [Fact]
    public void a_long_chain_of_shared_owners_is_one_member()
    {
        // o1-o2, o3-o4, o5-o6, o7-o8 are joined by o2-o3, o4-o5 and o6-o7, listed in an order that builds
        // a deep tree of owners before it is flattened.
        var vote = VoteScenario.UnderTheCivilCode()
            .Unit("u1", 10.00m, "o1", "o2").Unit("u2", 10.00m, "o3", "o4").Unit("u3", 10.00m, "o5", "o6")
            .Unit("u4", 10.00m, "o7", "o8").Unit("u5", 10.00m, "o8", "o6").Unit("u6", 10.00m, "o6", "o4")
            .Unit("u7", 10.00m, "o4", "o2").Unit("u8", 10.00m, "stranger")
            .Opened();

        var members = Membership.Group(vote.Roll);

        members.Where(m => m.Key != "u8").Select(m => m.Value).Distinct().ShouldHaveSingleItem()
            .ShouldBe("o1"); // a member is named by its smallest owner id
        members["u8"].ShouldBe("stranger");
        vote.State.Count.TotalMembers.ShouldBe(2);
        vote.CastFor("u1", "o1", Yes).ShouldAppendOne<BallotCast>().MemberArea.ShouldBe(70.00m);
    }

    [Fact]
    public void owners_whose_ids_join_to_the_same_text_are_still_different_owners()
    {
        // "A+B" is one owner; A and B co-own another unit. Nothing connects the two units, so these are
        // two members - even though the member id joins owner ids with '+'.
        var vote = VoteScenario.UnderTheCivilCode()
            .Unit("1", 70.00m, "A+B").Unit("2", 50.00m, "A", "B")
            .Opened();

        var members = Membership.Group(vote.Roll);

        members["1"].ShouldNotBe(members["2"]);
        vote.State.Count.TotalMembers.ShouldBe(2);
    }
}

// The last ballot counts; withdrawing takes a member out of the vote; repeating a ballot records nothing.
public class when_owners_change_or_withdraw_ballots
{
    private static VoteScenario FourOwners() =>
        VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C", "D").Opened();

    [Fact]
    public void a_changed_ballot_records_the_choice_it_replaces()
    {
        var vote = FourOwners().Voted(Yes, "A");

        var changed = vote.Cast("A", No).ShouldAppendOne<BallotCast>();

        changed.Choice.ShouldBe(No);
        changed.Replaces.ShouldBe(Yes);
        vote.Standing(changed.UnitId).Ballot.ShouldBe(No);
    }

    [Fact]
    public void a_first_ballot_replaces_nothing()
    {
        var vote = FourOwners();

        vote.Cast("A", Yes).ShouldAppendOne<BallotCast>().Replaces.ShouldBeNull();
    }

    [Fact]
    public void the_last_ballot_is_the_one_counted()
    {
        // Three yes would pass; two of them change to no before the close.
        var vote = FourOwners()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "B", "C");

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Count.YesMembers.ShouldBe(1);
        closed.Count.NoMembers.ShouldBe(2);
        closed.Count.ParticipatingMembers.ShouldBe(3);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void casting_the_same_choice_twice_appends_nothing()
    {
        var vote = FourOwners().Voted(Yes, "A");
        var before = vote.History.Count;

        var again = vote.Cast("A", Yes);

        again.IsAccepted.ShouldBeTrue();
        again.Events.ShouldBeEmpty();
        vote.History.Count.ShouldBe(before);
        vote.State.Count.YesMembers.ShouldBe(1);
    }

    [Fact]
    public void a_withdrawn_ballot_no_longer_takes_part()
    {
        // Three of four take part and say yes; then C withdraws and only two of four remain.
        var vote = FourOwners().Voted(Yes, "A", "B", "C");

        var withdrawn = vote.Withdraw("C").ShouldAppendOne<BallotWithdrawn>();

        withdrawn.Withdrawn.ShouldBe(Yes);
        withdrawn.MemberArea.ShouldBe(100.00m);
        vote.Standing(withdrawn.UnitId).Ballot.ShouldBeNull();
        vote.State.Count.ParticipatingMembers.ShouldBe(2);
        var closed = vote.Close().ShouldCloseTheVote();
        closed.Unmet().ShouldBe([Counting.ParticipationByAreaClause, Counting.ParticipationByHeadcountClause]);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void withdrawing_without_a_ballot_is_refused()
    {
        var vote = FourOwners().Voted(Yes, "A");

        vote.Withdraw("B").ShouldBeRejectedWith("renovation_vote.no_ballot");
    }

    [Fact]
    public void withdrawing_twice_is_refused_the_second_time()
    {
        var vote = FourOwners().Voted(Yes, "A").Withdrew("A");

        vote.Withdraw("A").ShouldBeRejectedWith("renovation_vote.no_ballot");
    }

    [Fact]
    public void a_ballot_after_a_withdrawal_replaces_nothing()
    {
        var vote = FourOwners().Voted(Yes, "A").Withdrew("A");

        var recast = vote.Cast("A", No).ShouldAppendOne<BallotCast>();

        recast.Replaces.ShouldBeNull();
        vote.State.Count.NoMembers.ShouldBe(1);
        vote.State.Count.ParticipatingMembers.ShouldBe(1);
    }

    [Fact]
    public void a_choice_that_is_not_yes_no_or_abstain_is_refused()
    {
        var vote = FourOwners();

        vote.Cast("A", (BallotChoice)7).ShouldBeRejectedWith("renovation_vote.choice_unknown");
    }
}
