using CaseLedger.Cases.Certificates;
using CaseLedger.Core;

namespace CaseLedger.Tests.Certificates;

// A well-formed application is taken and its eligibility decided at once; a malformed one is refused
// as invalid, with a code, and nothing is appended.
public class when_applying_for_a_certificate
{
    [Fact]
    public void the_application_and_its_eligibility_are_recorded_together_at_the_time_given()
    {
        var application = CertificateScenario.AnEligibleApplicant().For(DocumentType.TaiwanPermit).Through(Channel.AlipayMiniProgram);

        var decision = application.Apply();

        var decided = decision.ShouldBeTaken();
        var applied = (CertificateApplied)decision.Events[0];
        applied.ApplicationId.ShouldBe(application.ApplicationId);
        decided.ApplicationId.ShouldBe(application.ApplicationId);
        applied.DocumentType.ShouldBe(DocumentType.TaiwanPermit);
        applied.Channel.ShouldBe(Channel.AlipayMiniProgram);
        applied.AppliedAt.ShouldBe(CertificateScenario.DefaultAppliedAt);
        applied.ApplicationDate.ShouldBe(CertificateScenario.DefaultApplicationDate);
        applied.Applicant.ShouldBe(new Applicant("applicant-0001", "Liu Wenjing", new DateOnly(1986, 4, 17), "Changsha", true));
        decided.DecidedAt.ShouldBe(CertificateScenario.DefaultAppliedAt);
        decided.Rule.ShouldBe(CertificateRuleBook.Pilot.Rule);
        application.State.Status.ShouldBe(CertificateStatus.AwaitingReview);
        application.State.Route.ShouldBe(CertificateRoute.FullyOnline);
        application.Recorded.ShouldAllBe(e => e.Channel == "AlipayMiniProgram" && e.Actor == "applicant-0001" && e.Rule == "certificate-online@1");
    }

    [Fact]
    public void the_opening_event_tells_the_plumbing_its_rule_channel_and_time()
    {
        var applied = (IOpensCase)CertificateScenario.AnEligibleApplicant().Apply().Events[0];

        applied.Rule.ShouldBe(CertificateRuleBook.Pilot.Rule);
        applied.Channel.ShouldBe(Channel.WeChatMiniProgram);
        applied.OpenedAt.ShouldBe(CertificateScenario.DefaultAppliedAt);
    }

    [Fact]
    public void names_and_cities_are_recorded_without_surrounding_spaces()
    {
        var application = CertificateScenario.AnEligibleApplicant()
            .WithApplicant(new ApplicantFacts(" a-7 ", "  Zhou Hao ", new DateOnly(1993, 9, 2), " Changsha ", true));

        var applied = (CertificateApplied)application.Apply().Events[0];

        applied.Applicant.Id.ShouldBe("a-7");
        applied.Applicant.Name.ShouldBe("Zhou Hao");
        applied.Applicant.HouseholdCity.ShouldBe("Changsha");
    }

    [Fact]
    public void a_document_type_that_is_not_issued_online_is_refused()
    {
        var application = CertificateScenario.AnEligibleApplicant();

        var rejection = Refused(application, application.ApplyCommand() with { DocumentType = (DocumentType)42 }, "certificate.document_type_unknown");

        rejection.Reason.ShouldContain("OrdinaryPassport, HongKongMacaoPermit, TaiwanPermit");
    }

    [Fact]
    public void an_application_without_applicant_facts_is_refused()
    {
        var application = CertificateScenario.AnEligibleApplicant();

        Refused(application, application.ApplyCommand() with { Applicant = null }, "certificate.applicant_missing");
    }

    public static TheoryData<ApplicantFacts, string> MissingFacts => new()
    {
        { new ApplicantFacts(" ", "Liu Wenjing", new DateOnly(1986, 4, 17), "Changsha", true), "certificate.applicant_id_missing" },
        { new ApplicantFacts("a-1", null, new DateOnly(1986, 4, 17), "Changsha", true), "certificate.applicant_name_missing" },
        { new ApplicantFacts("a-1", "Liu Wenjing", null, "Changsha", true), "certificate.date_of_birth_missing" },
        { new ApplicantFacts("a-1", "Liu Wenjing", new DateOnly(1986, 4, 17), "", true), "certificate.household_city_missing" },
        { new ApplicantFacts("a-1", "Liu Wenjing", new DateOnly(1986, 4, 17), "Changsha", null), "certificate.fingerprints_unknown" },
    };

    [Theory]
    [MemberData(nameof(MissingFacts))]
    public void a_missing_applicant_fact_is_refused_by_name(ApplicantFacts facts, string code)
    {
        var application = CertificateScenario.AnEligibleApplicant().WithApplicant(facts);

        Refused(application, application.ApplyCommand(), code);
    }

    [Fact]
    public void a_date_of_birth_after_the_application_date_is_refused()
    {
        // Local date 2025-12-01; the UTC date is still 2025-11-30 at 07:59Z.
        var application = CertificateScenario.AnEligibleApplicant()
            .Born(2025, 12, 2)
            .ApplyingAt(new DateTimeOffset(2025, 12, 1, 7, 59, 0, CertificateRuleBook.Cst));

        var rejection = application.Apply().ShouldBeRejectedWith("certificate.date_of_birth_in_future");

        rejection.Reason.ShouldContain("2025-12-02");
        application.History.ShouldBeEmpty();
    }

    [Fact]
    public void a_child_born_on_the_application_date_is_taken_and_routed_on_age()
    {
        var decided = CertificateScenario.AnEligibleApplicant().Born(2025, 12, 1).Apply().ShouldBeTaken();

        decided.Unmet.ShouldBe([Eligibility.AgeClause]);
        decided.Clause(Eligibility.AgeClause).Detail.ShouldStartWith("aged 0 on 2025-12-01");
    }

    [Fact]
    public void an_application_without_the_existing_document_is_refused()
    {
        var application = CertificateScenario.AnEligibleApplicant();

        Refused(application, application.ApplyCommand() with { ExistingDocument = null }, "certificate.existing_document_missing");
    }

    private static Rejection Refused(CertificateScenario application, ApplyForCertificate command, string code)
    {
        var rejection = application.Apply(command).ShouldBeRejectedWith(code);
        rejection.Kind.ShouldBe(RejectionKind.Invalid);
        application.History.ShouldBeEmpty();
        return rejection;
    }
}
