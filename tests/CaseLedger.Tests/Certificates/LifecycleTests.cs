using CaseLedger.Cases.Certificates;
using CaseLedger.Core;

namespace CaseLedger.Tests.Certificates;

// applied → eligibility decided → reviewed → approved or rejected → produced → mailed → delivered.
// Each step is accepted only in its place; a refused step appends nothing.
public class when_following_the_lifecycle
{
    [Fact]
    public void an_eligible_application_goes_from_review_to_delivery_with_each_step_at_its_time()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied();
        var t = CertificateScenario.DefaultAppliedAt;

        application.Review(t.AddHours(4)).ShouldAppendOne<CertificateApplicationReviewed>().ReviewedAt.ShouldBe(t.AddHours(4));
        application.Approve(t.AddHours(5)).ShouldAppendOne<CertificateApproved>().ApprovedAt.ShouldBe(t.AddHours(5));
        application.Produce(t.AddDays(1)).ShouldAppendOne<CertificateProduced>().ProducedAt.ShouldBe(t.AddDays(1));
        var mailed = application.Mail(" SF1458203377061 ", t.AddDays(1).AddHours(6)).ShouldAppendOne<CertificateMailed>();
        application.Deliver(t.AddDays(3)).ShouldAppendOne<CertificateDelivered>().DeliveredAt.ShouldBe(t.AddDays(3));

        mailed.TrackingReference.ShouldBe("SF1458203377061");
        mailed.MailedAt.ShouldBe(t.AddDays(1).AddHours(6));
        application.State.Status.ShouldBe(CertificateStatus.Delivered);
        application.History.Select(e => e.GetType()).ShouldBe([
            typeof(CertificateApplied), typeof(CertificateEligibilityDecided), typeof(CertificateApplicationReviewed),
            typeof(CertificateApproved), typeof(CertificateProduced), typeof(CertificateMailed), typeof(CertificateDelivered)]);
    }

    [Fact]
    public void a_reviewed_application_can_be_rejected_with_a_reason_and_the_case_ends()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed();

        var rejected = application.Reject("  The photo does not meet the standard.  ").ShouldAppendOne<CertificateApplicationRejected>();

        rejected.Reason.ShouldBe("The photo does not meet the standard.");
        application.State.Status.ShouldBe(CertificateStatus.Rejected);
        var approve = application.Approve().ShouldBeRejectedWith("certificate.rejected_at_review");
        approve.Reason.ShouldContain("The photo does not meet the standard.");
    }

    public static TheoryData<CertificateStep> EveryStep => new(Enum.GetValues<CertificateStep>());

    [Theory]
    [MemberData(nameof(EveryStep))]
    public void no_step_is_taken_online_once_the_application_is_routed_to_a_window(CertificateStep step)
    {
        var application = CertificateScenario.AnEligibleApplicant().FingerprintsOnFile(false).Applied();

        var rejection = application.Take(step).ShouldBeRejectedWith("certificate.routed_to_window");

        rejection.Reason.ShouldContain(Eligibility.FingerprintsClause);
        application.History.Count.ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(EveryStep))]
    public void no_step_is_taken_after_a_rejection(CertificateStep step)
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed().Rejected();

        application.Take(step).ShouldBeRejectedWith("certificate.rejected_at_review");
    }

    [Fact]
    public void approving_before_review_is_out_of_order()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied();

        var rejection = application.Approve().ShouldBeRejectedWith("certificate.out_of_order");

        rejection.Reason.ShouldBe("The application cannot be approved yet: it must first be reviewed; it is awaiting review.");
        rejection.Kind.ShouldBe(RejectionKind.NotAllowed);
    }

    [Fact]
    public void rejecting_before_review_is_out_of_order()
    {
        CertificateScenario.AnEligibleApplicant().Applied().Reject("No.").ShouldBeRejectedWith("certificate.out_of_order");
    }

    [Fact]
    public void producing_before_approval_is_out_of_order()
    {
        CertificateScenario.AnEligibleApplicant().Applied().Reviewed().Produce().ShouldBeRejectedWith("certificate.out_of_order");
    }

    [Fact]
    public void mailing_before_production_is_out_of_order()
    {
        CertificateScenario.AnEligibleApplicant().Applied().Reviewed().Approved().Mail().ShouldBeRejectedWith("certificate.out_of_order");
    }

    [Fact]
    public void delivering_before_mailing_is_out_of_order()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed().Approved().Produced();

        application.Deliver().ShouldBeRejectedWith("certificate.out_of_order").Reason.ShouldContain("it must first be mailed");
    }

    [Fact]
    public void reviewing_twice_is_refused_the_second_time()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed();

        application.Review().ShouldBeRejectedWith("certificate.already_done").Reason
            .ShouldBe("The application is already reviewed: it cannot be reviewed now.");
        application.History.Count.ShouldBe(3);
    }

    [Fact]
    public void approving_twice_is_refused_the_second_time()
    {
        CertificateScenario.AnEligibleApplicant().Applied().Reviewed().Approved().Approve().ShouldBeRejectedWith("certificate.already_done");
    }

    [Fact]
    public void an_approved_application_can_no_longer_be_rejected()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed().Approved();

        application.Reject("Second thoughts.").ShouldBeRejectedWith("certificate.already_done").Reason.ShouldContain("already approved");
    }

    [Fact]
    public void delivering_twice_is_refused_the_second_time()
    {
        var application = CertificateScenario.AnEligibleApplicant().DeliveredToTheDoor();

        application.Deliver().ShouldBeRejectedWith("certificate.already_done");
        application.Mail().ShouldBeRejectedWith("certificate.already_done");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void a_rejection_without_a_reason_is_refused(string reason)
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed();

        application.Reject(reason).ShouldBeRejectedWith("certificate.reason_missing").Kind.ShouldBe(RejectionKind.Invalid);
        application.State.Status.ShouldBe(CertificateStatus.Reviewed);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t ")]
    public void mailing_without_a_tracking_reference_is_refused(string reference)
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed().Approved().Produced();

        application.Mail(reference).ShouldBeRejectedWith("certificate.tracking_reference_missing").Kind.ShouldBe(RejectionKind.Invalid);
        application.State.Status.ShouldBe(CertificateStatus.Produced);
    }

    [Fact]
    public void a_step_dated_before_the_previous_step_is_refused()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed();

        application.Approve(application.LastStepAt.AddSeconds(-1)).ShouldBeRejectedWith("certificate.step_before_previous");
        application.Approve(application.LastStepAt).ShouldAppendOne<CertificateApproved>();
    }

    [Fact]
    public void a_step_is_decided_on_the_time_passed_in_not_on_a_clock()
    {
        // The same state and the same time give the same decision, however often it is asked.
        var application = CertificateScenario.AnEligibleApplicant().Applied();
        var at = CertificateScenario.DefaultAppliedAt.AddDays(400);

        var first = ReviewingAnApplication.Decide(new ReviewCertificateApplication(), application.State, at);
        var second = ReviewingAnApplication.Decide(new ReviewCertificateApplication(), application.State, at);

        first.Events.ShouldBe(second.Events);
        first.ShouldAppendOne<CertificateApplicationReviewed>().ReviewedAt.ShouldBe(at);
    }
}
