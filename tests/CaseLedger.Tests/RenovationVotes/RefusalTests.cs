using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using static CaseLedger.Cases.RenovationVotes.BallotChoice;

namespace CaseLedger.Tests.RenovationVotes;

// A well-formed opening opens the vote; an ill-formed one is refused as invalid, with a code, and opens nothing.
public class when_opening_a_vote
{
    private static VoteScenario ThreeOwners() => VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C");

    [Fact]
    public void a_well_formed_vote_opens_with_its_roll_window_and_rule()
    {
        var vote = ThreeOwners();

        var opened = vote.Open().ShouldAppendOne<RenovationVoteOpened>();

        opened.VoteId.ShouldBe(vote.VoteId);
        opened.Roll.ShouldBe(vote.Roll);
        opened.OpensAt.ShouldBe(vote.OpensAt);
        opened.ClosesAt.ShouldBe(vote.ClosesAt);
        opened.Rule.ShouldBe(TheRules.CivilCode.Rule);
        opened.Channel.ShouldBe(Channel.OnlinePlatform);
        vote.State.Status.ShouldBe(VoteStatus.Open);
    }

    [Fact]
    public void an_empty_roll_is_refused()
    {
        var vote = VoteScenario.UnderTheCivilCode();

        Refused(vote, vote.OpenCommand(), "renovation_vote.roll_empty");
    }

    [Fact]
    public void the_same_unit_twice_on_the_roll_is_refused()
    {
        var vote = ThreeOwners().Unit("A-1", 80.00m, "E");

        Refused(vote, vote.OpenCommand(), "renovation_vote.duplicate_unit");
    }

    [Fact]
    public void a_negative_area_is_refused()
    {
        var vote = ThreeOwners().Unit("D-1", -0.01m, "D");

        Refused(vote, vote.OpenCommand(), "renovation_vote.area_not_positive");
    }

    [Fact]
    public void a_zero_area_is_refused()
    {
        var vote = ThreeOwners().Unit("D-1", 0.00m, "D");

        Refused(vote, vote.OpenCommand(), "renovation_vote.area_not_positive");
    }

    [Fact]
    public void the_smallest_positive_area_is_accepted()
    {
        var vote = ThreeOwners().Unit("D-1", 0.01m, "D");

        vote.Open().ShouldAppendOne<RenovationVoteOpened>();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.01")]
    [InlineData("-50000.00")]
    public void an_amount_that_is_not_positive_is_refused(string amount)
    {
        var vote = ThreeOwners().Spending(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture));

        Refused(vote, vote.OpenCommand(), "renovation_vote.amount_not_positive");
    }

    [Fact]
    public void a_window_ending_before_it_starts_is_refused()
    {
        var vote = ThreeOwners();

        Refused(vote, vote.OpenCommand() with { ClosesAt = vote.OpensAt.AddSeconds(-1) }, "renovation_vote.window_empty");
    }

    [Fact]
    public void a_window_ending_the_moment_it_starts_is_refused()
    {
        var vote = ThreeOwners();

        Refused(vote, vote.OpenCommand() with { ClosesAt = vote.OpensAt }, "renovation_vote.window_empty");
    }

    [Fact]
    public void a_window_that_has_already_ended_is_refused()
    {
        var vote = ThreeOwners();

        Refused(vote, vote.OpenCommand() with { OpensAt = vote.OpenedAt.AddDays(-7), ClosesAt = vote.OpenedAt },
            "renovation_vote.window_past");
    }

    [Fact]
    public void an_amount_finer_than_a_fen_is_refused()
    {
        var vote = ThreeOwners().Spending(60_000.001m);

        Refused(vote, vote.OpenCommand(), "renovation_vote.amount_precision");
    }

    [Fact]
    public void an_area_finer_than_a_hundredth_of_a_square_metre_is_refused()
    {
        var vote = ThreeOwners().Unit("D-1", 80.125m, "D");

        Refused(vote, vote.OpenCommand(), "renovation_vote.area_precision");
    }

    [Fact]
    public void a_unit_naming_the_same_owner_twice_is_refused()
    {
        var vote = ThreeOwners().Unit("D-1", 80.00m, "D", "E", "D");

        Refused(vote, vote.OpenCommand(), "renovation_vote.duplicate_owner");
    }

    [Fact]
    public void a_unit_without_an_owner_is_refused()
    {
        var vote = ThreeOwners().Unit("D-1", 80.00m, " ");

        Refused(vote, vote.OpenCommand(), "renovation_vote.owner_missing");
    }

    private static void Refused(VoteScenario vote, OpenVote command, string code)
    {
        vote.Open(command).ShouldBeRejectedWith(code).Kind.ShouldBe(RejectionKind.Invalid);
        vote.History.ShouldBeEmpty();
    }
}

// A ballot is refused, with a reason, and changes nothing, when it comes from the wrong person, for
// the wrong unit or at the wrong time.
public class when_a_ballot_is_refused
{
    private static VoteScenario AnOpenVote() =>
        VoteScenario.UnderTheCivilCode()
            .Owners(100.00m, "A", "B")
            .Unit("301", 90.00m, "X", "Y")
            .Opened()
            .Voted(Yes, "A");

    [Fact]
    public void a_ballot_for_a_unit_not_on_the_roll_is_refused()
    {
        var vote = AnOpenVote();

        Refused(vote, v => v.CastFor("999", "A", Yes), "renovation_vote.unknown_unit");
    }

    [Fact]
    public void a_ballot_from_someone_who_does_not_own_the_unit_is_refused()
    {
        var vote = AnOpenVote();

        Refused(vote, v => v.CastFor("B-1", "A", No), "renovation_vote.not_owner");
    }

    [Fact]
    public void a_ballot_from_an_owner_of_another_unit_for_a_co_owned_unit_is_refused()
    {
        var vote = AnOpenVote();

        Refused(vote, v => v.CastFor("301", "B", No), "renovation_vote.not_owner");
    }

    [Fact]
    public void a_withdrawal_by_someone_who_does_not_own_the_unit_is_refused()
    {
        var vote = AnOpenVote();

        Refused(vote, v => v.WithdrawFor("A-1", "B"), "renovation_vote.not_owner");
    }

    [Fact]
    public void a_ballot_before_the_window_opens_is_refused()
    {
        var vote = AnOpenVote();

        Refused(vote, v => v.CastFor("B-1", "B", Yes, v.OpensAt.AddTicks(-1)), "renovation_vote.window_not_open");
    }

    [Fact]
    public void a_ballot_the_moment_the_window_opens_is_accepted()
    {
        var vote = AnOpenVote();

        vote.CastFor("B-1", "B", Yes, vote.OpensAt).ShouldAppendOne<BallotCast>().CastAt.ShouldBe(vote.OpensAt);
    }

    [Fact]
    public void a_ballot_the_moment_the_window_ends_is_refused()
    {
        var vote = AnOpenVote();

        Refused(vote, v => v.CastFor("B-1", "B", Yes, v.ClosesAt), "renovation_vote.window_ended");
    }

    [Fact]
    public void a_ballot_in_the_last_instant_of_the_window_is_accepted()
    {
        var vote = AnOpenVote();

        vote.CastFor("B-1", "B", Yes, vote.ClosesAt.AddTicks(-1)).ShouldAppendOne<BallotCast>();
    }

    [Fact]
    public void a_ballot_after_the_vote_is_closed_is_refused()
    {
        var vote = AnOpenVote().Closed();

        Refused(vote, v => v.CastFor("B-1", "B", Yes, v.ClosesAt.AddDays(1)), "renovation_vote.closed");
    }

    [Fact]
    public void a_withdrawal_after_the_vote_is_closed_is_refused()
    {
        var vote = AnOpenVote().Closed();

        Refused(vote, v => v.Withdraw("A"), "renovation_vote.closed");
    }

    private static void Refused(VoteScenario vote, Func<VoteScenario, CommandOutcome> when, string code)
    {
        var countBefore = vote.State.Count;
        var historyBefore = vote.History.Count;

        when(vote).ShouldBeRejectedWith(code);

        vote.History.Count.ShouldBe(historyBefore);
        vote.State.Count.ShouldBe(countBefore);
    }
}

// A vote is closed at or after the end of its window, once.
public class when_closing_a_vote
{
    private static VoteScenario AnOpenVote() =>
        VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C").Opened().Voted(Yes, "A", "B", "C");

    [Fact]
    public void closing_before_the_window_ends_is_refused()
    {
        var vote = AnOpenVote();

        vote.CloseAt(vote.ClosesAt.AddTicks(-1)).ShouldBeRejectedWith("renovation_vote.window_still_open");
        vote.State.Status.ShouldBe(VoteStatus.Open);
    }

    [Fact]
    public void closing_the_moment_the_window_ends_decides_the_vote()
    {
        var vote = AnOpenVote();

        var closed = vote.CloseAt(vote.ClosesAt).ShouldCloseTheVote();

        closed.ClosedAt.ShouldBe(vote.ClosesAt);
        closed.VoteId.ShouldBe(vote.VoteId);
        vote.State.Status.ShouldBe(VoteStatus.Decided);
    }

    [Fact]
    public void closing_a_closed_vote_is_refused()
    {
        var vote = AnOpenVote().Closed();

        vote.CloseAt(vote.ClosesAt.AddDays(1)).ShouldBeRejectedWith("renovation_vote.closed");
    }
}
