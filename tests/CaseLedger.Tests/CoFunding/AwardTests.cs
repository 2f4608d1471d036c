using CaseLedger.Cases.CoFunding;
using CaseLedger.Core;
using CaseLedger.Tests.RenovationVotes;

namespace CaseLedger.Tests.CoFunding;

// The works are started, completed (with an acceptance reference) and their final cost audited,
// in that order.
public class when_advancing_a_project
{
    [Fact]
    public void a_registered_project_starts_once()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered();

        var started = project.Start().ShouldAppendOne<ProjectStarted>();

        started.ProjectId.ShouldBe(project.ProjectId);
        started.StartedAt.ShouldBe(project.Now);
        project.Project.Stage.ShouldBe(ProjectStage.Started);
        project.Start().ShouldBeRejectedWith("co_funding.already_started").Reason.ShouldContain("started");
    }

    [Fact]
    public void works_that_have_not_started_cannot_be_accepted_as_completed()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered();

        project.Complete().ShouldBeRejectedWith("co_funding.not_started");
        project.Project.Stage.ShouldBe(ProjectStage.Registered);
    }

    [Fact]
    public void completion_acceptance_is_recorded_with_its_reference()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started();

        var completed = project.Complete("  YL-ACC-2022-0917 ").ShouldAppendOne<ProjectCompleted>();

        completed.AcceptanceReference.ShouldBe("YL-ACC-2022-0917");
        completed.CompletedAt.ShouldBe(project.Now);
        project.Project.Stage.ShouldBe(ProjectStage.Completed);
        project.Project.AcceptanceReference.ShouldBe("YL-ACC-2022-0917");
    }

    [Fact]
    public void completion_without_an_acceptance_reference_is_invalid()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started();

        project.Complete("   ").ShouldBeRejectedWith("co_funding.acceptance_missing").Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void a_project_is_accepted_as_completed_once()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started().Completed();

        project.Complete("YL-ACC-2022-0999").ShouldBeRejectedWith("co_funding.already_completed");
        project.Project.AcceptanceReference.ShouldBe("YL-ACC-2022-0917");
    }

    [Fact]
    public void the_final_cost_is_audited_only_after_completion()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started();

        project.Audit(781_236.45m).ShouldBeRejectedWith("co_funding.not_completed");
        project.Project.AuditedCost.ShouldBeNull();
    }

    [Fact]
    public void the_first_audit_is_revision_1()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started().Completed();

        var audited = project.Audit(781_236.45m, " CS-AUD-2022-1103 ").ShouldAppendOne<FinalCostAudited>();

        audited.Revision.ShouldBe(1);
        audited.AuditedCost.ShouldBe(781_236.45m);
        audited.AuditReference.ShouldBe("CS-AUD-2022-1103");
        audited.AuditedAt.ShouldBe(project.Now);
        project.Project.Stage.ShouldBe(ProjectStage.Audited);
    }

    public static TheoryData<decimal> InvalidCosts => new() { 0m, -1.00m, 781_236.455m };

    [Theory]
    [MemberData(nameof(InvalidCosts))]
    public void an_audited_cost_must_be_positive_with_at_most_two_decimals(decimal cost)
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started().Completed();

        project.Audit(cost).ShouldBeRejectedWith("co_funding.audited_cost_invalid").Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void an_audit_names_its_report()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started().Completed();

        project.Audit(781_236.45m, "").ShouldBeRejectedWith("co_funding.audit_reference_missing").Kind.ShouldBe(RejectionKind.Invalid);
    }
}

// The grant is decided once, after completion acceptance and the audit of the final cost.
public class when_deciding_the_award
{
    [Fact]
    public void there_is_no_award_before_completion()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started();

        var rejection = project.Award().ShouldBeRejectedWith("co_funding.not_ready");

        rejection.Reason.ShouldContain("not accepted yet");
        rejection.Reason.ShouldContain("not audited yet");
        project.Project.Grant.ShouldBeNull();
    }

    [Fact]
    public void there_is_no_award_before_the_audit()
    {
        var project = ProjectScenario.OfCamphorCourt().Registered().Started().Completed();

        var rejection = project.Award().ShouldBeRejectedWith("co_funding.not_ready");

        rejection.Reason.ShouldContain("not audited yet");
        rejection.Reason.ShouldNotContain("not accepted yet");
        rejection.Kind.ShouldBe(RejectionKind.NotAllowed);
    }

    [Fact]
    public void an_audited_project_is_awarded_with_every_criterion_met()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost);

        var awarded = project.Award().ShouldAppendOne<AwardDecided>();

        awarded.ProjectId.ShouldBe(project.ProjectId);
        awarded.DecidedAt.ShouldBe(project.Now);
        awarded.Rule.ShouldBe(CoFundingRuleBook.Version1.Rule);
        awarded.Criteria.Select(c => c.Clause).ShouldBe([
            Eligibility.BuiltYearsClause,
            Eligibility.MaintenanceFundClause,
            Eligibility.VoteClause,
            Eligibility.CompletedClause,
            Eligibility.AuditedClause,
        ]);
        awarded.Criteria.ShouldAllBe(c => c.Met);
        awarded.Criteria.Clause(Eligibility.CompletedClause).Detail.ShouldBe("acceptance YL-ACC-2022-0917");
        awarded.Criteria.Clause(Eligibility.AuditedClause).Detail.ShouldBe("audited at 781,236.45 yuan");
        project.Project.Stage.ShouldBe(ProjectStage.Awarded);
        project.Project.Grant.ShouldBe(awarded.Grant);
    }

    [Fact]
    public void a_project_is_awarded_once()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();

        project.Award().ShouldBeRejectedWith("co_funding.already_awarded");
        project.History.OfType<AwardDecided>().ShouldHaveSingleItem();
    }

    [Fact]
    public void a_what_if_award_is_also_refused_once_the_grant_is_decided()
    {
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost).Awarded();

        project.AwardUnder(CoFundingRuleBook.Version1).ShouldBeRejectedWith("co_funding.already_awarded");
    }
}
