using CaseLedger.Cases.RenovationVotes;
using static CaseLedger.Cases.RenovationVotes.BallotChoice;

namespace CaseLedger.Tests.RenovationVotes;

// A spend strictly below the small-project limit goes to the owners' committee (simplified route);
// at or above it, all owners vote. The limit was under 30,000 yuan and is now under 50,000.
public class when_choosing_the_route_for_a_spend
{
    [Fact]
    public void the_old_rule_limit_is_30000_yuan_and_the_civil_code_limit_is_50000_yuan()
    {
        TheRules.OldRule.SmallProjectLimit.ShouldBe(30_000.00m);
        TheRules.CivilCode.SmallProjectLimit.ShouldBe(50_000.00m);
    }

    public static TheoryData<string, decimal, VotingRoute> Spends => new()
    {
        { "1", 29_999.99m, VotingRoute.Simplified },
        { "1", 30_000.00m, VotingRoute.FullVote },
        { "1", 49_999.99m, VotingRoute.FullVote },
        { "2", 29_999.99m, VotingRoute.Simplified },
        { "2", 30_000.00m, VotingRoute.Simplified },
        { "2", 49_999.99m, VotingRoute.Simplified },
        { "2", 50_000.00m, VotingRoute.FullVote },
        { "2", 0.01m, VotingRoute.Simplified },
    };

    [Theory]
    [MemberData(nameof(Spends))]
    public void a_spend_takes_the_simplified_route_only_when_strictly_below_the_limit(string version, decimal amount, VotingRoute route)
    {
        var rules = TheRules.Book.Get<RenovationVoteRules>(RenovationVoteRules.RuleId, version);
        var vote = VoteScenario.Under(rules).Owners(100.00m, "A", "B", "C").Spending(amount);

        var opened = vote.Open().ShouldAppendOne<RenovationVoteOpened>();

        opened.Route.ShouldBe(route);
        opened.RouteReason.ShouldContain(rules.Rule.ToString());
        vote.State.Route.ShouldBe(route);
    }

    private static VoteScenario ASmallProject() =>
        VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C").Spending(49_999.99m).Opened();

    private static VoteScenario AFullVote() =>
        VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C").Spending(50_000.00m).Opened();

    [Fact]
    public void on_the_simplified_route_owners_cast_no_ballots()
    {
        var vote = ASmallProject();

        vote.Cast("A", Yes).ShouldBeRejectedWith("renovation_vote.simplified_route");
    }

    [Fact]
    public void on_the_simplified_route_owners_withdraw_no_ballots()
    {
        var vote = ASmallProject();

        vote.Withdraw("A").ShouldBeRejectedWith("renovation_vote.simplified_route");
    }

    [Fact]
    public void on_the_simplified_route_there_is_no_vote_to_close()
    {
        var vote = ASmallProject();

        vote.Close().ShouldBeRejectedWith("renovation_vote.simplified_route");
    }

    [Theory]
    [InlineData(true, VoteOutcome.Passed)]
    [InlineData(false, VoteOutcome.Failed)]
    public void on_the_simplified_route_the_committee_decides(bool approved, VoteOutcome outcome)
    {
        var vote = ASmallProject();

        var decided = vote.RecordCommitteeDecision(approved, "  Minute 2024-17  ").ShouldAppendOne<CommitteeDecisionRecorded>();

        decided.Outcome.ShouldBe(outcome);
        decided.Note.ShouldBe("Minute 2024-17");
        decided.Rule.ShouldBe(TheRules.CivilCode.Rule);
        vote.State.Status.ShouldBe(VoteStatus.Decided);
    }

    [Fact]
    public void the_committee_decides_once()
    {
        var vote = ASmallProject().CommitteeDecided(approved: true);

        vote.RecordCommitteeDecision(false, "Minute 2024-18").ShouldBeRejectedWith("renovation_vote.closed");
    }

    [Fact]
    public void a_committee_decision_without_its_minute_is_refused()
    {
        var vote = ASmallProject();

        vote.RecordCommitteeDecision(true, "   ").ShouldBeRejectedWith("renovation_vote.note_missing");
    }

    [Fact]
    public void on_the_full_route_the_committee_cannot_decide_alone()
    {
        var vote = AFullVote();

        vote.RecordCommitteeDecision(true, "Minute 2024-17").ShouldBeRejectedWith("renovation_vote.full_vote_route");
        vote.State.Status.ShouldBe(VoteStatus.Open);
    }

    [Fact]
    public void on_the_full_route_owners_vote_and_the_vote_is_closed()
    {
        var vote = AFullVote().Voted(Yes, "A", "B", "C");

        vote.Close().ShouldCloseTheVote().Outcome.ShouldBe(VoteOutcome.Passed);
    }
}

// Each vote is decided under the rule version in force when it was opened (read in China's civil
// time), which the opening event carries; a what-if close may name another version.
public class when_the_rule_version_changes
{
    private static readonly DateTimeOffset LastSecondOf2020InChina = new(2020, 12, 31, 15, 59, 59, TimeSpan.Zero);
    private static readonly DateTimeOffset NewYear2021InChina = new(2020, 12, 31, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void the_old_rule_is_in_force_until_the_last_second_of_2020_in_china()
    {
        var rules = TheRules.Book.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, LastSecondOf2020InChina);

        rules.Rule.Version.ShouldBe("1");
    }

    [Fact]
    public void the_civil_code_is_in_force_from_midnight_on_new_year_2021_in_china()
    {
        var rules = TheRules.Book.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, NewYear2021InChina);

        rules.Rule.Version.ShouldBe("2");
    }

    [Fact]
    public void the_same_instant_written_in_local_time_picks_the_same_version()
    {
        var local = LastSecondOf2020InChina.ToOffset(TimeSpan.FromHours(8));
        local.Hour.ShouldBe(23);

        TheRules.Book.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, local).Rule.Version.ShouldBe("1");
        TheRules.Book.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, local.AddSeconds(1)).Rule.Version.ShouldBe("2");
    }

    [Fact]
    public void a_vote_opened_one_second_before_midnight_carries_the_old_rule()
    {
        var vote = VoteScenario.OpenedUnderTheRuleInForceAt(LastSecondOf2020InChina).Owners(100.00m, "A", "B", "C").Spending(40_000.00m);

        var opened = vote.Open().ShouldAppendOne<RenovationVoteOpened>();

        opened.Rule.ShouldBe(TheRules.OldRule.Rule);
        opened.Rules.ShouldBe(TheRules.OldRule);
        opened.Route.ShouldBe(VotingRoute.FullVote);
    }

    [Fact]
    public void a_vote_opened_at_midnight_carries_the_civil_code()
    {
        var vote = VoteScenario.OpenedUnderTheRuleInForceAt(NewYear2021InChina).Owners(100.00m, "A", "B", "C").Spending(40_000.00m);

        var opened = vote.Open().ShouldAppendOne<RenovationVoteOpened>();

        opened.Rule.ShouldBe(TheRules.CivilCode.Rule);
        opened.Route.ShouldBe(VotingRoute.Simplified);
    }

    /// <summary>Six owners of 100 m²: four take part, three say yes, one says no, two stay away.</summary>
    private static VoteScenario SixOwnersFourTakingPartThreeYes(VoteScenario vote) =>
        vote.Owners(100.00m, "A", "B", "C", "D", "E", "F")
            .Opened()
            .Voted(Yes, "A", "B", "C")
            .Voted(No, "D");

    [Fact]
    public void the_same_ballots_pass_under_the_civil_code_and_fail_under_the_old_rule()
    {
        // Civil Code: 2/3 take part, 3/4 of them consent. Old rule: only half of all owners consent.
        var civilCode = SixOwnersFourTakingPartThreeYes(VoteScenario.UnderTheCivilCode()).Close().ShouldCloseTheVote();
        var oldRule = SixOwnersFourTakingPartThreeYes(VoteScenario.UnderTheOldRule()).Close().ShouldCloseTheVote();

        civilCode.Outcome.ShouldBe(VoteOutcome.Passed);
        civilCode.Rule.ShouldBe(TheRules.CivilCode.Rule);
        oldRule.Outcome.ShouldBe(VoteOutcome.Failed);
        oldRule.Unmet().ShouldBe([Counting.ConsentByAreaClause, Counting.ConsentByHeadcountClause]);
        oldRule.Rule.ShouldBe(TheRules.OldRule.Rule);
        oldRule.Count.ShouldBe(civilCode.Count);
    }

    [Fact]
    public void a_what_if_close_counts_by_the_version_it_names()
    {
        var vote = SixOwnersFourTakingPartThreeYes(VoteScenario.UnderTheCivilCode());

        var whatIf = vote.CountUnder(TheRules.OldRule).ShouldCloseTheVote();

        whatIf.Rule.ShouldBe(TheRules.OldRule.Rule);
        whatIf.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void a_vote_opened_under_the_old_rule_is_still_counted_by_it_after_the_civil_code_comes_into_force()
    {
        var openedAt = new DateTimeOffset(2020, 12, 28, 9, 0, 0, TimeSpan.FromHours(8));
        var vote = SixOwnersFourTakingPartThreeYes(VoteScenario.OpenedUnderTheRuleInForceAt(openedAt));
        vote.ClosesAt.ShouldBeGreaterThan(NewYear2021InChina);

        var closed = vote.Close().ShouldCloseTheVote();

        closed.Rule.ShouldBe(TheRules.OldRule.Rule);
        closed.Outcome.ShouldBe(VoteOutcome.Failed);
    }

    [Fact]
    public void whatever_passes_the_old_rule_also_passes_the_civil_code()
    {
        // Every way four owners of unequal area could vote (none, yes, no, abstain each): the Civil Code
        // is never stricter than the old rule, and is more lenient for some.
        BallotChoice?[] options = [null, Yes, No, Abstain];
        var owners = new[] { ("A", 120.50m), ("B", 80.25m), ("C", 99.99m), ("D", 45.00m) };
        var passedOnlyUnderTheCivilCode = 0;
        for (var combination = 0; combination < 256; combination++)
        {
            var count = VoteCount.ForRoll(owners.Sum(o => o.Item2), owners.Length);
            for (var i = 0; i < owners.Length; i++)
            {
                count = count.Recast(owners[i].Item2, null, options[(combination >> (2 * i)) & 3]);
            }

            var (underOldRule, _) = Counting.Evaluate(count, TheRules.OldRule);
            var (underCivilCode, _) = Counting.Evaluate(count, TheRules.CivilCode);
            if (underOldRule == VoteOutcome.Passed)
            {
                underCivilCode.ShouldBe(VoteOutcome.Passed, $"combination {combination}: {count}");
            }
            else if (underCivilCode == VoteOutcome.Passed)
            {
                passedOnlyUnderTheCivilCode++;
            }
        }

        passedOnlyUnderTheCivilCode.ShouldBeGreaterThan(0);
    }
}
