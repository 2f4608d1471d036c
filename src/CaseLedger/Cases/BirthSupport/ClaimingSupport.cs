using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.BirthSupport;

/// <summary>
/// Claim a benefit for a household (by its household register number): who claims, which benefit,
/// whether the birth is within the policy, and the facts the benefit needs: the child and its birth
/// order (a birth grant, the newborn's insurance, childcare), the child's birth date (childcare), and
/// the expense (infertility treatment's cost, the insurance premium, the nursery's fees, or the
/// claimant's monthly unemployment benefit).
/// </summary>
public sealed record SubmitClaim(
    [property: MaxLength(InputLimits.Id)] string Claimant,
    [property: MaxLength(InputLimits.Id)] string HouseholdRegister,
    SupportBenefit Benefit,
    bool WithinPolicy,
    [property: MaxLength(InputLimits.Id)] string? ChildId = null,
    int? BirthOrder = null,
    DateOnly? ChildBornOn = null,
    decimal? Expense = null);

/// <summary>Taking a claim: its facts are checked for completeness; what it is worth is decided later, against the household's totals.</summary>
public static class ClaimingSupport
{
    public static readonly Refusal NoRuleInForce = new("birth_support.no_rule_in_force");
    public static readonly Refusal DetailsMissing = new("birth_support.details_missing", RejectionKind.Invalid);
    public static readonly Refusal ChildMissing = new("birth_support.child_missing", RejectionKind.Invalid);
    public static readonly Refusal BirthOrderInvalid = new("birth_support.birth_order_invalid", RejectionKind.Invalid);
    public static readonly Refusal BirthDateInvalid = new("birth_support.birth_date_invalid", RejectionKind.Invalid);
    public static readonly Refusal ExpenseInvalid = new("birth_support.expense_invalid", RejectionKind.Invalid);

    /// <summary>The highest birth order a claim may name.</summary>
    public const int HighestBirthOrder = 20;

    /// <summary>The benefits that are about a named child.</summary>
    public static bool NamesAChild(SupportBenefit benefit) =>
        benefit is SupportBenefit.BirthGrant or SupportBenefit.NewbornInsurance or SupportBenefit.Childcare;

    /// <summary>The benefits whose amount is worked out from an expense the claim states.</summary>
    public static bool StatesAnExpense(SupportBenefit benefit) =>
        benefit is SupportBenefit.InfertilityTreatment or SupportBenefit.NewbornInsurance or SupportBenefit.Childcare or SupportBenefit.UnemploymentGrant;

    public static Decision Decide(SubmitClaim command, Guid claimId, Channel channel, DateTimeOffset now, DateOnly today, BirthSupportRules? rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (rules is null)
        {
            return Decision.Reject(NoRuleInForce, "No birth support rule of the county is in force on this date.");
        }

        if (string.IsNullOrWhiteSpace(command.Claimant) || string.IsNullOrWhiteSpace(command.HouseholdRegister) || !Enum.IsDefined(command.Benefit))
        {
            return Decision.Reject(DetailsMissing, "Say who claims, the household register number and the benefit claimed.");
        }

        var benefit = command.Benefit;
        var child = string.IsNullOrWhiteSpace(command.ChildId) ? null : command.ChildId.Trim();
        if (NamesAChild(benefit) && child is null)
        {
            return Decision.Reject(ChildMissing, $"A claim of {Words.Of(benefit)} names the child.");
        }

        if (command.BirthOrder is { } order && (order < 1 || order > HighestBirthOrder))
        {
            return Decision.Reject(BirthOrderInvalid, $"A birth order is from 1 to {HighestBirthOrder}, not {order}.");
        }

        if (benefit == SupportBenefit.BirthGrant && command.BirthOrder is null)
        {
            return Decision.Reject(BirthOrderInvalid, "A birth grant's claim says which child of the household it is (its birth order).");
        }

        if (command.BirthOrder is not null && child is null)
        {
            return Decision.Reject(ChildMissing, "A birth order is of a child: name the child.");
        }

        if (benefit == SupportBenefit.Childcare && command.ChildBornOn is null)
        {
            return Decision.Reject(BirthDateInvalid, "A childcare claim gives the child's date of birth.");
        }

        if (command.ChildBornOn is { } born && (born > today || born.Year < InputLimits.EarliestYear))
        {
            return Decision.Reject(BirthDateInvalid, $"The child's date of birth {born:yyyy-MM-dd} is not a date before the claim.");
        }

        // An expense is checked whenever one is sent: a fixed-amount benefit takes none, so one sent with it is
        // refused rather than dropped, and the claim recorded is the claim made.
        if (!StatesAnExpense(benefit) && command.Expense is not null)
        {
            return Decision.Reject(ExpenseInvalid, $"A claim of {Words.Of(benefit)} states no expense: the benefit is a fixed amount. Leave the expense out.");
        }

        if (StatesAnExpense(benefit)
            && (command.Expense is not { } expense || expense <= 0 || expense > InputLimits.Number || decimal.Round(expense, 2) != expense))
        {
            return Decision.Reject(ExpenseInvalid, $"A claim of {Words.Of(benefit)} states its expense: a positive amount in yuan with at most two decimals.");
        }

        return Decision.Accept(new ClaimSubmitted(claimId, command.Claimant.Trim(), command.HouseholdRegister.Trim(), benefit, command.WithinPolicy, child,
            command.BirthOrder, command.ChildBornOn, command.Expense, channel, rules, now));
    }
}

/// <summary>How the audit trail and reasons name the benefits.</summary>
public static class Words
{
    public static string Of(SupportBenefit benefit) => benefit switch
    {
        SupportBenefit.BirthGrant => "the birth grant",
        SupportBenefit.InfertilityTreatment => "infertility treatment support",
        SupportBenefit.PrenatalScreening => "prenatal screening",
        SupportBenefit.Delivery => "the delivery allowance",
        SupportBenefit.NewbornInsurance => "the newborn's insurance premium",
        SupportBenefit.Childcare => "childcare",
        SupportBenefit.UnemploymentGrant => "the unemployment grant",
        _ => benefit.ToString(),
    };
}
