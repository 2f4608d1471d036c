using CaseLedger.Cases.CoFunding;
using CaseLedger.Rules;

namespace CaseLedger.Tests.CoFunding;

// What-if replays a project's recorded decisions (registration, award, audit revisions) under a
// proposed version, on the costs and at the times the events recorded, and says what would change.
public class when_replaying_a_project_under_a_proposed_version
{
    private static readonly CoFundingWhatIf Replay = new();

    private static RuleVersion Proposed(string version) => CoFundingScenarioFiles.Rules.Get(CoFundingRules.RuleId, version);

    /// <summary>A proposal admitting only compounds built 2000-2003, written as a rule file writes it.</summary>
    private static RuleVersion OnlyBuiltUntil2003() =>
        CoFundingRuleBook.WithProposedVersion("until-2003", """
            { "builtFrom": 2000, "builtUntil": 2003, "maintenanceFundRequired": true,
              "rate": 0.30, "cityShare": 0.50, "rounding": "away-from-zero" }
            """).Get(CoFundingRules.RuleId, "until-2003");

    private static WhatIfCase ReplayOf(ProjectScenario project, RuleVersion proposed) =>
        Replay.Replay(project.ProjectId, "yuelu", project.History, proposed).ShouldNotBeNull();

    [Fact]
    public void a_35_percent_rate_raises_camphor_court_s_grant_without_changing_any_clause()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();

        var replayed = ReplayOf(project, Proposed("2-proposed"));

        replayed.CaseId.ShouldBe(project.ProjectId);
        replayed.District.ShouldBe("yuelu");
        replayed.Outcome.ShouldBe("Awarded");
        replayed.ProposedOutcome.ShouldBe("Awarded");
        replayed.Amount.ShouldBe(234_370.94m);
        replayed.ProposedAmount.ShouldBe(273_432.76m);
        replayed.ChangedClauses.ShouldBeEmpty();
        replayed.Changed.ShouldBeTrue();
        replayed.Summary.ShouldBe("Camphor Court (built 2004), audited at 781,236.45 yuan: " +
            "under co-funding@1 granted 234,370.94 yuan (city 117,185.47 yuan, district 117,185.47 yuan); " +
            "under co-funding@2-proposed granted 273,432.76 yuan (city 136,716.38 yuan, district 136,716.38 yuan)");
    }

    [Fact]
    public void a_project_granted_under_the_recorded_rule_would_get_nothing_under_narrower_build_years()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();

        var replayed = ReplayOf(project, OnlyBuiltUntil2003());

        replayed.Outcome.ShouldBe("Awarded");
        replayed.ProposedOutcome.ShouldBe("Ineligible");
        replayed.Amount.ShouldBe(234_370.94m);
        replayed.ProposedAmount.ShouldBeNull();
        replayed.ChangedClauses.ShouldBe([Eligibility.BuiltYearsClause]);
    }

    [Fact]
    public void a_compound_built_in_2016_becomes_eligible_under_the_wider_proposal()
    {
        var project = ProjectScenario.OfACompoundBuiltIn(2016).Registered();

        var replayed = ReplayOf(project, Proposed("3-proposed"));

        replayed.Outcome.ShouldBe("Ineligible");
        replayed.ProposedOutcome.ShouldBe("NotAwarded");
        replayed.Amount.ShouldBeNull();
        replayed.ProposedAmount.ShouldBeNull();
        replayed.ChangedClauses.ShouldBe([Eligibility.BuiltYearsClause]);
        replayed.Changed.ShouldBeTrue();
    }

    [Fact]
    public void a_claw_back_is_replayed_on_the_recorded_revision_under_the_proposed_rate()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(3_981_250.50m).Awarded().Settled();
        project.Audit(3_948_760.35m, "CS-AUD-2025-0311-R").IsAccepted.ShouldBeTrue();

        var replayed = ReplayOf(project, Proposed("2-proposed"));

        replayed.Amount.ShouldBe(1_184_628.11m);
        replayed.ProposedAmount.ShouldBe(1_382_066.12m);
        // Half of 1,184,628.11 falls between two fen; half of 1,382,066.12 does not.
        replayed.ChangedClauses.ShouldBe([Eligibility.SplitRoundingClause]);
    }

    [Fact]
    public void a_revision_that_moved_nothing_at_30_percent_would_adjust_the_grant_at_35_percent()
    {
        // 30% of 100,000.07 and of 100,000.08 both round to 30,000.02; 35% gives 35,000.02 and 35,000.03.
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(100_000.07m).Awarded();
        project.Audit(100_000.08m).Events.ShouldHaveSingleItem().ShouldBeOfType<FinalCostAudited>();

        var replayed = ReplayOf(project, Proposed("2-proposed"));

        replayed.Amount.ShouldBe(30_000.02m);
        replayed.ProposedAmount.ShouldBe(35_000.03m);
        // The adjusted 35,000.03 also splits with a rounded fen, where 30,000.02 split evenly.
        replayed.ChangedClauses.ShouldBe([Eligibility.SplitRoundingClause, Eligibility.AdjustmentClause]);
    }

    [Fact]
    public void the_same_version_replayed_changes_nothing()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();
        project.Audit(790_000.00m).IsAccepted.ShouldBeTrue();

        var replayed = ReplayOf(project, CoFundingScenarioFiles.Rules.Get(CoFundingRules.RuleId, "1"));

        replayed.Changed.ShouldBeFalse();
        replayed.Amount.ShouldBe(237_000.00m);
        replayed.ProposedAmount.ShouldBe(237_000.00m);
    }

    [Fact]
    public void a_city_share_of_60_percent_changes_the_split_not_the_grant()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();

        var replayed = ReplayOf(project, Proposed("3-proposed"));

        // 50% of 234,370.94 is whole fen; 60% of it (140,622.564) is rounded.
        replayed.Amount.ShouldBe(replayed.ProposedAmount);
        replayed.ChangedClauses.ShouldBe([Eligibility.SplitRoundingClause]);
    }

    [Fact]
    public void a_project_whose_registration_was_never_recorded_has_no_decision_to_replay()
    {
        Replay.Replay(Guid.NewGuid(), "yuelu", [], Proposed("2-proposed")).ShouldBeNull();
    }

    [Fact]
    public void the_kind_offers_the_replay_for_the_co_funding_rule()
    {
        new CoFundingKind().WhatIf.ShouldNotBeNull().RuleId.ShouldBe(CoFundingRules.RuleId);
    }
}
