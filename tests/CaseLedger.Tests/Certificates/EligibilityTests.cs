using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using static CaseLedger.Cases.Certificates.Eligibility;

namespace CaseLedger.Tests.Certificates;

// Aged 16 or older on the application date (its calendar date in Changsha): the birthday itself counts.
public class when_measuring_the_applicants_age
{
    [Fact]
    public void an_applicant_turning_16_on_the_application_date_is_old_enough()
    {
        var application = CertificateScenario.AnEligibleApplicant().Born(2009, 12, 1);

        var decided = application.Apply().ShouldBeTaken();

        var age = decided.Clause(AgeClause);
        age.Met.ShouldBeTrue();
        age.Detail.ShouldBe("aged 16 on 2025-12-01 (born 2009-12-01); at least 16 required");
        decided.Route.ShouldBe(CertificateRoute.FullyOnline);
    }

    [Fact]
    public void an_applicant_turning_16_the_day_after_is_15_and_goes_to_a_window()
    {
        var application = CertificateScenario.AnEligibleApplicant().Born(2009, 12, 2);

        var decided = application.Apply().ShouldBeTaken();

        var age = decided.Clause(AgeClause);
        age.Met.ShouldBeFalse();
        age.Detail.ShouldBe("aged 15 on 2025-12-01 (born 2009-12-02); at least 16 required");
        decided.Unmet.ShouldBe([AgeClause]);
        decided.Route.ShouldBe(CertificateRoute.InPersonWindow);
    }

    [Fact]
    public void the_age_is_taken_on_the_local_date_not_the_utc_date()
    {
        // 2025-11-30T16:30Z is already 2025-12-01 00:30 in Changsha: the 16th birthday.
        var application = CertificateScenario.AnEligibleApplicant()
            .Born(2009, 12, 1)
            .ApplyingAt(new DateTimeOffset(2025, 11, 30, 16, 30, 0, TimeSpan.Zero));

        var decided = application.Apply().ShouldBeTaken();

        decided.Clause(AgeClause).Met.ShouldBeTrue();
        application.History.OfType<CertificateApplied>().Single().ApplicationDate.ShouldBe(new DateOnly(2025, 12, 1));
    }

    [Theory]
    [InlineData("2025-02-28", 16)] // common year: the birthday is 1 March, not yet reached
    [InlineData("2025-03-01", 17)]
    [InlineData("2024-02-28", 15)] // leap year: the birthday is 29 February
    [InlineData("2024-02-29", 16)]
    [InlineData("2008-02-29", 0)]
    public void someone_born_on_29_february_has_their_birthday_on_1_march_in_a_common_year(string on, int age)
    {
        AgeOn(new DateOnly(2008, 2, 29), DateOnly.Parse(on, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(age);
    }

    [Fact]
    public void a_29_february_birth_reaches_the_minimum_age_on_1_march_in_a_common_year()
    {
        // Under the pilot's 16 the 16th birthday of a leap-day child is always in a leap year until 2100,
        // so the rule is exercised with a minimum age of 17: born 2008-02-29, 17 in 2025 (a common year).
        var seventeen = CertificateRuleBook.PilotWith("minimumAge", 17);
        var onTheEve = CertificateScenario.AnEligibleApplicant().Born(2008, 2, 29)
            .ApplyingAt(new DateTimeOffset(2025, 2, 28, 12, 0, 0, CertificateRuleBook.Cst))
            .Holding(new ExistingDocument(new DateOnly(2025, 6, 1), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false));
        var onTheDay = CertificateScenario.AnEligibleApplicant().Born(2008, 2, 29)
            .ApplyingAt(new DateTimeOffset(2025, 3, 1, 12, 0, 0, CertificateRuleBook.Cst))
            .Holding(new ExistingDocument(new DateOnly(2025, 6, 1), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false));

        var eve = onTheEve.ApplyUnder(seventeen).ShouldBeTaken().Clause(AgeClause);
        var day = onTheDay.ApplyUnder(seventeen).ShouldBeTaken().Clause(AgeClause);

        eve.Met.ShouldBeFalse();
        eve.Detail.ShouldBe("aged 16 on 2025-02-28 (born 2008-02-29); a 29 February birthday falls on 2025-03-01 this year; at least 17 required");
        day.Met.ShouldBeTrue();
    }
}

// The existing document must be in at least one situation: less than 6 months of validity left (an
// expired one included), damaged, lost or stolen, or visa pages used up.
public class when_judging_the_existing_document
{
    // Applications are taken on 2025-12-01; six months later is 2026-06-01.
    private static CertificateEligibilityDecided Decide(ExistingDocument document) =>
        CertificateScenario.AnEligibleApplicant().Holding(document).Apply().ShouldBeTaken();

    [Fact]
    public void exactly_six_months_of_validity_left_does_not_qualify()
    {
        var decided = Decide(new ExistingDocument(new DateOnly(2026, 6, 1), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false));

        var situation = decided.Clause(DocumentSituationClause);
        situation.Met.ShouldBeFalse();
        situation.Detail.ShouldBe(
            "in none of the four situations: 6 months or more of validity left: expires on 2026-06-01, not before 2026-06-01; not damaged; not lost or stolen; visa pages not used up");
        decided.Situations.ShouldBeEmpty();
        decided.Unmet.ShouldBe([DocumentSituationClause]);
        decided.Route.ShouldBe(CertificateRoute.InPersonWindow);
    }

    [Fact]
    public void a_day_less_than_six_months_qualifies()
    {
        var decided = Decide(new ExistingDocument(new DateOnly(2026, 5, 31), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false));

        var situation = decided.Clause(DocumentSituationClause);
        situation.Met.ShouldBeTrue();
        situation.Detail.ShouldBe("less than 6 months of validity left: expires on 2026-05-31, before 2026-06-01");
        decided.Situations.ShouldBe([DocumentSituation.ValidityRunningOut]);
        decided.Route.ShouldBe(CertificateRoute.FullyOnline);
    }

    [Fact]
    public void an_expired_document_qualifies()
    {
        var decided = Decide(new ExistingDocument(new DateOnly(2025, 10, 1), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false));

        decided.Clause(DocumentSituationClause).Met.ShouldBeTrue();
        decided.Clause(DocumentSituationClause).Detail.ShouldBe("expired on 2025-10-01");
        decided.Situations.ShouldBe([DocumentSituation.ValidityRunningOut]);
    }

    [Fact]
    public void a_document_expiring_on_the_application_date_qualifies()
    {
        Decide(new ExistingDocument(new DateOnly(2025, 12, 1), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false)).Situations.ShouldBe([DocumentSituation.ValidityRunningOut]);
    }

    public static TheoryData<ExistingDocument, DocumentSituation, string> EachSituationAlone => new()
    {
        { new ExistingDocument(new DateOnly(2030, 1, 1), Damaged: true, LostOrStolen: false, VisaPagesUsedUp: false), DocumentSituation.Damaged, "damaged" },
        { new ExistingDocument(new DateOnly(2030, 1, 1), Damaged: false, LostOrStolen: true, VisaPagesUsedUp: false), DocumentSituation.LostOrStolen, "lost or stolen" },
        { new ExistingDocument(new DateOnly(2030, 1, 1), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: true), DocumentSituation.VisaPagesUsedUp, "visa pages used up" },
        { new ExistingDocument(null, Damaged: false, LostOrStolen: true, VisaPagesUsedUp: false), DocumentSituation.LostOrStolen, "lost or stolen" },
    };

    [Theory]
    [MemberData(nameof(EachSituationAlone))]
    public void each_situation_alone_qualifies_a_document_with_years_of_validity(ExistingDocument document, DocumentSituation situation, string detail)
    {
        var decided = Decide(document);

        decided.Situations.ShouldBe([situation]);
        decided.Clause(DocumentSituationClause).Met.ShouldBeTrue();
        decided.Clause(DocumentSituationClause).Detail.ShouldBe(detail);
        decided.Route.ShouldBe(CertificateRoute.FullyOnline);
    }

    [Fact]
    public void the_detail_names_every_situation_that_holds()
    {
        var decided = Decide(new ExistingDocument(new DateOnly(2026, 1, 15), Damaged: true, LostOrStolen: false, VisaPagesUsedUp: true));

        decided.Situations.ShouldBe([DocumentSituation.ValidityRunningOut, DocumentSituation.Damaged, DocumentSituation.VisaPagesUsedUp]);
        decided.Clause(DocumentSituationClause).Detail.ShouldBe(
            "less than 6 months of validity left: expires on 2026-01-15, before 2026-06-01; damaged; visa pages used up");
    }

    [Fact]
    public void a_document_without_an_expiry_date_and_nothing_wrong_does_not_qualify()
    {
        var decided = Decide(new ExistingDocument(null, Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false));

        decided.Clause(DocumentSituationClause).Met.ShouldBeFalse();
        decided.Clause(DocumentSituationClause).Detail.ShouldContain("expiry date not given");
    }

    [Fact]
    public void six_months_after_the_end_of_august_is_the_end_of_february()
    {
        // 2025-08-31 plus six months is 2026-02-28 (there is no 31 February): expiring that day does not qualify.
        var rules = CertificateRuleBook.Pilot;
        var date = new DateOnly(2025, 8, 31);

        Situations(new ExistingDocument(new DateOnly(2026, 2, 28), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false), date, rules).ShouldBeEmpty();
        Situations(new ExistingDocument(new DateOnly(2026, 2, 27), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false), date, rules).ShouldBe([DocumentSituation.ValidityRunningOut]);
    }
}

// The pilot's second batch opened the fully online route on 2025-11-20, a calendar date in Changsha (+08:00).
public class when_the_pilot_starts
{
    [Fact]
    public void the_last_second_of_19_november_in_changsha_is_before_the_pilot()
    {
        var application = CertificateScenario.AnEligibleApplicant().ApplyingAt(new DateTimeOffset(2025, 11, 19, 15, 59, 59, TimeSpan.Zero));

        var decided = application.Apply().ShouldBeTaken();

        decided.Rule.ShouldBe(CertificateRuleBook.BeforeThePilot.Rule);
        decided.Unmet.ShouldBe([RouteOpenClause]);
        decided.Clause(RouteOpenClause).Detail.ShouldBe("applied on 2025-11-19 under certificate-online@0, which does not open the fully online route");
        decided.Route.ShouldBe(CertificateRoute.InPersonWindow);
    }

    [Fact]
    public void sixteen_hundred_utc_on_19_november_is_already_20_november_in_changsha()
    {
        var application = CertificateScenario.AnEligibleApplicant().ApplyingAt(new DateTimeOffset(2025, 11, 19, 16, 0, 0, TimeSpan.Zero));

        var decided = application.Apply().ShouldBeTaken();

        decided.Rule.ShouldBe(CertificateRuleBook.Pilot.Rule);
        decided.Clause(RouteOpenClause).Met.ShouldBeTrue();
        decided.Route.ShouldBe(CertificateRoute.FullyOnline);
        var applied = application.History.OfType<CertificateApplied>().Single();
        applied.ApplicationDate.ShouldBe(new DateOnly(2025, 11, 20));
        applied.Rules.ShouldBe(CertificateRuleBook.Pilot);
    }

    [Fact]
    public void the_parameters_in_force_are_carried_by_the_application()
    {
        var application = CertificateScenario.AnEligibleApplicant().Applied();

        var applied = application.History.OfType<CertificateApplied>().Single();

        applied.Rules.OnlineRouteOpen.ShouldBeTrue();
        applied.Rules.HouseholdCity.ShouldBe("Changsha");
        applied.Rules.MinimumAge.ShouldBe(16);
        applied.Rules.ValidityLeftBelowMonths.ShouldBe(6);
        applied.Rules.FingerprintsRequired.ShouldBeTrue();
        application.State.Rule.ShouldBe(CertificateRuleBook.Pilot.Rule);
    }
}

// Every criterion is evaluated and recorded, met or not; failing any one routes the applicant to a window.
public class when_one_criterion_fails
{
    private static readonly string[] AllClauses =
        [RouteOpenClause, ChannelClause, HouseholdCityClause, AgeClause, DocumentSituationClause, FingerprintsClause];

    [Fact]
    public void an_applicant_meeting_every_criterion_proceeds_fully_online()
    {
        var decided = CertificateScenario.AnEligibleApplicant().Apply().ShouldBeTaken();

        decided.Route.ShouldBe(CertificateRoute.FullyOnline);
        decided.Criteria.Select(c => c.Clause).ShouldBe(AllClauses);
        decided.Criteria.ShouldAllBe(c => c.Met);
        decided.Reason.ShouldContain("certificate-online@1");
    }

    public static TheoryData<string, string> EachCriterionAlone => new()
    {
        { "before the pilot", RouteOpenClause },
        { "through a service window", ChannelClause },
        { "through a proxy", ChannelClause },
        { "registered in Zhuzhou", HouseholdCityClause },
        { "aged 15", AgeClause },
        { "exactly six months left", DocumentSituationClause },
        { "no fingerprints", FingerprintsClause },
    };

    [Theory]
    [MemberData(nameof(EachCriterionAlone))]
    public void failing_one_criterion_alone_routes_to_a_window_naming_that_criterion(string given, string clause)
    {
        var application = Given(given);

        var decided = application.Apply().ShouldBeTaken();

        decided.Route.ShouldBe(CertificateRoute.InPersonWindow);
        decided.Unmet.ShouldBe([clause]);
        decided.Criteria.Select(c => c.Clause).ShouldBe(AllClauses);
        decided.Reason.ShouldContain(clause);
        decided.Clause(clause).Detail.ShouldNotBeNullOrWhiteSpace();
        application.State.Status.ShouldBe(CertificateStatus.RoutedToWindow);
    }

    [Fact]
    public void several_failures_are_all_recorded()
    {
        var decided = CertificateScenario.AnEligibleApplicant()
            .RegisteredIn("Zhuzhou").FingerprintsOnFile(false).Through(Channel.ServiceWindow)
            .Apply().ShouldBeTaken();

        decided.Unmet.ShouldBe([ChannelClause, HouseholdCityClause, FingerprintsClause]);
    }

    [Theory]
    [InlineData(Channel.OnlinePlatform)]
    [InlineData(Channel.WeChatMiniProgram)]
    [InlineData(Channel.AlipayMiniProgram)]
    public void each_platform_channel_is_an_online_channel(Channel channel)
    {
        var decided = CertificateScenario.AnEligibleApplicant().Through(channel).Apply().ShouldBeTaken();

        decided.Clause(ChannelClause).Met.ShouldBeTrue();
    }

    [Fact]
    public void the_household_city_is_compared_without_regard_to_case_or_spaces()
    {
        var decided = CertificateScenario.AnEligibleApplicant().RegisteredIn("  changsha ").Apply().ShouldBeTaken();

        decided.Clause(HouseholdCityClause).Met.ShouldBeTrue();
        decided.Clause(HouseholdCityClause).Detail.ShouldBe("household registered in changsha; Changsha required");
    }

    [Fact]
    public void the_household_city_detail_names_both_cities()
    {
        var decided = Given("registered in Zhuzhou").Apply().ShouldBeTaken();

        decided.Clause(HouseholdCityClause).Detail.ShouldBe("household registered in Zhuzhou; Changsha required");
    }

    [Fact]
    public void a_rule_that_does_not_require_fingerprints_is_met_without_them()
    {
        var withoutFingerprints = CertificateRuleBook.PilotWith("fingerprintsRequired", false);

        var decided = CertificateScenario.AnEligibleApplicant().FingerprintsOnFile(false).ApplyUnder(withoutFingerprints).ShouldBeTaken();

        decided.Clause(FingerprintsClause).Met.ShouldBeTrue();
        decided.Route.ShouldBe(CertificateRoute.FullyOnline);
    }

    [Fact]
    public void being_routed_to_a_window_is_not_a_refusal()
    {
        var application = Given("aged 15");

        var decision = application.Apply();

        decision.IsAccepted.ShouldBeTrue();
        decision.Rejection.ShouldBeNull();
        application.History.Count.ShouldBe(2);
    }

    private static CertificateScenario Given(string given)
    {
        var application = CertificateScenario.AnEligibleApplicant();
        return given switch
        {
            "before the pilot" => application.ApplyingAt(new DateTimeOffset(2025, 11, 19, 10, 0, 0, CertificateRuleBook.Cst)),
            "through a service window" => application.Through(Channel.ServiceWindow),
            "through a proxy" => application.Through(Channel.Proxy),
            "registered in Zhuzhou" => application.RegisteredIn("Zhuzhou"),
            "aged 15" => application.Born(2009, 12, 2),
            "exactly six months left" => application.Holding(new ExistingDocument(new DateOnly(2026, 6, 1), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false)),
            "no fingerprints" => application.FingerprintsOnFile(false),
            _ => throw new ArgumentOutOfRangeException(nameof(given), given, null),
        };
    }
}
