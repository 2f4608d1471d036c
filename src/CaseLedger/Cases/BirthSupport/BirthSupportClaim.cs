using System.Text.Json.Serialization;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.BirthSupport;

// Xintian county's birth support benefits (case kind 5): a household claims a benefit, a clerk
// decides it against the household's (and the child's) running totals and the county's yearly
// budget, which the decision holds so that no two claims together exceed a cap. This file holds the
// kind's events, its state and the shared totals written from its events.

/// <summary>The benefits of the county's birth support.</summary>
public enum SupportBenefit
{
    /// <summary>One-off: 1,000 for a second child, 5,000 for a third or later, within the policy.</summary>
    BirthGrant,
    /// <summary>Households within the one-child policy: the treatment's cost, up to 4,000 per household in total.</summary>
    InfertilityTreatment,
    /// <summary>500 per screening case.</summary>
    PrenatalScreening,
    /// <summary>400 for a delivery in a county hospital within the policy.</summary>
    Delivery,
    /// <summary>Half of the newborn's first-year medical insurance premium.</summary>
    NewbornInsurance,
    /// <summary>Nursery fees of a child aged 0-3, up to 2,000 per child per year.</summary>
    Childcare,
    /// <summary>One-off: 3 months of the claimant's own unemployment benefit, for a job lost because of childbirth.</summary>
    UnemploymentGrant,
}

/// <summary>Where a claim stands.</summary>
public enum ClaimStatus
{
    Submitted,
    /// <summary>Paid in full.</summary>
    Paid,
    /// <summary>Paid the remainder of a cap, with the reason.</summary>
    PaidInPart,
    /// <summary>Nothing paid: not eligible, or the cap was used up.</summary>
    Refused,
    /// <summary>The county's budget for the year is spent: the claim waits for the next year's.</summary>
    Deferred,
}

// ---- Events -----------------------------------------------------------------------------------

/// <summary>A claim was submitted, with its facts, through the channel it came in by, under the rule version in force that day.</summary>
public sealed record ClaimSubmitted(
    Guid ClaimId,
    string Claimant,
    string HouseholdRegister,
    SupportBenefit Benefit,
    bool WithinPolicy,
    string? ChildId,
    int? BirthOrder,
    DateOnly? ChildBornOn,
    decimal? Expense,
    Channel Channel,
    BirthSupportRules Rules,
    DateTimeOffset SubmittedAt) : IOpensCase
{
    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    [JsonIgnore]
    public DateTimeOffset OpenedAt => SubmittedAt;
}

/// <summary>
/// A claim was decided: the amount its benefit comes to (<paramref name="Due"/>), what is paid, why
/// (the reasons of a cut or a refusal), the clauses, and the household's totals and the county's
/// spending after it (written as the shared documents, in the same transaction), and as the decision
/// held them before (null: none yet), for what-if replays.
/// </summary>
public sealed record ClaimDecided(
    Guid ClaimId,
    ClaimStatus Status,
    decimal Due,
    decimal Paid,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<CriterionResult> Criteria,
    HouseholdTotals Household,
    CountyBudget Budget,
    HouseholdTotals? HouseholdBefore,
    CountyBudget? BudgetBefore,
    DateTimeOffset DecidedAt) : IRecordsClauses, IRecordsHeldDocuments
{
    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Criteria;

    [JsonIgnore]
    public IEnumerable<object> HeldBefore => new object?[] { HouseholdBefore, BudgetBefore }.OfType<object>();
}

/// <summary>The county's budget for the year was spent: the claim waits for the next year's budget.</summary>
public sealed record ClaimDeferred(
    Guid ClaimId,
    decimal Due,
    int BudgetYear,
    string Reason,
    IReadOnlyList<CriterionResult> Criteria,
    HouseholdTotals? HouseholdBefore,
    CountyBudget? BudgetBefore,
    DateTimeOffset DeferredAt) : IRecordsClauses, IRecordsHeldDocuments
{
    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Criteria;

    [JsonIgnore]
    public IEnumerable<object> HeldBefore => new object?[] { HouseholdBefore, BudgetBefore }.OfType<object>();
}

// ---- Shared totals (held by a decision, written from its event) --------------------------------

/// <summary>A child of a household as its claims named it: the birth order the household claimed for it.</summary>
public sealed record ChildOfHousehold(string ChildId, int BirthOrder);

/// <summary>What a child's childcare claims were paid in a year, against the yearly cap.</summary>
public sealed record ChildcareYear(string ChildId, int Year, decimal Paid, decimal Cap);

/// <summary>
/// A household's running totals against each cap, by its household register number: kept across all
/// its claims, held by each claim's decision and written with it.
/// </summary>
public sealed record HouseholdTotals
{
    /// <summary>The household register number.</summary>
    public string Id { get; init; } = "";

    public int ClaimsDecided { get; init; }

    public decimal TotalPaid { get; init; }

    public decimal InfertilityPaid { get; init; }

    /// <summary>The infertility cap of the rule version the last claim was decided under.</summary>
    public decimal InfertilityCap { get; init; }

    public IReadOnlyList<ChildOfHousehold> Children { get; init; } = [];

    /// <summary>The children whose one-off birth grant was paid.</summary>
    public IReadOnlyList<string> BirthGrantsPaid { get; init; } = [];

    /// <summary>The claimants whose one-off unemployment grant was paid.</summary>
    public IReadOnlyList<string> UnemploymentGrantsPaid { get; init; } = [];

    public IReadOnlyList<ChildcareYear> Childcare { get; init; } = [];

    public static HouseholdTotals Empty(string register) => new() { Id = register };
}

/// <summary>The county's spending in a (civil) year against its budget; id <c>budget-{year}</c>.</summary>
public sealed record CountyBudget
{
    public string Id { get; init; } = "";

    public int Year { get; init; }

    public decimal Budget { get; init; }

    public decimal Spent { get; init; }

    public decimal Remaining => Budget - Spent;

    public int ClaimsPaid { get; init; }

    public static string IdFor(int year) => $"budget-{year}";

    public static CountyBudget Empty(int year, decimal budget) => new() { Id = IdFor(year), Year = year, Budget = budget };
}

// ---- State (also the main read model) ---------------------------------------------------------

/// <summary>A claim as its events left it: its facts, its status, what it was paid and why.</summary>
public sealed record BirthSupportClaim : ICaseState
{
    public Guid Id { get; init; }

    /// <summary>The case's version (set by the store), served as the read model's ETag.</summary>
    public long Version { get; set; }

    public RuleRef Rule { get; init; } = new("unset", "0");

    public BirthSupportRules? Rules { get; init; }

    public string Claimant { get; init; } = "";

    public string HouseholdRegister { get; init; } = "";

    public SupportBenefit Benefit { get; init; }

    public bool WithinPolicy { get; init; }

    public string? ChildId { get; init; }

    public int? BirthOrder { get; init; }

    public DateOnly? ChildBornOn { get; init; }

    public decimal? Expense { get; init; }

    public Channel Channel { get; init; }

    public ClaimStatus Status { get; init; }

    public DateTimeOffset SubmittedAt { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>What the benefit comes to before any cap.</summary>
    public decimal? Due { get; init; }

    public decimal Paid { get; init; }

    /// <summary>Why the claim was cut, refused or deferred; empty when paid in full.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>The criteria of the last decision, each met or not, with its figures.</summary>
    public IReadOnlyList<CriterionResult> Criteria { get; init; } = [];

    /// <summary>The budget year the claim waits for, when deferred.</summary>
    public int? WaitsForBudgetOf { get; init; }
}

/// <summary>Folds a claim's events.</summary>
public static class BirthSupportClaimProjection
{
    public static BirthSupportClaim? Evolve(BirthSupportClaim? claim, object e)
    {
        if (e is ClaimSubmitted s)
        {
            return new BirthSupportClaim
            {
                Id = s.ClaimId,
                Rule = s.Rule,
                Rules = s.Rules,
                Claimant = s.Claimant,
                HouseholdRegister = s.HouseholdRegister,
                Benefit = s.Benefit,
                WithinPolicy = s.WithinPolicy,
                ChildId = s.ChildId,
                BirthOrder = s.BirthOrder,
                ChildBornOn = s.ChildBornOn,
                Expense = s.Expense,
                Channel = s.Channel,
                Status = ClaimStatus.Submitted,
                SubmittedAt = s.SubmittedAt,
            };
        }

        return claim is null ? null : e switch
        {
            ClaimDecided d => claim with
            {
                Status = d.Status, Due = d.Due, Paid = d.Paid, Reasons = d.Reasons, Criteria = d.Criteria, DecidedAt = d.DecidedAt, WaitsForBudgetOf = null,
            },
            ClaimDeferred d => claim with
            {
                Status = ClaimStatus.Deferred, Due = d.Due, Reasons = [d.Reason], Criteria = d.Criteria, WaitsForBudgetOf = d.BudgetYear,
            },
            _ => claim,
        };
    }
}
