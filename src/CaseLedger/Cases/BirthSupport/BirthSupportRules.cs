using CaseLedger.Rules;

namespace CaseLedger.Cases.BirthSupport;

/// <summary>
/// The parameters of one version of Xintian county's birth support (rule id <see cref="RuleId"/>):
/// each benefit's amount or share, the caps across a household's and a child's claims, and the
/// county's yearly budget. Amounts in yuan.
/// </summary>
public sealed record BirthSupportRules : RuleParameters
{
    public const string RuleId = "birth-support";

    /// <summary>The one-off birth grant for a second child.</summary>
    public required decimal SecondChildGrant { get; init; }

    /// <summary>The one-off birth grant for a third or later child.</summary>
    public required decimal ThirdOrLaterChildGrant { get; init; }

    /// <summary>Infertility treatment support: at most this much per household, across all its claims.</summary>
    public required decimal InfertilityHouseholdCap { get; init; }

    /// <summary>Prenatal screening: this much per screening case.</summary>
    public required decimal PrenatalScreening { get; init; }

    /// <summary>Delivery in a county hospital within the policy.</summary>
    public required decimal Delivery { get; init; }

    /// <summary>The share of the newborn's first-year medical insurance premium the county pays.</summary>
    public required decimal NewbornInsuranceShare { get; init; }

    /// <summary>Childcare in a nursery: at most this much per child per (civil) year.</summary>
    public required decimal ChildcareYearlyCapPerChild { get; init; }

    /// <summary>Childcare is for children younger than this many years (aged 0-3: younger than 4).</summary>
    public required int ChildcareAgeBelowYears { get; init; }

    /// <summary>A woman who lost her job because of childbirth: this many months of her own unemployment benefit, once.</summary>
    public required int UnemploymentGrantMonths { get; init; }

    /// <summary>The county's budget for a (civil) year; claims beyond it wait for the next year's.</summary>
    public required decimal CountyYearlyBudget { get; init; }
}
