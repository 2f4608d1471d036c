using System.Globalization;
using CaseLedger.Core;

namespace CaseLedger.Cases.BirthSupport;

/// <summary>Decide the claim: what its benefit comes to, cut to what its caps have left, within the county's budget for the year.</summary>
public sealed record DecideClaim;

/// <summary>
/// Deciding a claim against the household's running totals (and the child's, for childcare) and the
/// county's spending this year, as the pipeline holds them: a claim beyond a cap is paid the
/// remainder, with the reason; a claim beyond the year's budget waits for the next year's.
/// </summary>
public static class DecidingAClaim
{
    public static readonly Refusal AlreadyDecided = new("birth_support.already_decided");
    public static readonly Refusal NoRuleRecorded = new("birth_support.no_rule_recorded");

    public static class Clauses
    {
        public const string BirthOrder = "birth-support.birth-order";
        public const string WithinPolicy = "birth-support.within-policy";
        public const string OneOff = "birth-support.one-off";
        public const string InfertilityCap = "birth-support.infertility-cap";
        public const string ChildcareAge = "birth-support.childcare-age";
        public const string ChildcareCap = "birth-support.childcare-cap";
        public const string CountyBudget = "birth-support.county-budget";
    }

    /// <param name="claim">The claim, with the rule version it was submitted under.</param>
    /// <param name="household">The household's totals as held (null: its first claim).</param>
    /// <param name="budget">The county's spending this year as held (null: the year's first claim).</param>
    /// <param name="now">The moment of the decision.</param>
    /// <param name="today">Its civil date, whose year is the budget's.</param>
    public static Decision Decide(BirthSupportClaim claim, HouseholdTotals? household, CountyBudget? budget, DateTimeOffset now, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Status is not (ClaimStatus.Submitted or ClaimStatus.Deferred))
        {
            return Decision.Reject(AlreadyDecided, $"The claim was decided on {claim.DecidedAt:yyyy-MM-dd}: {claim.Status}, {Yuan(claim.Paid)} paid.");
        }

        if (claim.Rules is not { } rules)
        {
            return Decision.Reject(NoRuleRecorded, "The claim records no rule version to decide it under.");
        }

        var (householdBefore, budgetBefore) = (household, budget);
        household ??= HouseholdTotals.Empty(claim.HouseholdRegister);
        budget = (budget ?? CountyBudget.Empty(today.Year, rules.CountyYearlyBudget)) with { Budget = rules.CountyYearlyBudget };
        var criteria = new List<CriterionResult>();
        var reasons = new List<string>();

        var (due, cap) = Assess(claim, household, rules, today, criteria, reasons);
        var paid = Math.Max(0m, Math.Min(due, cap));
        if (paid < due && reasons.Count == 0)
        {
            reasons.Add($"{Yuan(due - paid)} of {Yuan(due)} is beyond the cap");
        }

        if (paid > 0)
        {
            var within = paid <= budget.Remaining;
            criteria.Add(new(Clauses.CountyBudget, "the county's budget for the year has the amount left", within,
                $"{Yuan(paid)} claimed; {Yuan(budget.Remaining)} of {Yuan(budget.Budget)} left in {today.Year}"));
            if (!within)
            {
                return Decision.Accept(new ClaimDeferred(claim.Id, due, today.Year + 1,
                    $"The county's budget for {today.Year} has {Yuan(budget.Remaining)} left, less than the {Yuan(paid)} due: the claim waits for the {today.Year + 1} budget",
                    criteria, householdBefore, budgetBefore, now));
            }
        }

        var status = paid == 0 ? ClaimStatus.Refused : paid < due ? ClaimStatus.PaidInPart : ClaimStatus.Paid;
        var eligible = criteria.All(c => c.Met || c.Clause is Clauses.InfertilityCap or Clauses.ChildcareCap);
        return Decision.Accept(new ClaimDecided(claim.Id, status, due, paid, reasons, criteria,
            eligible
                ? Add(household, claim, rules, paid, today.Year)
                : household with { ClaimsDecided = household.ClaimsDecided + 1, InfertilityCap = rules.InfertilityHouseholdCap },
            paid > 0 ? budget with { Spent = budget.Spent + paid, ClaimsPaid = budget.ClaimsPaid + 1 } : budget,
            householdBefore, budgetBefore, now));
    }

    /// <summary>What the benefit comes to (due) and what its caps leave for it, with the criteria and the reasons of a cut or a refusal.</summary>
    private static (decimal Due, decimal Cap) Assess(BirthSupportClaim claim, HouseholdTotals household, BirthSupportRules rules, DateOnly today,
        List<CriterionResult> criteria, List<string> reasons)
    {
        var unbounded = decimal.MaxValue;
        if (claim.ChildId is { } child && claim.BirthOrder is { } order)
        {
            var recorded = household.Children.FirstOrDefault(c => c.ChildId == child);
            var other = household.Children.FirstOrDefault(c => c.ChildId != child && c.BirthOrder == order);
            var consistent = (recorded is null || recorded.BirthOrder == order) && other is null;
            criteria.Add(new(Clauses.BirthOrder, "the child's birth order agrees with the household's earlier claims", consistent,
                recorded is not null && recorded.BirthOrder != order ? $"{child} was claimed earlier as child {recorded.BirthOrder}, now as child {order}"
                : other is not null ? $"{other.ChildId} was claimed earlier as child {order}"
                : $"{child} is child {order}; the household's earlier claims name {household.Children.Count} child(ren)"));
            if (!consistent)
            {
                reasons.Add("the birth order disagrees with the household's earlier claims");
                return (0m, 0m);
            }
        }

        if (claim.Benefit is SupportBenefit.BirthGrant or SupportBenefit.Delivery or SupportBenefit.InfertilityTreatment)
        {
            criteria.Add(new(Clauses.WithinPolicy, "the birth (or the household, for infertility treatment) is within the policy", claim.WithinPolicy,
                claim.WithinPolicy ? "within the policy" : "not within the policy"));
            if (!claim.WithinPolicy)
            {
                reasons.Add($"{Words.Of(claim.Benefit)} is only for births and households within the policy");
                return (0m, 0m);
            }
        }

        switch (claim.Benefit)
        {
            case SupportBenefit.BirthGrant:
            {
                var grant = (claim.BirthOrder ?? 0) switch { 2 => rules.SecondChildGrant, >= 3 => rules.ThirdOrLaterChildGrant, _ => 0m };
                if (grant == 0)
                {
                    reasons.Add("a first child gets no birth grant");
                    return (0m, 0m);
                }

                return OneOff(household.BirthGrantsPaid.Contains(claim.ChildId!), $"the birth grant of {claim.ChildId} was paid before", grant, criteria, reasons);
            }

            case SupportBenefit.InfertilityTreatment:
            {
                var expense = claim.Expense ?? 0m;
                var left = Math.Max(0m, rules.InfertilityHouseholdCap - household.InfertilityPaid);
                var within = expense <= left;
                criteria.Add(new(Clauses.InfertilityCap, "the household's infertility support stays within its cap", within,
                    $"{Yuan(expense)} claimed; {Yuan(household.InfertilityPaid)} paid before of the {Yuan(rules.InfertilityHouseholdCap)} cap"));
                if (!within)
                {
                    reasons.Add(left == 0
                        ? $"the household's infertility support cap of {Yuan(rules.InfertilityHouseholdCap)} is used up"
                        : $"the household's infertility support cap of {Yuan(rules.InfertilityHouseholdCap)} leaves {Yuan(left)}: the remainder is paid");
                }

                return (expense, left);
            }

            case SupportBenefit.PrenatalScreening:
                return (rules.PrenatalScreening, unbounded);

            case SupportBenefit.Delivery:
                return (rules.Delivery, unbounded);

            case SupportBenefit.NewbornInsurance:
                return (decimal.Round((claim.Expense ?? 0m) * rules.NewbornInsuranceShare, 2, MidpointRounding.AwayFromZero), unbounded);

            case SupportBenefit.Childcare:
            {
                var born = claim.ChildBornOn ?? today;
                var youngEnough = today < born.AddYears(rules.ChildcareAgeBelowYears);
                criteria.Add(new(Clauses.ChildcareAge, $"the child is younger than {rules.ChildcareAgeBelowYears}", youngEnough,
                    $"born {born:yyyy-MM-dd}, decided {today:yyyy-MM-dd}"));
                if (!youngEnough)
                {
                    reasons.Add($"childcare support is for children younger than {rules.ChildcareAgeBelowYears}");
                    return (0m, 0m);
                }

                var expense = claim.Expense ?? 0m;
                var before = household.Childcare.FirstOrDefault(c => c.ChildId == claim.ChildId && c.Year == today.Year)?.Paid ?? 0m;
                var left = Math.Max(0m, rules.ChildcareYearlyCapPerChild - before);
                var within = expense <= left;
                criteria.Add(new(Clauses.ChildcareCap, "the child's childcare support stays within the yearly cap", within,
                    $"{Yuan(expense)} claimed; {Yuan(before)} paid before in {today.Year} of the {Yuan(rules.ChildcareYearlyCapPerChild)} cap"));
                if (!within)
                {
                    reasons.Add(left == 0
                        ? $"the child's childcare cap of {Yuan(rules.ChildcareYearlyCapPerChild)} for {today.Year} is used up"
                        : $"the child's childcare cap of {Yuan(rules.ChildcareYearlyCapPerChild)} for {today.Year} leaves {Yuan(left)}: the remainder is paid");
                }

                return (expense, left);
            }

            case SupportBenefit.UnemploymentGrant:
                return OneOff(household.UnemploymentGrantsPaid.Contains(claim.Claimant), $"the unemployment grant of {claim.Claimant} was paid before",
                    (claim.Expense ?? 0m) * rules.UnemploymentGrantMonths, criteria, reasons);

            default:
                return (0m, 0m);
        }
    }

    private static (decimal, decimal) OneOff(bool paidBefore, string reason, decimal amount, List<CriterionResult> criteria, List<string> reasons)
    {
        criteria.Add(new(Clauses.OneOff, "a one-off grant is paid once", !paidBefore, paidBefore ? reason : "not paid before"));
        if (paidBefore)
        {
            reasons.Add(reason);
            return (amount, 0m);
        }

        return (amount, decimal.MaxValue);
    }

    /// <summary>The household's totals with this claim's payment added.</summary>
    private static HouseholdTotals Add(HouseholdTotals household, BirthSupportClaim claim, BirthSupportRules rules, decimal paid, int year)
    {
        var children = claim is { ChildId: { } child, BirthOrder: { } order } && household.Children.All(c => c.ChildId != child)
            ? [.. household.Children, new ChildOfHousehold(child, order)]
            : household.Children;
        var childcare = household.Childcare;
        if (claim.Benefit == SupportBenefit.Childcare && claim.ChildId is { } cared)
        {
            var before = childcare.FirstOrDefault(c => c.ChildId == cared && c.Year == year);
            childcare = [.. childcare.Where(c => c != before), new ChildcareYear(cared, year, (before?.Paid ?? 0m) + paid, rules.ChildcareYearlyCapPerChild)];
        }

        return household with
        {
            ClaimsDecided = household.ClaimsDecided + 1,
            TotalPaid = household.TotalPaid + paid,
            InfertilityPaid = household.InfertilityPaid + (claim.Benefit == SupportBenefit.InfertilityTreatment ? paid : 0m),
            InfertilityCap = rules.InfertilityHouseholdCap,
            Children = children,
            BirthGrantsPaid = claim.Benefit == SupportBenefit.BirthGrant && paid > 0 ? [.. household.BirthGrantsPaid, claim.ChildId!] : household.BirthGrantsPaid,
            UnemploymentGrantsPaid = claim.Benefit == SupportBenefit.UnemploymentGrant && paid > 0
                ? [.. household.UnemploymentGrantsPaid, claim.Claimant]
                : household.UnemploymentGrantsPaid,
            Childcare = childcare,
        };
    }

    internal static string Yuan(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture);
}
