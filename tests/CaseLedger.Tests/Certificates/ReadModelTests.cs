using CaseLedger.Cases.Certificates;
using CaseLedger.Core;

namespace CaseLedger.Tests.Certificates;

// The read model is folded from the events alone: route, criteria, timings and elapsed days.
public class when_reading_an_application
{
    [Fact]
    public void a_delivered_application_shows_every_step_and_its_time()
    {
        var t = CertificateScenario.DefaultAppliedAt;
        var application = CertificateScenario.AnEligibleApplicant().Applied();
        application.Review(t.AddHours(4));
        application.Approve(t.AddHours(5));
        application.Produce(t.AddDays(1));
        application.Mail("SF1458203377061", t.AddDays(1).AddHours(6));
        application.Deliver(t.AddDays(3).AddHours(2).AddMinutes(8));

        var view = application.View;

        view.Id.ShouldBe(application.ApplicationId);
        view.ApplicantId.ShouldBe("applicant-0001");
        view.ApplicantName.ShouldBe("Liu Wenjing");
        view.DocumentType.ShouldBe(DocumentType.OrdinaryPassport);
        view.Channel.ShouldBe(Channel.WeChatMiniProgram);
        view.ApplicationDate.ShouldBe(CertificateScenario.DefaultApplicationDate);
        view.Rule.ShouldBe(CertificateRuleBook.Pilot.Rule);
        view.Route.ShouldBe(CertificateRoute.FullyOnline);
        view.Status.ShouldBe(CertificateStatus.Delivered);
        view.Criteria.Count.ShouldBe(6);
        view.Situations.ShouldBe([DocumentSituation.ValidityRunningOut]);
        view.AppliedAt.ShouldBe(t);
        view.EligibilityDecidedAt.ShouldBe(t);
        view.ReviewedAt.ShouldBe(t.AddHours(4));
        view.ApprovedAt.ShouldBe(t.AddHours(5));
        view.ProducedAt.ShouldBe(t.AddDays(1));
        view.MailedAt.ShouldBe(t.AddDays(1).AddHours(6));
        view.TrackingReference.ShouldBe("SF1458203377061");
        view.DeliveredAt.ShouldBe(t.AddDays(3).AddHours(2).AddMinutes(8));
        view.RejectedAt.ShouldBeNull();
        // 3 days 2 h 8 min = 3.0888... days.
        view.ElapsedDays.ShouldBe(3.09m);
        view.Version.ShouldBe(7);
    }

    [Fact]
    public void an_application_routed_to_a_window_shows_the_failed_criteria_and_has_no_elapsed_days()
    {
        var application = CertificateScenario.AnEligibleApplicant().Born(2009, 12, 2).RegisteredIn("Zhuzhou").Applied();

        var view = application.View;

        view.Route.ShouldBe(CertificateRoute.InPersonWindow);
        view.Status.ShouldBe(CertificateStatus.RoutedToWindow);
        view.Criteria.Where(c => !c.Met).Select(c => c.Clause).ShouldBe([Eligibility.HouseholdCityClause, Eligibility.AgeClause]);
        view.RouteReason.ShouldContain("exit-entry window");
        view.ElapsedDays.ShouldBeNull();
        view.ReviewedAt.ShouldBeNull();
    }

    [Fact]
    public void a_rejected_application_shows_the_reason_and_when()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied().Reviewed().Rejected("Photo background not white.");

        var view = application.View;

        view.Status.ShouldBe(CertificateStatus.Rejected);
        view.RejectionReason.ShouldBe("Photo background not white.");
        view.RejectedAt.ShouldBe(application.LastStepAt);
        view.ApprovedAt.ShouldBeNull();
        view.ElapsedDays.ShouldBeNull();
    }

    [Fact]
    public void the_status_follows_each_step()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied();
        application.View.Status.ShouldBe(CertificateStatus.AwaitingReview);

        application.Reviewed();
        application.View.Status.ShouldBe(CertificateStatus.Reviewed);
        application.Approved();
        application.View.Status.ShouldBe(CertificateStatus.Approved);
        application.Produced();
        application.View.Status.ShouldBe(CertificateStatus.Produced);
        application.Mailed();
        application.View.Status.ShouldBe(CertificateStatus.Mailed);
        application.Delivered();
        application.View.Status.ShouldBe(CertificateStatus.Delivered);
        application.View.Status.ShouldBe(application.State.Status);
    }

    [Fact]
    public void only_the_application_event_leaves_the_route_undecided()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied();

        var view = Fold.Events<CertificateEligibility>(CertificateEligibilityProjection.Evolve, application.History.Take(1)).ShouldNotBeNull();

        view.Status.ShouldBe(CertificateStatus.Applied);
        view.Route.ShouldBeNull();
    }

    [Fact]
    public void the_state_folded_in_one_go_is_the_state_built_step_by_step()
    {
        var application = CertificateScenario.AnEligibleApplicant().DeliveredToTheDoor();

        var folded = Fold.Events<Certificate>(CertificateProjection.Evolve, application.History).ShouldNotBeNull();

        folded.ShouldBe(application.State with { Unmet = folded.Unmet });
        folded.Unmet.ShouldBeEmpty();
    }

    [Fact]
    public void events_of_another_kind_leave_the_view_as_it_is()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied();
        var view = application.View;

        CertificateEligibilityProjection.Evolve(view, new object()).ShouldBeSameAs(view);
        CertificateEligibilityProjection.Evolve(null, new CertificateDelivered(Guid.NewGuid(), DateTimeOffset.MinValue)).ShouldBeNull();
    }
}

// Elapsed days from application to delivery are the exact time between the two events in days of 24
// hours, rounded once to two decimals, half away from zero; computed from event times, never a clock.
public class when_counting_elapsed_days
{
    private static readonly DateTimeOffset Applied = new(2025, 11, 21, 9, 12, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(0, 0, 0, "0")]
    [InlineData(3, 0, 0, "3")]
    [InlineData(0, 12, 0, "0.5")]
    [InlineData(3, 2, 8, "3.09")]
    [InlineData(2, 23, 59, "3.00")]
    public void the_days_are_the_exact_elapsed_time_rounded_to_two_decimals(int days, int hours, int minutes, string expected)
    {
        var delivered = Applied.AddDays(days).AddHours(hours).AddMinutes(minutes);

        CertificateEligibilityProjection.ElapsedDays(Applied, delivered)
            .ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void half_a_hundredth_of_a_day_rounds_away_from_zero()
    {
        // 0.005 days is 432 seconds exactly.
        CertificateEligibilityProjection.ElapsedDays(Applied, Applied.AddSeconds(432)).ShouldBe(0.01m);
        CertificateEligibilityProjection.ElapsedDays(Applied, Applied.AddSeconds(431)).ShouldBe(0.00m);
    }

    [Fact]
    public void the_offsets_the_times_were_written_in_do_not_matter()
    {
        // The same instants, one written in UTC.
        var deliveredUtc = new DateTimeOffset(2025, 11, 24, 3, 20, 0, TimeSpan.Zero);

        CertificateEligibilityProjection.ElapsedDays(Applied, deliveredUtc).ShouldBe(3.09m);
    }
}
