using CaseLedger.Cases.CoFunding;
using CaseLedger.Rules;
using CaseLedger.Tests.RenovationVotes;

namespace CaseLedger.Tests.CoFunding;

// The grant is 30% of the audited final cost (not the estimate), rounded to the fen half away from
// zero; the city pays half of it, rounded the same way, and the district the rest.
public class when_computing_the_grant
{
    private const string ToEvenVersion = """
        { "builtFrom": 2000, "builtUntil": 2015, "maintenanceFundRequired": true,
          "rate": 0.30, "cityShare": 0.50, "rounding": "to-even" }
        """;

    [Fact]
    public void version_1_grants_30_percent_split_half_and_half_rounded_away_from_zero()
    {
        var rules = CoFundingRuleBook.Version1;

        rules.Rate.ShouldBe(0.30m);
        rules.CityShare.ShouldBe(0.50m);
        rules.Rounding.ShouldBe(MidpointRounding.AwayFromZero);
    }

    [Fact]
    public void the_grant_is_30_percent_of_the_audited_cost_not_of_the_estimate()
    {
        var project = ProjectScenario.OfCamphorCourt().Estimated(798_500.00m).CompletedAndAuditedAt(781_236.45m);

        var awarded = project.Award().ShouldAppendOne<AwardDecided>();

        awarded.AuditedCost.ShouldBe(781_236.45m);
        awarded.Rate.ShouldBe(0.30m);
        awarded.Grant.ShouldBe(new Grant(234_370.94m, 117_185.47m, 117_185.47m));
        awarded.Grant.Total.ShouldNotBe(239_550.00m); // 30% of the estimate
    }

    [Fact]
    public void half_a_fen_is_rounded_away_from_zero()
    {
        // 30% of 0.15 yuan is 0.045 yuan.
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(0.15m);

        var awarded = project.Award().ShouldAppendOne<AwardDecided>();

        awarded.Grant.Total.ShouldBe(0.05m);
        awarded.Grant.City.ShouldBe(0.03m);
        awarded.Grant.District.ShouldBe(0.02m);
    }

    [Fact]
    public void a_version_that_rounds_to_even_rounds_half_a_fen_down_to_the_even_fen()
    {
        var toEven = CoFundingRuleBook.ProposedVersion("1-to-even", ToEvenVersion);
        RuleBook.Parameters<CoFundingRules>(toEven).Rounding.ShouldBe(MidpointRounding.ToEven);
        var project = ProjectScenario.OfCamphorCourt().Under(toEven).CompletedAndAuditedAt(0.15m);

        var awarded = project.Award().ShouldAppendOne<AwardDecided>();

        awarded.Grant.ShouldBe(new Grant(0.04m, 0.02m, 0.02m));
        awarded.Rule.ToString().ShouldBe("co-funding@1-to-even");
    }

    [Fact]
    public void a_proposed_version_is_never_the_one_in_force()
    {
        var book = CoFundingRuleBook.WithProposedVersion("1-to-even", ToEvenVersion);

        var inForce = book.TryInForce<CoFundingRules>(CoFundingRules.RuleId, ProjectScenario.DefaultRegisteredAt).ShouldNotBeNull();

        inForce.Rule.Version.ShouldBe("1");
        inForce.Rounding.ShouldBe(MidpointRounding.AwayFromZero);
    }

    [Fact]
    public void with_an_odd_number_of_fen_the_city_pays_the_extra_fen_and_the_parts_add_up()
    {
        // 30% of 100.10 is 30.03; half of it, 15.015, rounds up for the city; the district pays 15.01.
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(100.10m);

        var grant = project.Award().ShouldAppendOne<AwardDecided>().Grant;

        grant.ShouldBe(new Grant(30.03m, 15.02m, 15.01m));
        (grant.City + grant.District).ShouldBe(grant.Total);
    }

    public static TheoryData<decimal> AuditedCosts => new()
    {
        0.01m, 0.03m, 0.05m, 0.15m, 1.00m, 33.33m, 100.10m, 781_236.45m, 3_981_250.50m, 3_948_760.35m, 9_999_999.99m,
    };

    [Theory]
    [MemberData(nameof(AuditedCosts))]
    public void the_split_always_adds_up_to_the_grant_to_the_fen(decimal auditedCost)
    {
        var grant = Eligibility.GrantOn(auditedCost, CoFundingRuleBook.Version1);

        (grant.City + grant.District).ShouldBe(grant.Total);
        decimal.Round(grant.Total, 2).ShouldBe(grant.Total);
        decimal.Round(grant.City, 2).ShouldBe(grant.City);
        decimal.Round(grant.District, 2).ShouldBe(grant.District);
        Math.Abs(grant.City - grant.District).ShouldBeLessThanOrEqualTo(0.01m);
        Math.Abs(grant.Total - (auditedCost * 0.30m)).ShouldBeLessThanOrEqualTo(0.005m);
    }

    [Fact]
    public void a_different_city_share_splits_the_grant_by_it()
    {
        var rules = CoFundingRuleBook.Proposed("city-60", """
            { "builtFrom": 2000, "builtUntil": 2015, "maintenanceFundRequired": true,
              "rate": 0.30, "cityShare": 0.60, "rounding": "away-from-zero" }
            """);

        var grant = Eligibility.GrantOn(781_236.45m, rules);

        // 60% of 234,370.94 is 140,622.564.
        grant.ShouldBe(new Grant(234_370.94m, 140_622.56m, 93_748.38m));
    }

    [Fact]
    public void a_what_if_award_under_a_proposed_rate_of_35_percent_uses_that_rate()
    {
        var proposed = CoFundingRuleBook.Proposed("2-proposed", """
            { "builtFrom": 2000, "builtUntil": 2015, "maintenanceFundRequired": true,
              "rate": 0.35, "cityShare": 0.50, "rounding": "away-from-zero" }
            """);
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(781_236.45m);

        var whatIf = project.AwardUnder(proposed).ShouldAppendOne<AwardDecided>();

        // 35% of 781,236.45 is 273,432.7575.
        whatIf.Rate.ShouldBe(0.35m);
        whatIf.Grant.ShouldBe(new Grant(273_432.76m, 136_716.38m, 136_716.38m));
        whatIf.Rule.ShouldBe(proposed.Rule);
        project.Project.Rules.ShouldBe(CoFundingRuleBook.Version1);
    }

    [Fact]
    public void the_award_is_decided_under_the_version_the_project_was_registered_with()
    {
        var toEven = CoFundingRuleBook.ProposedVersion("1-to-even", ToEvenVersion);
        var project = ProjectScenario.OfCamphorCourt().Under(toEven).CompletedAndAuditedAt(0.15m);

        var awarded = project.Award().ShouldAppendOne<AwardDecided>();

        awarded.Rule.ShouldBe(toEven.Ref);
        awarded.Grant.Total.ShouldBe(0.04m);
        project.Project.Rule.ShouldBe(toEven.Ref);
    }
}
