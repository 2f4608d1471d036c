using CaseLedger.Cases.CoFunding;
using CaseLedger.Core;
using CaseLedger.Tests.RenovationVotes;

namespace CaseLedger.Tests.CoFunding;

// CoFundingEligibility shows one project from its events alone: the criteria with their reasons,
// the costs, the grant with every adjustment, what has been paid and what is still due.
public class when_following_a_project
{
    [Fact]
    public void a_registered_project_shows_its_criteria_and_its_money()
    {
        var passed = Votes.PassedByTheOwners("camphor-court");
        var project = ProjectScenario.OfCamphorCourt().SpendingTheMaintenanceFund(50_000.00m, passed).Registered();
        var registered = project.History.OfType<ProjectRegistered>().Single();

        var view = project.View;

        view.Id.ShouldBe(project.ProjectId);
        view.Compound.ShouldBe(project.Compound);
        view.Description.ShouldBe("Pipes, facade and lighting renewal");
        view.EstimatedCost.ShouldBe(798_500.00m);
        view.Funding.ShouldBe(project.Funding);
        view.OtherMoney.ShouldBe(848_500.00m);
        view.RenovationVoteId.ShouldBe(passed.VoteId);
        view.Rule.ShouldBe(CoFundingRuleBook.Version1.Rule);
        view.Rate.ShouldBe(0.30m);
        view.Eligible.ShouldBeTrue();
        view.Criteria.ShouldBe(registered.Eligibility);
        view.Stage.ShouldBe(ProjectStage.Registered);
        view.RegisteredAt.ShouldBe(ProjectScenario.DefaultRegisteredAt);
        view.Grant.ShouldBeNull();
        view.InitialGrant.ShouldBeNull();
        view.Adjustments.ShouldBeEmpty();
        view.Paid.ShouldBe(Grant.None);
        view.Balance.ShouldBe(0m);
    }

    [Fact]
    public void the_works_and_the_audit_are_shown_as_they_happen()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started();
        var startedAt = project.Now;
        project.Completed();
        var completedAt = project.Now;
        project.Audited(781_236.45m);

        var view = project.View;

        view.StartedAt.ShouldBe(startedAt);
        view.CompletedAt.ShouldBe(completedAt);
        view.AcceptanceReference.ShouldBe("YL-ACC-2022-0917");
        view.AuditedCost.ShouldBe(781_236.45m);
        view.AuditRevisions.ShouldBe(1);
        view.Stage.ShouldBe(ProjectStage.Audited);
        view.AwardedAt.ShouldBeNull();
    }

    [Fact]
    public void an_awarded_project_shows_the_grant_as_due_and_the_criteria_it_was_decided_on()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m).Awarded();
        var awarded = project.History.OfType<AwardDecided>().Single();

        var view = project.View;

        view.Stage.ShouldBe(ProjectStage.Awarded);
        view.Grant.ShouldBe(new Grant(234_370.94m, 117_185.47m, 117_185.47m));
        view.InitialGrant.ShouldBe(view.Grant);
        view.AwardedAt.ShouldBe(awarded.DecidedAt);
        view.Criteria.ShouldBe(awarded.Criteria);
        view.Criteria.Clause(Eligibility.AuditedClause).Met.ShouldBeTrue();
        view.Paid.ShouldBe(Grant.None);
        view.Balance.ShouldBe(234_370.94m);
    }

    [Fact]
    public void a_paid_grant_leaves_nothing_due()
    {
        var view = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m).Awarded().Settled().View;

        view.Paid.ShouldBe(new Grant(234_370.94m, 117_185.47m, 117_185.47m));
        view.Balance.ShouldBe(0m);
    }

    [Fact]
    public void a_claw_back_is_listed_and_leaves_a_negative_balance_until_recovered()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(3_981_250.50m).Awarded().Settled();
        project.Audit(3_948_760.35m, "CS-AUD-2025-0311-R");
        var adjustedAt = project.Now;

        var view = project.View;

        view.InitialGrant.ShouldBe(new Grant(1_194_375.15m, 597_187.58m, 597_187.57m));
        view.Grant.ShouldBe(new Grant(1_184_628.11m, 592_314.06m, 592_314.05m));
        view.Adjustments.ShouldBe([
            new GrantAdjustment(3_981_250.50m, 3_948_760.35m, new Grant(-9_747.04m, -4_873.52m, -4_873.52m), "CS-AUD-2025-0311-R", adjustedAt),
        ]);
        view.AuditedCost.ShouldBe(3_948_760.35m);
        view.AuditRevisions.ShouldBe(2);
        view.Paid.Total.ShouldBe(1_194_375.15m);
        view.Balance.ShouldBe(-9_747.04m);

        project.Settled();

        project.View.Paid.ShouldBe(view.Grant);
        project.View.Balance.ShouldBe(0m);
    }

    [Fact]
    public void the_read_model_agrees_with_the_write_side_state()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m).Awarded().Settled().Audited(790_000.00m);

        var view = project.View;
        var state = Fold.Events<CoFundingProject>(CoFundingProjectProjection.Evolve, project.History).ShouldNotBeNull();

        state.ShouldBe(project.Project);
        view.Grant.ShouldBe(state.Grant);
        view.Paid.ShouldBe(state.Settled);
        view.AuditedCost.ShouldBe(state.AuditedCost);
        view.AuditRevisions.ShouldBe(state.AuditRevisions);
        view.Stage.ShouldBe(state.Stage);
        view.Balance.ShouldBe(2_629.06m);
    }
}

// A district's summary adds up its projects' read models: grants decided and paid, the other money
// of the awarded projects, and the leverage (other money per yuan of grant paid).
public class when_summing_up_a_district
{
    /// <summary>Camphor Court: awarded 234,370.94 on 781,236.45 and paid; 798,500 of other money.</summary>
    private static ProjectScenario CamphorCourtPaid() =>
        ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m).Awarded().Settled();

    /// <summary>Sunshine Garden: 4,027,000 of other money (2,337,000 from outside), awarded 1,194,375.15, not yet paid.</summary>
    private static ProjectScenario SunshineGarden() =>
        ProjectScenario.OfCamphorCourt()
            .InCompound("sunshine-garden", "Sunshine Garden")
            .FundedBy(
                new Funding(FundingSource.OutsideFunds, 2_337_000.00m),
                new Funding(FundingSource.EnterpriseInvestment, 410_000.00m))
            .SpendingTheMaintenanceFund(1_280_000.00m, Votes.PassedByTheOwners("sunshine-garden"))
            .CompletedAndAuditedAt(3_981_250.50m)
            .Awarded();

    /// <summary>Old Mill Lane: built 1998, registered but not eligible; 210,000 of other money.</summary>
    private static ProjectScenario OldMillLane() =>
        ProjectScenario.OfACompoundBuiltIn(1998)
            .InCompound("old-mill-lane", "Old Mill Lane")
            .FundedBy(
                new Funding(FundingSource.CompoundPublicIncome, 150_000.00m),
                new Funding(FundingSource.ResidentsSelfRaised, 60_000.00m))
            .Registered();

    [Fact]
    public void the_summary_counts_the_projects_and_adds_up_their_grants()
    {
        var summary = CoFundingSummary.Of("yuelu", [CamphorCourtPaid().View, SunshineGarden().View, OldMillLane().View]);

        summary.District.ShouldBe("yuelu");
        summary.Projects.ShouldBe(3);
        summary.EligibleProjects.ShouldBe(2);
        summary.AwardedProjects.ShouldBe(2);
        summary.GrantsAwarded.ShouldBe(1_428_746.09m);
        summary.GrantsPaid.ShouldBe(234_370.94m);
        summary.CityPaid.ShouldBe(117_185.47m);
        summary.DistrictPaid.ShouldBe(117_185.47m);
    }

    [Fact]
    public void only_the_other_money_of_awarded_projects_counts_by_source()
    {
        var summary = CoFundingSummary.Of("yuelu", [CamphorCourtPaid().View, SunshineGarden().View, OldMillLane().View]);

        summary.OtherMoneyOfAwardedProjects.ShouldBe(4_825_500.00m);
        summary.OtherMoneyBySource.ShouldBe(new Dictionary<FundingSource, decimal>
        {
            [FundingSource.MaintenanceFund] = 1_280_000.00m,
            [FundingSource.CompoundPublicIncome] = 426_000.00m,
            [FundingSource.EnterpriseInvestment] = 410_000.00m,
            [FundingSource.ResidentsSelfRaised] = 372_500.00m,
            [FundingSource.OutsideFunds] = 2_337_000.00m,
        }, ignoreOrder: true);
        summary.OtherMoneyBySource.Values.Sum().ShouldBe(summary.OtherMoneyOfAwardedProjects);
    }

    [Fact]
    public void leverage_is_the_other_money_per_yuan_of_grant_paid()
    {
        var summary = CoFundingSummary.Of("yuelu", [CamphorCourtPaid().View, SunshineGarden().View, OldMillLane().View]);

        // 4,825,500.00 / 234,370.94 = 20.589...
        summary.Leverage.ShouldBe(20.59m);
    }

    [Fact]
    public void there_is_no_leverage_while_nothing_has_been_paid()
    {
        var summary = CoFundingSummary.Of("yuelu", [SunshineGarden().View, OldMillLane().View]);

        summary.GrantsPaid.ShouldBe(0m);
        summary.OtherMoneyOfAwardedProjects.ShouldBe(4_027_000.00m);
        summary.Leverage.ShouldBeNull();
    }

    [Fact]
    public void recovered_money_is_taken_off_what_was_paid()
    {
        var sunshine = SunshineGarden().Settled().Audited(3_948_760.35m).Settled();

        var summary = CoFundingSummary.Of("yuelu", [sunshine.View]);

        summary.GrantsAwarded.ShouldBe(1_184_628.11m);
        summary.GrantsPaid.ShouldBe(1_184_628.11m);
        summary.CityPaid.ShouldBe(592_314.06m);
        summary.DistrictPaid.ShouldBe(592_314.05m);
        // 4,027,000.00 / 1,184,628.11 = 3.399...
        summary.Leverage.ShouldBe(3.40m);
    }

    [Fact]
    public void a_district_without_projects_sums_to_nothing()
    {
        var summary = CoFundingSummary.Of("furong", []);

        summary.Projects.ShouldBe(0);
        summary.GrantsAwarded.ShouldBe(0m);
        summary.OtherMoneyBySource.ShouldBeEmpty();
        summary.Leverage.ShouldBeNull();
    }
}
