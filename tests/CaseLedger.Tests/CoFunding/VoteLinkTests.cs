using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Scenarios;
using CaseLedger.Tests.RenovationVotes;
using static CaseLedger.Cases.RenovationVotes.BallotChoice;

namespace CaseLedger.Tests.CoFunding;

// A project that spends the maintenance fund must reference a renovation vote (case kind 1) of its
// own compound that passed: by the owners, or on the simplified route by the owners' committee.
public class when_a_project_spends_the_maintenance_fund
{
    private const string Compound = "camphor-court";

    [Fact]
    public void without_a_referenced_vote_it_is_refused()
    {
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(120_000.00m, vote: null);

        var rejection = project.Register().ShouldBeRejectedWith("co_funding.vote_missing");

        rejection.Reason.ShouldContain("120,000.00 yuan");
        rejection.Kind.ShouldBe(RejectionKind.NotAllowed);
        project.History.ShouldBeEmpty();
    }

    [Fact]
    public void a_vote_that_cannot_be_found_is_refused()
    {
        var voteId = Guid.NewGuid();
        var project = ProjectScenario.OfCamphorCourt()
            .SpendingTheMaintenanceFund(120_000.00m, vote: null)
            .ReferencingVote(voteId);

        var rejection = project.Register().ShouldBeRejectedWith("co_funding.vote_not_found");

        rejection.Reason.ShouldContain(voteId.ToString());
    }

    [Fact]
    public void a_vote_of_another_compound_is_refused()
    {
        var other = Votes.PassedByTheOwners("sunshine-garden");
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(120_000.00m, other);

        var rejection = project.Register().ShouldBeRejectedWith("co_funding.vote_other_compound");

        rejection.Reason.ShouldContain("sunshine-garden");
        rejection.Reason.ShouldContain(Compound);
    }

    [Fact]
    public void a_vote_still_open_is_refused()
    {
        var open = Votes.StillOpen(Compound);
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(120_000.00m, open);

        project.Register().ShouldBeRejectedWith("co_funding.vote_not_decided").Reason.ShouldContain(open.VoteId.ToString());
    }

    [Fact]
    public void a_failed_vote_is_refused()
    {
        var failed = Votes.FailedAmongTheOwners(Compound);
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(120_000.00m, failed);

        project.Register().ShouldBeRejectedWith("co_funding.vote_failed").Reason.ShouldContain("did not pass");
    }

    [Fact]
    public void a_committee_that_refused_the_spend_is_a_failed_vote()
    {
        var refused = Votes.RefusedByTheCommittee(Compound);
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(12_000.00m, refused);

        project.Register().ShouldBeRejectedWith("co_funding.vote_failed");
    }

    [Fact]
    public void a_vote_the_owners_passed_is_accepted_and_recorded()
    {
        var passed = Votes.PassedByTheOwners(Compound);
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(120_000.00m, passed);

        var registered = project.Register().ShouldRegister();

        registered.RenovationVoteId.ShouldBe(passed.VoteId);
        registered.Eligible.ShouldBeTrue();
        var vote = registered.Eligibility.Clause(Eligibility.VoteClause);
        vote.Met.ShouldBeTrue();
        vote.Detail.ShouldBe($"vote {passed.VoteId} passed by the owners");
    }

    [Fact]
    public void a_simplified_route_vote_approved_by_the_committee_is_accepted()
    {
        var approved = Votes.ApprovedByTheCommittee(Compound);
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(12_000.00m, approved);

        var registered = project.Register().ShouldRegister();

        var vote = registered.Eligibility.Clause(Eligibility.VoteClause);
        vote.Met.ShouldBeTrue();
        vote.Detail.ShouldContain("owners' committee");
        vote.Detail.ShouldContain("simplified route");
    }

    [Fact]
    public void without_maintenance_fund_money_no_vote_is_needed()
    {
        var project = ProjectScenario.OfCamphorCourt();
        project.Funding.ShouldNotContain(f => f.Source == FundingSource.MaintenanceFund);

        var registered = project.Register().ShouldRegister();

        registered.RenovationVoteId.ShouldBeNull();
        var vote = registered.Eligibility.Clause(Eligibility.VoteClause);
        vote.Met.ShouldBeTrue();
        vote.Detail.ShouldBe("no maintenance-fund money is spent, so no vote is needed");
    }

    [Fact]
    public void maintenance_fund_money_cannot_be_listed_for_a_compound_without_a_fund()
    {
        var project = ProjectScenario.OfCamphorCourt()
            .WithoutAMaintenanceFund()
            .SpendingTheMaintenanceFund(120_000.00m, Votes.PassedByTheOwners(Compound));

        project.Register().ShouldBeRejectedWith("co_funding.no_fund_to_spend").Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void the_vote_criterion_is_carried_into_the_award()
    {
        var passed = Votes.PassedByTheOwners(Compound);
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(120_000.00m, passed).CompletedAndAuditedAt(900_000.00m);

        var awarded = project.Award().ShouldAppendOne<AwardDecided>();

        awarded.Criteria.Clause(Eligibility.VoteClause).Detail.ShouldBe($"vote {passed.VoteId} passed by the owners");
    }

    [Fact]
    public void maintenance_fund_money_is_other_money_beside_the_grant()
    {
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(120_000.00m, Votes.PassedByTheOwners(Compound)).Registered();

        project.View.OtherMoney.ShouldBe(426_000.00m + 372_500.00m + 120_000.00m);
    }

    [Fact]
    public void a_compound_id_written_with_spaces_is_still_the_compound_the_vote_was_held_in()
    {
        // The registration trims the compound id before recording it, and compares the trimmed id with the
        // vote's compound (comparing the untrimmed one refused the same compound as "another").
        var passed = Votes.PassedByTheOwners(Compound);
        var project = ProjectScenario.OfCamphorCourt().InCompound($" {Compound} ", "Camphor Court").SpendingTheMaintenanceFund(120_000.00m, passed);

        var registered = project.Register().ShouldRegister();

        registered.Compound.Id.ShouldBe(Compound);
    }
}

// The co-funding registration reads the referenced vote's VoteTally (a declared fact) in the ledger
// both cases are kept in; a VoteReference built from a tally of real renovation-vote events carries
// what the decision needs.
public class when_a_project_references_a_real_vote
{
    /// <summary>Three owners of Xiangya Garden vote on a 120,000 yuan spend.</summary>
    private static VoteScenario AFullVote() =>
        VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C").Spending(120_000.00m).Opened();

    /// <summary>A project of the vote's compound, kept beside the vote and registered the day after its window closes.</summary>
    private static ProjectScenario AProjectOfTheSameCompound(VoteScenario vote, decimal fundSpend) =>
        ProjectScenario.OfCamphorCourt()
            .BesideTheVote(vote)
            .InCompound(vote.Tally.CompoundId, vote.Tally.CompoundName)
            .SpendingTheMaintenanceFund(fundSpend, vote: null)
            .ReferencingVote(vote.VoteId)
            .RegisteringAt(vote.ClosesAt.AddDays(1));

    [Fact]
    public void the_reference_carries_the_tally_s_id_compound_route_status_outcome_and_approved_amount()
    {
        var vote = AFullVote().Voted(Yes, "A", "B").Voted(No, "C").Closed();
        var tally = Fold.Events<VoteTally>(VoteTallyProjection.Evolve, vote.History).ShouldNotBeNull();

        var reference = VoteReference.From(tally);

        reference.ShouldBe(new VoteReference(vote.VoteId, "compound-xiangya-garden", VotingRoute.FullVote, VoteStatus.Decided, VoteOutcome.Passed,
            tally.Proposal.Amount));
        reference.ApprovedAmount.ShouldNotBeNull().ShouldBeGreaterThan(0m);
        VoteReference.From(vote.Tally).ShouldBe(reference);
    }

    [Fact]
    public async Task the_registration_reads_the_reference_from_the_vote_s_tally_in_its_ledger()
    {
        var vote = AFullVote().Voted(Yes, "A", "B", "C").Closed();

        var read = await VoteReference.ReadAsync(vote.VoteId, new FixtureFacts(vote.Fixture), CancellationToken.None);
        var nothing = await VoteReference.ReadAsync(Guid.NewGuid(), new FixtureFacts(vote.Fixture), CancellationToken.None);
        var none = await VoteReference.ReadAsync(null, new FixtureFacts(vote.Fixture), CancellationToken.None);

        read.ShouldBe(VoteReference.From(vote.Tally));
        nothing.ShouldBeNull();
        none.ShouldBeNull();
    }

    [Fact]
    public void a_passed_vote_lets_the_project_spend_the_fund()
    {
        var vote = AFullVote().Voted(Yes, "A", "B", "C").Closed();

        var registered = AProjectOfTheSameCompound(vote, 120_000.00m).Register().ShouldRegister();

        registered.RenovationVoteId.ShouldBe(vote.VoteId);
        registered.Eligibility.Clause(Eligibility.VoteClause).Met.ShouldBeTrue();
    }

    [Fact]
    public void a_vote_whose_window_is_still_open_is_not_decided_yet()
    {
        var vote = AFullVote().Voted(Yes, "A", "B", "C");

        AProjectOfTheSameCompound(vote, 120_000.00m).Register().ShouldBeRejectedWith("co_funding.vote_not_decided");
    }

    [Fact]
    public void a_vote_that_failed_at_the_close_is_refused()
    {
        var vote = AFullVote().Voted(No, "A", "B").Voted(Yes, "C").Closed();
        vote.Tally.FinalOutcome.ShouldBe(VoteOutcome.Failed);

        AProjectOfTheSameCompound(vote, 120_000.00m).Register().ShouldBeRejectedWith("co_funding.vote_failed");
    }

    [Fact]
    public void a_small_spend_approved_by_the_committee_is_accepted()
    {
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C").Spending(12_000.00m).Opened().CommitteeDecided(approved: true);

        var registered = AProjectOfTheSameCompound(vote, 12_000.00m).Register().ShouldRegister();

        registered.Eligibility.Clause(Eligibility.VoteClause).Detail.ShouldContain("owners' committee");
    }

    [Fact]
    public void a_committee_approval_of_a_small_spend_does_not_cover_a_large_maintenance_fund_spend()
    {
        // The committee may only decide spends under the small-project limit (domain: a vote is needed
        // "unless it is under the small-project limit"), so its approval of 12,000 yuan must not be taken
        // for 1,280,000 yuan of the fund: the vote's approved amount is compared with the fund money listed.
        var vote = VoteScenario.UnderTheCivilCode().Owners(100.00m, "A", "B", "C").Spending(12_000.00m).Opened().CommitteeDecided(approved: true);
        vote.Tally.Proposal.Amount.ShouldBe(12_000.00m);

        var outcome = AProjectOfTheSameCompound(vote, 1_280_000.00m).Register();

        outcome.IsAccepted.ShouldBeFalse("a committee approval of 12,000 yuan was accepted for 1,280,000 yuan of the maintenance fund");
        outcome.Events.ShouldBeEmpty();
        outcome.ShouldBeRejectedWith("co_funding.vote_amount_exceeded").Reason.ShouldContain("12,000.00 yuan");
        outcome.Clauses.Clause(Eligibility.VoteClause).Met.ShouldBeFalse();
    }

    /// <summary>Reads the documents a fixture's ledger holds, as the pipeline reads a command's facts.</summary>
    private sealed class FixtureFacts(CaseFixture fixture) : IFactReader
    {
        public Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => Task.FromResult(fixture.Document<T>(id));

        public Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => Task.FromResult(fixture.Document<T>(id.ToString()));
    }
}
