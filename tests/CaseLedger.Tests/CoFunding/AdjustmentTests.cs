using CaseLedger.Cases.CoFunding;
using CaseLedger.Tests.RenovationVotes;

namespace CaseLedger.Tests.CoFunding;

// One award per project: a later audit that changes the cost appends a revision and, once the grant
// is decided, an adjustment (claw-back or top-up). Nothing recorded earlier is ever edited.
public class when_the_audited_cost_is_revised
{
    // The claw-back figures are Sunshine Garden's: 3,981,250.50 audited, later revised to 3,948,760.35.
    private static ProjectScenario AwardedOn(decimal auditedCost) =>
        ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(auditedCost).Awarded();

    [Fact]
    public void a_lower_cost_after_the_award_claws_back_the_difference()
    {
        var project = AwardedOn(3_981_250.50m);

        var (audited, adjusted) = project.Audit(3_948_760.35m, "CS-AUD-2025-0311-R").ShouldAppendTwo<FinalCostAudited, AwardAdjusted>();

        audited.Revision.ShouldBe(2);
        audited.AuditedCost.ShouldBe(3_948_760.35m);
        adjusted.PreviousAuditedCost.ShouldBe(3_981_250.50m);
        adjusted.AuditedCost.ShouldBe(3_948_760.35m);
        adjusted.PreviousGrant.ShouldBe(new Grant(1_194_375.15m, 597_187.58m, 597_187.57m));
        adjusted.Grant.ShouldBe(new Grant(1_184_628.11m, 592_314.06m, 592_314.05m));
        adjusted.Difference.ShouldBe(new Grant(-9_747.04m, -4_873.52m, -4_873.52m));
        adjusted.AuditReference.ShouldBe("CS-AUD-2025-0311-R");
        adjusted.Rule.ShouldBe(CoFundingRuleBook.Version1.Rule);
        adjusted.AdjustedAt.ShouldBe(audited.AuditedAt);
        project.Project.Grant.ShouldBe(adjusted.Grant);
        project.Project.AuditRevisions.ShouldBe(2);
    }

    [Fact]
    public void a_higher_cost_after_the_award_tops_it_up()
    {
        var project = AwardedOn(781_236.45m);

        var (_, adjusted) = project.Audit(790_000.00m).ShouldAppendTwo<FinalCostAudited, AwardAdjusted>();

        adjusted.Grant.ShouldBe(new Grant(237_000.00m, 118_500.00m, 118_500.00m));
        adjusted.Difference.ShouldBe(new Grant(2_629.06m, 1_314.53m, 1_314.53m));
        (adjusted.PreviousGrant.Total + adjusted.Difference.Total).ShouldBe(adjusted.Grant.Total);
    }

    [Fact]
    public void the_earlier_award_and_audit_are_left_as_they_were()
    {
        var project = AwardedOn(3_981_250.50m);
        var before = project.History.ToList();
        var award = project.History.OfType<AwardDecided>().Single();

        project.Audit(3_948_760.35m);

        project.History.Count.ShouldBe(before.Count + 2);
        project.History.Take(before.Count).ShouldBe(before);
        award.Grant.Total.ShouldBe(1_194_375.15m);
        award.AuditedCost.ShouldBe(3_981_250.50m);
        project.History.OfType<AwardDecided>().ShouldHaveSingleItem().ShouldBeSameAs(award);
        project.History.OfType<FinalCostAudited>().Select(a => a.Revision).ShouldBe([1, 2]);
    }

    [Fact]
    public void each_further_revision_adjusts_from_the_grant_as_it_then_stands()
    {
        var project = AwardedOn(3_981_250.50m).Audited(3_948_760.35m);

        var (audited, adjusted) = project.Audit(3_981_250.50m).ShouldAppendTwo<FinalCostAudited, AwardAdjusted>();

        audited.Revision.ShouldBe(3);
        adjusted.PreviousAuditedCost.ShouldBe(3_948_760.35m);
        adjusted.PreviousGrant.Total.ShouldBe(1_184_628.11m);
        adjusted.Difference.ShouldBe(new Grant(9_747.04m, 4_873.52m, 4_873.52m));
        project.Project.Grant!.Total.ShouldBe(1_194_375.15m);
    }

    [Fact]
    public void a_revision_before_the_award_only_revises_the_cost()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(3_981_250.50m);

        var revised = project.Audit(3_948_760.35m).ShouldAppendOne<FinalCostAudited>();

        revised.Revision.ShouldBe(2);
        project.Project.Grant.ShouldBeNull();
        project.Project.Stage.ShouldBe(ProjectStage.Audited);
        project.Award().ShouldAppendOne<AwardDecided>().Grant.Total.ShouldBe(1_184_628.11m);
    }

    [Fact]
    public void the_same_audited_cost_again_is_refused()
    {
        var project = AwardedOn(781_236.45m);

        var rejection = project.Audit(781_236.450m).ShouldBeRejectedWith("co_funding.audit_unchanged");

        rejection.Reason.ShouldContain("781,236.45 yuan");
        project.Project.AuditRevisions.ShouldBe(1);
    }

    [Fact]
    public void a_revision_after_the_award_keeps_the_project_awarded()
    {
        var project = AwardedOn(781_236.45m).Audited(790_000.00m);

        project.Project.Stage.ShouldBe(ProjectStage.Awarded);
        project.View.Stage.ShouldBe(ProjectStage.Awarded);
    }
}

// Settling pays what is due on the grant as it stands, or records the recovery of an overpayment
// after a claw-back; the balance then is zero.
public class when_settling_the_grant
{
    [Fact]
    public void the_first_settlement_pays_the_whole_grant()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m).Awarded();

        var settled = project.Settle("  PAY-2022-1220 ").ShouldAppendOne<GrantSettled>();

        settled.Amount.ShouldBe(new Grant(234_370.94m, 117_185.47m, 117_185.47m));
        settled.PaymentReference.ShouldBe("PAY-2022-1220");
        settled.SettledAt.ShouldBe(project.Now);
        project.Project.Settled.ShouldBe(settled.Amount);
    }

    [Fact]
    public void nothing_is_due_once_the_grant_is_paid()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m).Awarded().Settled();

        project.Settle().ShouldBeRejectedWith("co_funding.nothing_due");
    }

    [Fact]
    public void after_a_claw_back_the_overpayment_is_recovered()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(3_981_250.50m).Awarded().Settled().Audited(3_948_760.35m);

        var recovered = project.Settle("REC-2025-0328").ShouldAppendOne<GrantSettled>();

        recovered.Amount.ShouldBe(new Grant(-9_747.04m, -4_873.52m, -4_873.52m));
        project.Project.Settled.ShouldBe(project.Project.Grant);
        project.Settle().ShouldBeRejectedWith("co_funding.nothing_due");
    }

    [Fact]
    public void after_a_top_up_the_difference_is_paid()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m).Awarded().Settled().Audited(790_000.00m);

        project.Settle().ShouldAppendOne<GrantSettled>().Amount.ShouldBe(new Grant(2_629.06m, 1_314.53m, 1_314.53m));
        project.Project.Settled.Total.ShouldBe(237_000.00m);
    }

    [Fact]
    public void a_revision_before_the_first_payment_is_paid_in_one_settlement()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(3_981_250.50m).Awarded().Audited(3_948_760.35m);

        project.Settle().ShouldAppendOne<GrantSettled>().Amount.ShouldBe(new Grant(1_184_628.11m, 592_314.06m, 592_314.05m));
    }

    [Fact]
    public void nothing_is_due_before_the_grant_is_decided()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m);

        project.Settle().ShouldBeRejectedWith("co_funding.not_awarded");
    }

    [Fact]
    public void a_settlement_names_its_payment()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m).Awarded();

        project.Settle(" ").ShouldBeRejectedWith("co_funding.payment_reference_missing");
        project.Project.Settled.ShouldBe(Grant.None);
    }
}
