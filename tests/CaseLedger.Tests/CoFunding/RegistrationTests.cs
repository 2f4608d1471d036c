using CaseLedger.Cases.CoFunding;
using CaseLedger.Core;
using CaseLedger.Tests.RenovationVotes;

namespace CaseLedger.Tests.CoFunding;

// A project is registered under the co-funding rule in force at the moment of registration (read in
// China's civil time); the command itself must be well formed.
public class when_registering_a_project
{
    private static readonly DateTimeOffset LastSecondOf2020InChina = new(2020, 12, 31, 23, 59, 59, TimeSpan.FromHours(8));

    [Fact]
    public void the_registration_records_the_project_as_given_with_the_rule_in_force()
    {
        var project = ProjectScenario.OfCamphorCourt().Described("  Pipes, facade and lighting renewal ");

        var registered = project.Register().ShouldRegister();

        registered.ProjectId.ShouldBe(project.ProjectId);
        registered.Compound.ShouldBe(new Compound("camphor-court", "Camphor Court", 2004, true, 306));
        registered.Description.ShouldBe("Pipes, facade and lighting renewal");
        registered.EstimatedCost.ShouldBe(798_500.00m);
        registered.Funding.ShouldBe([
            new Funding(FundingSource.CompoundPublicIncome, 426_000.00m),
            new Funding(FundingSource.ResidentsSelfRaised, 372_500.00m),
        ]);
        registered.Rules.ShouldBe(CoFundingRuleBook.Version1);
        registered.Rule.ToString().ShouldBe("co-funding@1");
        registered.Channel.ShouldBe(Channel.ServiceWindow);
        registered.RegisteredAt.ShouldBe(ProjectScenario.DefaultRegisteredAt);
        project.Project.Stage.ShouldBe(ProjectStage.Registered);
    }

    [Fact]
    public void no_co_funding_rule_is_in_force_before_2021_in_china()
    {
        CoFundingRuleBook.Default.TryInForce<CoFundingRules>(CoFundingRules.RuleId, LastSecondOf2020InChina).ShouldBeNull();
        CoFundingRuleBook.Default.TryInForce<CoFundingRules>(CoFundingRules.RuleId, LastSecondOf2020InChina.AddSeconds(1))
            .ShouldNotBeNull().Rule.Version.ShouldBe("1");
    }

    [Fact]
    public void a_project_registered_before_the_programme_is_refused()
    {
        var project = ProjectScenario.OfCamphorCourt().RegisteringAt(LastSecondOf2020InChina);
        project.Rules.ShouldBeNull();

        var outcome = project.Register();

        outcome.ShouldBeRejectedWith("co_funding.no_rule_in_force").Reason.ShouldContain("2020-12-31");
        var inForce = outcome.Clauses.ShouldHaveSingleItem();
        inForce.Clause.ShouldBe(Eligibility.RuleInForceClause);
        inForce.Met.ShouldBeFalse();
        project.History.ShouldBeEmpty();
        project.Fixture.State<CoFundingProject>(project.ProjectId).ShouldBeNull();
    }

    [Fact]
    public void a_project_registered_at_midnight_on_new_year_2021_comes_under_version_1()
    {
        var project = ProjectScenario.OfCamphorCourt().RegisteringAt(LastSecondOf2020InChina.AddSeconds(1));

        project.Register().ShouldRegister().Rule.ShouldBe(CoFundingRuleBook.Version1.Rule);
    }

    [Fact]
    public void a_project_without_a_description_is_invalid()
    {
        var project = ProjectScenario.OfCamphorCourt().Described("   ");

        project.Register().ShouldBeRejectedWith("co_funding.description_missing").Kind.ShouldBe(RejectionKind.Invalid);
    }

    public static TheoryData<decimal> InvalidEstimates => new() { 0m, -798_500.00m, 798_500.001m };

    [Theory]
    [MemberData(nameof(InvalidEstimates))]
    public void an_estimate_must_be_positive_with_at_most_two_decimals(decimal estimate)
    {
        var project = ProjectScenario.OfCamphorCourt().Estimated(estimate);

        project.Register().ShouldBeRejectedWith("co_funding.estimate_invalid").Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void each_funding_source_is_listed_once()
    {
        var project = ProjectScenario.OfCamphorCourt().FundedBy(
            new Funding(FundingSource.ResidentsSelfRaised, 300_000.00m),
            new Funding(FundingSource.CompoundPublicIncome, 426_000.00m),
            new Funding(FundingSource.ResidentsSelfRaised, 72_500.00m));

        project.Register().ShouldBeRejectedWith("co_funding.funding_source_repeated").Kind.ShouldBe(RejectionKind.Invalid);
    }

    public static TheoryData<decimal> InvalidAmounts => new() { 0m, -1.00m, 426_000.005m };

    [Theory]
    [MemberData(nameof(InvalidAmounts))]
    public void a_funding_amount_must_be_positive_with_at_most_two_decimals(decimal amount)
    {
        var project = ProjectScenario.OfCamphorCourt().FundedBy(new Funding(FundingSource.CompoundPublicIncome, amount));

        var rejection = project.Register().ShouldBeRejectedWith("co_funding.funding_amount_invalid");

        rejection.Reason.ShouldContain(nameof(FundingSource.CompoundPublicIncome));
        rejection.Kind.ShouldBe(RejectionKind.Invalid);
    }

    [Fact]
    public void a_project_lists_where_its_money_comes_from()
    {
        var project = ProjectScenario.OfCamphorCourt().FundedBy();

        project.Register().ShouldBeRejectedWith("co_funding.funding_missing");
    }

    [Fact]
    public void a_funding_source_must_be_a_known_one()
    {
        var project = ProjectScenario.OfCamphorCourt().FundedBy(new Funding((FundingSource)42, 1_000.00m));

        project.Register().ShouldBeRejectedWith("co_funding.funding_source_unknown");
    }

    [Fact]
    public void the_compound_is_named()
    {
        var project = ProjectScenario.OfCamphorCourt().InCompound(" ", "Camphor Court");

        project.Register().ShouldBeRejectedWith("co_funding.compound_missing");
    }

    [Theory]
    [InlineData(1899)]
    [InlineData(2101)]
    public void an_implausible_year_of_construction_is_invalid(int year)
    {
        var project = ProjectScenario.OfACompoundBuiltIn(year);

        project.Register().ShouldBeRejectedWith("co_funding.year_built_invalid").Reason.ShouldContain(year.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void a_compound_has_households()
    {
        var project = ProjectScenario.OfCamphorCourt();
        var command = project.RegisterCommand();

        project.Register(command with { Compound = command.Compound with { Households = 0 } })
            .ShouldBeRejectedWith("co_funding.households_not_positive");
    }
}
