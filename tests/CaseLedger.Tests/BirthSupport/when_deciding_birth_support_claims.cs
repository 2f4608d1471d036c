using CaseLedger.Cases.BirthSupport;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;

namespace CaseLedger.Tests.BirthSupport;

// The birth-support decisions called as pure functions: no ledger, no database, the household's
// totals and the county's budget passed in as the pipeline would hold them.
public sealed class when_deciding_birth_support_claims
{
    private static readonly RuleBook Book = StandardKinds.Create().DefaultRules();
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateOnly Today = new(2025, 3, 4);
    private static readonly BirthSupportRules Rules = Book.InForce<BirthSupportRules>(BirthSupportRules.RuleId, Nine);

    private static BirthSupportClaim Claim(SupportBenefit benefit, string? child = null, int? order = null, DateOnly? born = null, decimal? expense = null,
        bool withinPolicy = true, string household = "hr-1")
    {
        var decision = ClaimingSupport.Decide(new SubmitClaim("mother-1", household, benefit, withinPolicy, child, order, born, expense), Guid.NewGuid(),
            Channel.ServiceWindow, Nine, Today, Rules);
        decision.Rejection.ShouldBeNull();
        return Core.Fold.Events<BirthSupportClaim>(BirthSupportClaimProjection.Evolve, decision.Events)!;
    }

    private static ClaimDecided Decided(BirthSupportClaim claim, HouseholdTotals? household = null, CountyBudget? budget = null) =>
        DecidingAClaim.Decide(claim, household, budget, Nine.AddDays(1), Today.AddDays(1)).Events.ShouldHaveSingleItem().ShouldBeOfType<ClaimDecided>();

    [Fact]
    public void the_amounts_caps_and_budget_come_from_the_rule_not_from_code()
    {
        Rules.SecondChildGrant.ShouldBe(1000m);
        Rules.ThirdOrLaterChildGrant.ShouldBe(5000m);
        Rules.InfertilityHouseholdCap.ShouldBe(4000m);
        Rules.PrenatalScreening.ShouldBe(500m);
        Rules.Delivery.ShouldBe(400m);
        Rules.NewbornInsuranceShare.ShouldBe(0.5m);
        Rules.ChildcareYearlyCapPerChild.ShouldBe(2000m);
        Rules.UnemploymentGrantMonths.ShouldBe(3);
        Rules.CountyYearlyBudget.ShouldBe(5_650_000m);
    }

    [Fact]
    public void each_benefit_comes_to_its_amount()
    {
        Decided(Claim(SupportBenefit.BirthGrant, "c2", 2)).Paid.ShouldBe(1000m);
        Decided(Claim(SupportBenefit.BirthGrant, "c3", 3)).Paid.ShouldBe(5000m);
        Decided(Claim(SupportBenefit.BirthGrant, "c5", 5)).Paid.ShouldBe(5000m);
        Decided(Claim(SupportBenefit.PrenatalScreening)).Paid.ShouldBe(500m);
        Decided(Claim(SupportBenefit.Delivery)).Paid.ShouldBe(400m);
        Decided(Claim(SupportBenefit.NewbornInsurance, "c2", expense: 320.25m)).Paid.ShouldBe(160.13m);
        Decided(Claim(SupportBenefit.Childcare, "c2", born: new DateOnly(2023, 1, 1), expense: 1800m)).Paid.ShouldBe(1800m);
        Decided(Claim(SupportBenefit.UnemploymentGrant, expense: 1500m)).Paid.ShouldBe(4500m);
        Decided(Claim(SupportBenefit.InfertilityTreatment, expense: 2500m)).Paid.ShouldBe(2500m);
    }

    [Fact]
    public void a_claim_beyond_the_households_infertility_cap_is_paid_the_remainder_with_the_reason()
    {
        var household = HouseholdTotals.Empty("hr-1") with { InfertilityPaid = 3200m };

        var decided = Decided(Claim(SupportBenefit.InfertilityTreatment, expense: 1500m), household);

        decided.Status.ShouldBe(ClaimStatus.PaidInPart);
        decided.Due.ShouldBe(1500m);
        decided.Paid.ShouldBe(800m);
        decided.Reasons.ShouldHaveSingleItem().ShouldContain("leaves 800.00");
        decided.Household.InfertilityPaid.ShouldBe(4000m);
        decided.Household.TotalPaid.ShouldBe(800m);
        decided.Budget.Spent.ShouldBe(800m);
    }

    [Fact]
    public void the_childs_childcare_cap_is_per_year()
    {
        var household = HouseholdTotals.Empty("hr-1") with { Childcare = [new ChildcareYear("c2", 2025, 1700m, 2000m), new ChildcareYear("c2", 2024, 2000m, 2000m)] };

        var decided = Decided(Claim(SupportBenefit.Childcare, "c2", born: new DateOnly(2023, 1, 1), expense: 500m), household);

        decided.Paid.ShouldBe(300m);
        decided.Household.Childcare.Single(c => c.Year == 2025).Paid.ShouldBe(2000m);
        decided.Household.Childcare.Single(c => c.Year == 2024).Paid.ShouldBe(2000m);
    }

    [Fact]
    public void a_claim_beyond_the_years_budget_waits_for_the_next_years_and_changes_no_totals()
    {
        var budget = CountyBudget.Empty(2025, Rules.CountyYearlyBudget) with { Spent = 5_649_800m };

        var decision = DecidingAClaim.Decide(Claim(SupportBenefit.Delivery), null, budget, Nine, Today);

        var deferred = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<ClaimDeferred>();
        deferred.BudgetYear.ShouldBe(2026);
        deferred.Due.ShouldBe(400m);
        decision.Clauses.Single(c => c.Clause == DecidingAClaim.Clauses.CountyBudget).Met.ShouldBeFalse();
    }

    [Fact]
    public void a_deferred_claim_is_decided_again_and_a_decided_one_is_not()
    {
        var claim = Claim(SupportBenefit.Delivery) with { Status = ClaimStatus.Deferred };
        Decided(claim).Paid.ShouldBe(400m);

        DecidingAClaim.Decide(claim with { Status = ClaimStatus.Paid }, null, null, Nine, Today).Rejection!.Code.ShouldBe("birth_support.already_decided");
    }

    [Fact]
    public void the_birth_order_is_checked_against_the_households_earlier_claims()
    {
        var household = HouseholdTotals.Empty("hr-1") with { Children = [new ChildOfHousehold("c2", 2)] };

        Decided(Claim(SupportBenefit.BirthGrant, "c2", 3), household).Status.ShouldBe(ClaimStatus.Refused);
        Decided(Claim(SupportBenefit.BirthGrant, "cx", 2), household).Status.ShouldBe(ClaimStatus.Refused);
        var third = Decided(Claim(SupportBenefit.BirthGrant, "c3", 3), household);
        third.Paid.ShouldBe(5000m);
        third.Household.Children.ShouldBe([new ChildOfHousehold("c2", 2), new ChildOfHousehold("c3", 3)]);
    }

    [Fact]
    public void a_refused_claim_adds_nothing_to_the_totals()
    {
        var decided = Decided(Claim(SupportBenefit.BirthGrant, "c2", 2, withinPolicy: false));

        decided.Paid.ShouldBe(0m);
        decided.Household.Children.ShouldBeEmpty();
        decided.Household.ClaimsDecided.ShouldBe(1);
        decided.Household.InfertilityCap.ShouldBe(Rules.InfertilityHouseholdCap, "the totals say the caps they are held against");
        decided.Budget.Spent.ShouldBe(0m);
    }

    [Fact]
    public void an_incomplete_claim_is_refused_when_it_is_submitted()
    {
        string? Code(SubmitClaim claim) => ClaimingSupport.Decide(claim, Guid.NewGuid(), Channel.ServiceWindow, Nine, Today, Rules).Rejection?.Code;

        Code(new SubmitClaim("", "hr-1", SupportBenefit.Delivery, true, null, null, null, null)).ShouldBe("birth_support.details_missing");
        Code(new SubmitClaim("m", "hr-1", SupportBenefit.Childcare, true, null, null, null, 100m)).ShouldBe("birth_support.child_missing");
        Code(new SubmitClaim("m", "hr-1", SupportBenefit.Childcare, true, "c", null, null, 100m)).ShouldBe("birth_support.birth_date_invalid");
        Code(new SubmitClaim("m", "hr-1", SupportBenefit.Childcare, true, "c", null, new DateOnly(2026, 1, 1), 100m)).ShouldBe("birth_support.birth_date_invalid");
        Code(new SubmitClaim("m", "hr-1", SupportBenefit.BirthGrant, true, "c", 0, null, null)).ShouldBe("birth_support.birth_order_invalid");
        Code(new SubmitClaim("m", "hr-1", SupportBenefit.InfertilityTreatment, true, null, null, null, 10.001m)).ShouldBe("birth_support.expense_invalid");
        Code(new SubmitClaim("m", "hr-1", SupportBenefit.UnemploymentGrant, true, null, null, null, null)).ShouldBe("birth_support.expense_invalid");
        ClaimingSupport.Decide(new SubmitClaim("m", "hr-1", SupportBenefit.Delivery, true, null, null, null, null), Guid.NewGuid(), Channel.ServiceWindow,
            Nine, Today, null).Rejection!.Code.ShouldBe("birth_support.no_rule_in_force");
    }

    [Theory]
    [InlineData(SupportBenefit.BirthGrant, -1)]
    [InlineData(SupportBenefit.PrenatalScreening, -500)]
    [InlineData(SupportBenefit.Delivery, -0.01)]
    [InlineData(SupportBenefit.Delivery, 400)]
    [InlineData(SupportBenefit.InfertilityTreatment, -2500)]
    [InlineData(SupportBenefit.Childcare, 0)]
    public void an_expense_sent_is_a_positive_amount_of_a_benefit_worked_out_from_one_or_the_claim_is_refused(SupportBenefit benefit, double expense)
    {
        var claim = new SubmitClaim("m", "hr-1", benefit, true, "c", benefit == SupportBenefit.BirthGrant ? 2 : null,
            benefit == SupportBenefit.Childcare ? new DateOnly(2024, 1, 1) : null, (decimal)expense);

        var decision = ClaimingSupport.Decide(claim, Guid.NewGuid(), Channel.ServiceWindow, Nine, Today, Rules);

        decision.Rejection!.Code.ShouldBe("birth_support.expense_invalid");
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void the_claim_recorded_carries_the_expense_sent()
    {
        Claim(SupportBenefit.InfertilityTreatment, expense: 2500.5m).Expense.ShouldBe(2500.5m);
        Claim(SupportBenefit.Delivery).Expense.ShouldBeNull();
    }

    [Fact]
    public void a_decision_records_the_totals_it_held_for_what_if_replays()
    {
        var household = HouseholdTotals.Empty("hr-1") with { InfertilityPaid = 1000m };

        var decided = Decided(Claim(SupportBenefit.InfertilityTreatment, expense: 500m), household);

        decided.HouseholdBefore.ShouldBe(household);
        decided.BudgetBefore.ShouldBeNull("the year's first claim found no budget document yet");
        ((IRecordsHeldDocuments)decided).HeldBefore.ShouldBe([household]);
    }

    [Fact]
    public async Task in_memory_claims_of_one_household_never_together_exceed_its_cap()
    {
        var ledger = new InMemoryLedger(StandardKinds.Create(), Book);
        var clerk = new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk);
        var claims = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        foreach (var id in claims)
        {
            (await ledger.ExecuteAsync(new CommandRequest("xintian", id, new SubmitClaim("mother-1", "hr-9", SupportBenefit.InfertilityTreatment, true, null, null,
                null, 1800m), clerk) { At = Nine })).IsAccepted.ShouldBeTrue();
        }

        var paid = new List<decimal>();
        foreach (var id in claims)
        {
            var outcome = await ledger.ExecuteAsync(new CommandRequest("xintian", id, new DecideClaim(), clerk) { At = Nine.AddHours(1) });
            paid.Add(outcome.Events.OfType<ClaimDecided>().Single().Paid);
        }

        paid.ShouldBe([1800m, 1800m, 400m]);
        ledger.Document<HouseholdTotals>("xintian", "hr-9")!.InfertilityPaid.ShouldBe(4000m);
        ledger.Document<CountyBudget>("xintian", "budget-2025")!.Spent.ShouldBe(4000m);
    }
}
