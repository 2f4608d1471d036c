using CaseLedger.Cases.CoFunding;
using CaseLedger.Tests.RenovationVotes;

namespace CaseLedger.Tests.CoFunding;

// A compound qualifies when it was built 2000-2015 inclusive and has collected a maintenance fund.
// A compound that does not qualify is still registered, with the reasons, but gets no grant.
public class when_checking_whether_a_compound_qualifies
{
    [Fact]
    public void version_1_covers_compounds_built_2000_to_2015_that_have_a_maintenance_fund()
    {
        var rules = CoFundingRuleBook.Version1;

        rules.BuiltFrom.ShouldBe(2000);
        rules.BuiltUntil.ShouldBe(2015);
        rules.MaintenanceFundRequired.ShouldBeTrue();
        rules.Rule.ToString().ShouldBe("co-funding@1");
    }

    [Theory]
    [InlineData(1999, false)]
    [InlineData(2000, true)]
    [InlineData(2004, true)]
    [InlineData(2015, true)]
    [InlineData(2016, false)]
    public void the_years_built_qualify_inclusive_of_both_ends(int yearBuilt, bool eligible)
    {
        var project = ProjectScenario.OfACompoundBuiltIn(yearBuilt);

        var registered = project.Register().ShouldRegister();

        registered.Eligible.ShouldBe(eligible);
        var built = registered.Eligibility.Clause(Eligibility.BuiltYearsClause);
        built.Met.ShouldBe(eligible);
        built.Detail.ShouldBe($"built in {yearBuilt}");
        built.Requirement.ShouldContain("2000-2015");
        project.Project.Eligible.ShouldBe(eligible);
    }

    [Fact]
    public void a_compound_without_a_maintenance_fund_does_not_qualify()
    {
        var project = ProjectScenario.OfCamphorCourt().WithoutAMaintenanceFund();

        var registered = project.Register().ShouldRegister();

        registered.Eligible.ShouldBeFalse();
        var fund = registered.Eligibility.Clause(Eligibility.MaintenanceFundClause);
        fund.Met.ShouldBeFalse();
        fund.Detail.ShouldBe("has no maintenance fund");
        registered.Eligibility.Clause(Eligibility.BuiltYearsClause).Met.ShouldBeTrue();
    }

    [Fact]
    public void a_qualifying_compound_meets_every_criterion_of_the_registration()
    {
        var registered = ProjectScenario.OfCamphorCourt().Register().ShouldRegister();

        registered.Eligible.ShouldBeTrue();
        registered.Eligibility.Select(c => c.Clause).ShouldBe([
            Eligibility.BuiltYearsClause,
            Eligibility.MaintenanceFundClause,
            Eligibility.VoteClause,
        ]);
        registered.Eligibility.ShouldAllBe(c => c.Met);
        registered.Eligibility.Clause(Eligibility.MaintenanceFundClause).Detail.ShouldBe("has a maintenance fund");
    }

    [Fact]
    public void a_rule_version_that_does_not_ask_for_a_fund_has_no_fund_criterion()
    {
        var version = CoFundingRuleBook.ProposedVersion("no-fund-needed", """
            { "builtFrom": 2000, "builtUntil": 2015, "maintenanceFundRequired": false,
              "rate": 0.30, "cityShare": 0.50, "rounding": "away-from-zero" }
            """);
        var project = ProjectScenario.OfCamphorCourt().WithoutAMaintenanceFund().Under(version);

        var registered = project.Register().ShouldRegister();

        registered.Eligible.ShouldBeTrue();
        registered.Eligibility.ShouldNotContain(c => c.Clause == Eligibility.MaintenanceFundClause);
        registered.Rule.ToString().ShouldBe("co-funding@no-fund-needed");
    }

    [Fact]
    public void an_ineligible_project_is_registered_with_the_reason()
    {
        var project = ProjectScenario.OfACompoundBuiltIn(1999);

        var registered = project.Register().ShouldRegister();

        registered.Eligible.ShouldBeFalse();
        registered.Eligibility.Where(c => !c.Met).ShouldHaveSingleItem().Detail.ShouldBe("built in 1999");
        project.View.Eligible.ShouldBeFalse();
        project.View.Criteria.ShouldBe(registered.Eligibility);
    }

    [Fact]
    public void an_ineligible_project_gets_no_grant_even_when_completed_and_audited()
    {
        var project = ProjectScenario.OfACompoundBuiltIn(1999).CompletedAndAuditedAt(210_000.00m);

        var rejection = project.Award().ShouldBeRejectedWith("co_funding.ineligible");

        rejection.Reason.ShouldContain("built in 1999");
        rejection.Reason.ShouldContain("2000-2015");
        project.Project.Grant.ShouldBeNull();
        project.View.Grant.ShouldBeNull();
    }

    [Fact]
    public void a_compound_without_a_fund_gets_no_grant_and_is_told_so()
    {
        var project = ProjectScenario.OfCamphorCourt().WithoutAMaintenanceFund().CompletedAndAuditedAt(210_000.00m);

        var rejection = project.Award().ShouldBeRejectedWith("co_funding.ineligible");

        rejection.Reason.ShouldContain("has no maintenance fund");
        rejection.Reason.ShouldNotContain("built in");
    }

    [Fact]
    public void ineligibility_is_the_reason_given_even_before_the_works_are_done()
    {
        var project = ProjectScenario.OfACompoundBuiltIn(2016).Registered();

        var rejection = project.Award().ShouldBeRejectedWith("co_funding.ineligible");

        rejection.Reason.ShouldContain("built in 2016");
        rejection.Reason.ShouldContain("not accepted yet");
    }

    [Fact]
    public void the_award_re_checks_the_compound_under_the_version_it_is_decided_by()
    {
        // A what-if version that only covers compounds built up to 2003 refuses Camphor Court (2004).
        var narrower = CoFundingRuleBook.Proposed("until-2003", """
            { "builtFrom": 2000, "builtUntil": 2003, "maintenanceFundRequired": true,
              "rate": 0.30, "cityShare": 0.50, "rounding": "away-from-zero" }
            """);
        var project = ProjectScenario.OfCamphorCourt().CompletedAndAuditedAt(ProjectScenario.CamphorCourtAuditedCost);

        var rejection = project.AwardUnder(narrower).ShouldBeRejectedWith("co_funding.ineligible");

        rejection.Reason.ShouldContain("2000-2003");
        project.Award().ShouldAppendOne<AwardDecided>().Rule.ShouldBe(CoFundingRuleBook.Version1.Rule);
    }
}
