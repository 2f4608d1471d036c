using CaseLedger.Cases.CoFunding;
using CaseLedger.Rules;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.CoFunding;

// What-if replays a project's recorded decisions (registration, award, audit revisions) under a
// proposed version, on the costs and at the times the events recorded, and says what would change.
public class when_replaying_a_project_under_a_proposed_version
{
    private static readonly Vocabulary Words = Vocabulary.Of(new CoFundingKind());

    private static RuleVersion Proposed(string version) => CoFundingScenarioFiles.Rules.Get(CoFundingRules.RuleId, version);

    /// <summary>A proposal admitting only compounds built 2000-2003, written as a rule file writes it.</summary>
    private static RuleVersion OnlyBuiltUntil2003() =>
        CoFundingRuleBook.ProposedVersion("until-2003", """
            { "builtFrom": 2000, "builtUntil": 2003, "maintenanceFundRequired": true,
              "rate": 0.30, "cityShare": 0.50, "rounding": "away-from-zero" }
            """);

    private static async Task<WhatIfCase> ReplayOf(ProjectScenario project, RuleVersion proposed) =>
        (await WhatIf.ReplayAsync(Words, CoFundingRuleBook.Default, proposed, project.Fixture.District, project.ProjectId, project.Recorded))
        .ShouldNotBeNull();

    [Fact]
    public async Task a_35_percent_rate_raises_camphor_court_s_grant_without_changing_any_clause()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();

        var replayed = await ReplayOf(project, Proposed("2-proposed"));

        replayed.CaseId.ShouldBe(project.ProjectId);
        replayed.District.ShouldBe(project.Fixture.District);
        replayed.Outcome.ShouldBe("Awarded");
        replayed.ProposedOutcome.ShouldBe("Awarded");
        replayed.Amount.ShouldBe(234_370.94m);
        replayed.ProposedAmount.ShouldBe(273_432.76m);
        replayed.ChangedClauses.ShouldBeEmpty();
        replayed.Refusals.ShouldBeEmpty();
        replayed.Changed.ShouldBeTrue();
        replayed.Summary.ShouldBe("Project registered for Camphor Court (built 2004): Pipes, facade and lighting renewal, estimate 798,500.00 yuan; " +
            "eligible: Awarded under co-funding@1, Awarded under co-funding@2-proposed");

        // The summary no longer spells out the split; the same history under the proposal shows it.
        var recorded = project.View.Grant.ShouldNotBeNull();
        recorded.ShouldBe(new Grant(234_370.94m, 117_185.47m, 117_185.47m));
        var underTheProposal = ProjectScenario.OfCamphorCourt().Under(Proposed("2-proposed"))
            .CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded().View.Grant.ShouldNotBeNull();
        underTheProposal.ShouldBe(new Grant(273_432.76m, 136_716.38m, 136_716.38m));
        underTheProposal.Total.ShouldBe(replayed.ProposedAmount!.Value);
    }

    [Fact]
    public async Task a_project_granted_under_the_recorded_rule_would_get_nothing_under_narrower_build_years()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();

        var replayed = await ReplayOf(project, OnlyBuiltUntil2003());

        replayed.Outcome.ShouldBe("Awarded");
        replayed.ProposedOutcome.ShouldBe("Ineligible");
        replayed.Amount.ShouldBe(234_370.94m);
        replayed.ProposedAmount.ShouldBeNull();
        replayed.ChangedClauses.ShouldBe([Eligibility.BuiltYearsClause]);
        replayed.Refusals.ShouldBe(["co_funding.ineligible"]);
    }

    [Fact]
    public async Task a_compound_built_in_2016_becomes_eligible_under_the_wider_proposal()
    {
        var project = ProjectScenario.OfACompoundBuiltIn(2016).Registered();

        var replayed = await ReplayOf(project, Proposed("3-proposed"));

        replayed.Outcome.ShouldBe("Ineligible");
        replayed.ProposedOutcome.ShouldBe("NotAwarded");
        replayed.Amount.ShouldBeNull();
        replayed.ProposedAmount.ShouldBeNull();
        replayed.ChangedClauses.ShouldBe([Eligibility.BuiltYearsClause]);
        replayed.Changed.ShouldBeTrue();
    }

    [Fact]
    public async Task a_claw_back_is_replayed_on_the_recorded_revision_under_the_proposed_rate()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(3_981_250.50m).Awarded().Settled();
        project.Audit(3_948_760.35m, "CS-AUD-2025-0311-R").IsAccepted.ShouldBeTrue();

        var replayed = await ReplayOf(project, Proposed("2-proposed"));

        replayed.Amount.ShouldBe(1_184_628.11m);
        replayed.ProposedAmount.ShouldBe(1_382_066.12m);
        // Half of 1,184,628.11 falls between two fen; half of 1,382,066.12 does not.
        replayed.ChangedClauses.ShouldBe([Eligibility.SplitRoundingClause]);
    }

    [Fact]
    public async Task a_revision_that_moved_nothing_at_30_percent_would_adjust_the_grant_at_35_percent()
    {
        // 30% of 100,000.07 and of 100,000.08 both round to 30,000.02; 35% gives 35,000.02 and 35,000.03.
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(100_000.07m).Awarded();
        project.Audit(100_000.08m).Events.ShouldHaveSingleItem().ShouldBeOfType<FinalCostAudited>();

        var replayed = await ReplayOf(project, Proposed("2-proposed"));

        replayed.Amount.ShouldBe(30_000.02m);
        replayed.ProposedAmount.ShouldBe(35_000.03m);
        // The adjusted 35,000.03 also splits with a rounded fen, where 30,000.02 split evenly.
        replayed.ChangedClauses.ShouldBe([Eligibility.SplitRoundingClause, Eligibility.AdjustmentClause]);
    }

    [Fact]
    public async Task the_same_version_replayed_changes_nothing()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();
        project.Audit(790_000.00m).IsAccepted.ShouldBeTrue();

        var replayed = await ReplayOf(project, CoFundingScenarioFiles.Rules.Get(CoFundingRules.RuleId, "1"));

        replayed.Changed.ShouldBeFalse();
        replayed.Amount.ShouldBe(237_000.00m);
        replayed.ProposedAmount.ShouldBe(237_000.00m);
    }

    [Fact]
    public async Task a_city_share_of_60_percent_changes_the_split_not_the_grant()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();

        var replayed = await ReplayOf(project, Proposed("3-proposed"));

        // 50% of 234,370.94 is whole fen; 60% of it (140,622.564) is rounded.
        replayed.Amount.ShouldBe(replayed.ProposedAmount);
        replayed.ChangedClauses.ShouldBe([Eligibility.SplitRoundingClause]);
    }

    [Fact]
    public async Task a_project_whose_registration_was_never_recorded_has_no_decision_to_replay()
    {
        (await WhatIf.ReplayAsync(Words, CoFundingRuleBook.Default, Proposed("2-proposed"), "fixture", Guid.NewGuid(), [])).ShouldBeNull();
    }

    [Fact]
    public void every_decision_of_the_project_can_be_rebuilt_from_what_it_recorded()
    {
        var kind = new CoFundingKind();

        kind.RuleId.ShouldBe(CoFundingRules.RuleId);
        kind.Commands.ShouldAllBe(c => c.ReplayedFrom.Count == 1);
        Words.WhatIfOutcome.ShouldBe("outcome");
        Words.WhatIfAmount.ShouldBe("grant");
    }
}
