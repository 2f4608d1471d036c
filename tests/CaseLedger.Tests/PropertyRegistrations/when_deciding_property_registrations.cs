using CaseLedger.Cases.PropertyRegistrations;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Hosting;
using CaseLedger.Rules;

namespace CaseLedger.Tests.PropertyRegistrations;

// The registration decisions called as pure functions: no ledger, no database, the time passed in.
public sealed class when_deciding_property_registrations
{
    private static readonly RuleBook Book = StandardKinds.Create().DefaultRules();
    private static readonly Guid Case = Guid.Parse("0195a000-0000-7000-8000-0000000006aa");
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly PropertyRegistrationRules Rules = Book.InForce<PropertyRegistrationRules>(PropertyRegistrationRules.RuleId, Nine);
    private static readonly Acting Clerk = new("window-clerk-1", Channel.ServiceWindow, Role.Clerk);
    private static readonly Acting Bank = new("bank-clerk-1", Channel.Partner, Role.Partner) { Institution = "bank-of-jilin" };

    private static PropertyRegistration Then(PropertyRegistration? registration, Decision decision)
    {
        decision.Rejection.ShouldBeNull();
        return decision.Events.Aggregate(registration, PropertyRegistrationProjection.Evolve)!;
    }

    private static PropertyRegistration Applied(DateTimeOffset at, params PartnerPart[] partners) =>
        Then(null, ApplyingForRegistration.Decide(new ApplyForRegistration("owner-1", "LY-2025-0001", RegistrationBusiness.Transfer, partners),
            Case, Channel.ServiceWindow, at, Rules, Book));

    [Fact]
    public void the_same_day_promise_and_the_fastest_time_come_from_the_rule_not_from_code()
    {
        Rules.SameDay.Measure.ShouldBe(TimeMeasure.SameDay);
        Rules.SameDay.Within.ShouldBe(new TimeSpan(17, 30, 0));
        Rules.FastestCompletion.ShouldBe(TimeSpan.FromMinutes(20));
        Rules.Rule.ShouldBe(new RuleRef("property-registration", "1"));
    }

    [Fact]
    public void a_case_requires_the_centres_steps_and_the_partners_it_names_and_is_due_the_same_day()
    {
        var registration = Applied(Nine, new PartnerPart(RegistrationStep.MortgageRegistration, "bank-of-jilin"));

        registration.Remaining.ShouldBe([RegistrationStep.Acceptance, RegistrationStep.Review, RegistrationStep.Fee,
            RegistrationStep.CertificatePrinting, RegistrationStep.MortgageRegistration]);
        registration.PartnerFor(RegistrationStep.MortgageRegistration).ShouldBe("bank-of-jilin");
        registration.PartnerFor(RegistrationStep.Acceptance).ShouldBeNull();
        registration.Deadlines[Keys.SameDay]!.DueAt.ShouldBe(new DateTimeOffset(2025, 3, 4, 17, 30, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public void an_online_application_after_the_close_is_due_by_the_close_of_the_next_day()
    {
        var late = Applied(new DateTimeOffset(2025, 3, 4, 21, 0, 0, TimeSpan.FromHours(8)));

        late.Deadlines[Keys.SameDay]!.DueAt.ShouldBe(new DateTimeOffset(2025, 3, 5, 17, 30, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public void steps_complete_in_any_order_and_the_last_completes_the_case_at_the_fastest_and_the_same_day()
    {
        var registration = Applied(Nine, new PartnerPart(RegistrationStep.MortgageRegistration, "bank-of-jilin"));
        registration = Then(registration, CompletingAStep.Decide(new CompleteStep(RegistrationStep.MortgageRegistration, "Signed with the loan"), registration, Bank, Nine.AddMinutes(2)));
        foreach (var (step, minute) in new[] { (RegistrationStep.Fee, 5), (RegistrationStep.Acceptance, 6), (RegistrationStep.CertificatePrinting, 12) })
        {
            registration = Then(registration, CompletingAStep.Decide(new CompleteStep(step, "done"), registration, Clerk, Nine.AddMinutes(minute)));
            registration.Status.ShouldBe(RegistrationStatus.InProgress);
        }

        var last = CompletingAStep.Decide(new CompleteStep(RegistrationStep.Review, "Documents complete"), registration, Clerk, Nine.AddMinutes(18));
        registration = Then(registration, last);

        registration.Status.ShouldBe(RegistrationStatus.Completed);
        registration.CompletionMinutes.ShouldBe(18m);
        registration.AtTheFastest.ShouldBe(true);
        registration.SameDay.ShouldBe(true);
        registration.SameDayPromise.ShouldBe("met");
        last.Events.OfType<DeadlineMet>().Single().OnTime.ShouldBeTrue();
    }

    [Fact]
    public void a_case_completed_the_next_day_is_neither_at_the_fastest_nor_the_same_day()
    {
        var registration = Applied(Nine);
        foreach (var step in Rules.CentreSteps)
        {
            registration = Then(registration, CompletingAStep.Decide(new CompleteStep(step, "done"), registration, Clerk, Nine.AddDays(1)));
        }

        registration.Status.ShouldBe(RegistrationStatus.Completed);
        registration.AtTheFastest.ShouldBe(false);
        registration.SameDay.ShouldBe(false);
        registration.SameDayPromise.ShouldBe("met-late");
    }

    [Fact]
    public void a_partners_step_is_not_done_by_the_centre_and_no_step_is_done_twice_or_when_not_required()
    {
        var registration = Applied(Nine, new PartnerPart(RegistrationStep.Notarisation, "liaoyuan-notary"));

        CompletingAStep.Decide(new CompleteStep(RegistrationStep.Notarisation, "x"), registration, Clerk, Nine).Rejection!.Code
            .ShouldBe("property_registration.partners_own_step");
        CompletingAStep.Decide(new CompleteStep(RegistrationStep.CourtRuling, "x"), registration, Clerk, Nine).Rejection!.Code
            .ShouldBe("property_registration.step_not_required");
        registration = Then(registration, CompletingAStep.Decide(new CompleteStep(RegistrationStep.Fee, "paid"), registration, Clerk, Nine));
        CompletingAStep.Decide(new CompleteStep(RegistrationStep.Fee, "paid"), registration, Clerk, Nine).Rejection!.Code
            .ShouldBe("property_registration.step_already_done");
        CompletingAStep.Decide(new CompleteStep(RegistrationStep.Acceptance, " "), registration, Clerk, Nine).Rejection!.Code
            .ShouldBe("property_registration.note_missing");
    }

    [Fact]
    public void an_application_naming_a_centre_step_for_a_partner_or_a_step_twice_or_missing_details_is_refused()
    {
        ApplyingForRegistration.Decide(new ApplyForRegistration("o", "p", RegistrationBusiness.Transfer, [new PartnerPart(RegistrationStep.Review, "bank")]),
            Case, Channel.ServiceWindow, Nine, Rules, Book).Rejection!.Code.ShouldBe("property_registration.not_a_partner_step");
        ApplyingForRegistration.Decide(new ApplyForRegistration("o", "p", RegistrationBusiness.Mortgage,
                [new PartnerPart(RegistrationStep.MortgageRegistration, "a"), new PartnerPart(RegistrationStep.MortgageRegistration, "b")]),
            Case, Channel.ServiceWindow, Nine, Rules, Book).Rejection!.Code.ShouldBe("property_registration.partner_step_twice");
        ApplyingForRegistration.Decide(new ApplyForRegistration(" ", "p", RegistrationBusiness.Transfer, []),
            Case, Channel.ServiceWindow, Nine, Rules, Book).Rejection!.Code.ShouldBe("property_registration.details_missing");
        ApplyingForRegistration.Decide(new ApplyForRegistration("o", "p", RegistrationBusiness.Transfer, []),
            Case, Channel.Hotline, Nine, Rules, Book).Rejection!.Code.ShouldBe("property_registration.channel_not_taken");
        ApplyingForRegistration.Decide(new ApplyForRegistration("o", "p", RegistrationBusiness.Transfer, []),
            Case, Channel.ServiceWindow, Nine, null, Book).Rejection!.Code.ShouldBe("property_registration.no_rule_in_force");
    }

    [Fact]
    public void a_partner_sees_only_its_own_steps_of_a_case_that_names_it_and_never_the_owner()
    {
        var registration = Applied(Nine, new PartnerPart(RegistrationStep.MortgageRegistration, "bank-of-jilin"),
            new PartnerPart(RegistrationStep.Notarisation, "liaoyuan-notary"));

        var seen = PropertyRegistrationProjection.ForPartner(registration, "bank-of-jilin")!;
        seen.YourSteps.Select(s => s.Step).ShouldBe([RegistrationStep.MortgageRegistration]);
        seen.PropertyId.ShouldBe("LY-2025-0001");
        PropertyRegistrationProjection.ForPartner(registration, "another-bank").ShouldBeNull();
    }

    [Fact]
    public void the_same_day_rate_is_counted_per_civil_day_of_application()
    {
        var done = Applied(Nine);
        foreach (var step in Rules.CentreSteps)
        {
            done = Then(done, CompletingAStep.Decide(new CompleteStep(step, "done"), done, Clerk, Nine.AddMinutes(30)));
        }

        var running = Applied(Nine.AddHours(1));

        var rows = PropertyRegistrationReadings.ByDay([done, running], TimeSpan.FromHours(8));
        rows.ShouldHaveSingleItem().ShouldBe(new SameDayRow("2025-03-04", 2, 1, 0.5m, 0, 30m));
    }
}
