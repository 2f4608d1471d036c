using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.CoFunding;

// The renovation co-funding award: after a compound's renovation is completed and its final cost
// audited, city and district grant a share (30%) of the audited cost. This file holds the kind's
// events and its write-side state.

/// <summary>Where a project's money comes from (besides the grant).</summary>
public enum FundingSource
{
    MaintenanceFund,
    CompoundPublicIncome,
    EnterpriseInvestment,
    PropertyOwnerUnitInvestment,
    ResidentsSelfRaised,
    OutsideFunds,
}

public sealed record Funding(FundingSource Source, decimal Amount);

/// <summary>The facts of the compound a project renovates, as registered.</summary>
public sealed record Compound(
    [property: MaxLength(InputLimits.Id)] string Id,
    [property: MaxLength(InputLimits.Name)] string Name,
    int YearBuilt,
    bool HasMaintenanceFund,
    int Households);

public enum ProjectStage
{
    Registered,
    Started,
    Completed,
    Audited,
    Awarded,
}

/// <summary>A grant and its split between the city and the district, in yuan.</summary>
public sealed record Grant(decimal Total, decimal City, decimal District)
{
    public static readonly Grant None = new(0, 0, 0);

    public Grant Minus(Grant other) => new(Total - other.Total, City - other.City, District - other.District);

    public Grant Plus(Grant other) => new(Total + other.Total, City + other.City, District + other.District);
}

// ---- Events -----------------------------------------------------------------------------------

public sealed record ProjectRegistered(
    Guid ProjectId,
    Compound Compound,
    string Description,
    decimal EstimatedCost,
    IReadOnlyList<Funding> Funding,
    Guid? RenovationVoteId,
    bool Eligible,
    IReadOnlyList<CriterionResult> Eligibility,
    CoFundingRules Rules,
    Channel Channel,
    DateTimeOffset RegisteredAt) : IOpensCase, IRecordsClauses
{
    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    [JsonIgnore]
    DateTimeOffset IOpensCase.OpenedAt => RegisteredAt;

    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Eligibility;
}

public sealed record ProjectStarted(Guid ProjectId, DateTimeOffset StartedAt);

/// <summary>The works were completed and passed completion acceptance.</summary>
public sealed record ProjectCompleted(Guid ProjectId, string AcceptanceReference, DateTimeOffset CompletedAt);

/// <summary>
/// An audit fixed the final cost. Revision 1 is the first audit; later revisions correct it.
/// <paramref name="Criteria"/> holds the clauses the audit was decided on (completion acceptance and,
/// after the award, whether the grant moves); null in events recorded before they were kept.
/// </summary>
public sealed record FinalCostAudited(
    Guid ProjectId,
    decimal AuditedCost,
    string AuditReference,
    int Revision,
    DateTimeOffset AuditedAt,
    IReadOnlyList<CriterionResult>? Criteria = null) : IRecordsClauses
{
    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Criteria ?? [];
}

/// <summary>
/// The grant was decided on the audited cost. One per project; later changes are adjustments.
/// <paramref name="Criteria"/> are the eligibility criteria; <paramref name="AwardTerms"/> the clauses
/// of the award itself (one award per project, the grant's computation and split), null in events
/// recorded before they were kept.
/// </summary>
public sealed record AwardDecided(
    Guid ProjectId,
    decimal AuditedCost,
    decimal Rate,
    Grant Grant,
    IReadOnlyList<CriterionResult> Criteria,
    RuleRef Rule,
    DateTimeOffset DecidedAt,
    IReadOnlyList<CriterionResult>? AwardTerms = null) : IRecordsClauses
{
    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Criteria.Concat(AwardTerms ?? []);
}

/// <summary>
/// A revised audit changed the grant: a top-up (positive) or a claw-back (negative).
/// <paramref name="Criteria"/> shows how the new grant was worked out; null in older events.
/// </summary>
public sealed record AwardAdjusted(
    Guid ProjectId,
    decimal PreviousAuditedCost,
    decimal AuditedCost,
    Grant PreviousGrant,
    Grant Grant,
    Grant Difference,
    string AuditReference,
    RuleRef Rule,
    DateTimeOffset AdjustedAt,
    IReadOnlyList<CriterionResult>? Criteria = null) : IRecordsClauses
{
    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Criteria ?? [];
}

/// <summary>Money paid out (positive) or recovered after a claw-back (negative), settling the balance.</summary>
public sealed record GrantSettled(Guid ProjectId, Grant Amount, string PaymentReference, DateTimeOffset SettledAt);

// ---- State ------------------------------------------------------------------------------------

/// <summary>The write-side state of a co-funded project (an inline snapshot).</summary>
public sealed record CoFundingProject : ICaseState
{
    public Guid Id { get; init; }

    public required CoFundingRules Rules { get; init; }

    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    public required Compound Compound { get; init; }

    public bool Eligible { get; init; }

    public IReadOnlyList<CriterionResult> Eligibility { get; init; } = [];

    public ProjectStage Stage { get; init; }

    public string? AcceptanceReference { get; init; }

    public decimal? AuditedCost { get; init; }

    public int AuditRevisions { get; init; }

    /// <summary>The grant as it stands, adjustments included; null until decided.</summary>
    public Grant? Grant { get; init; }

    /// <summary>What has been paid out, net of recoveries.</summary>
    public Grant Settled { get; init; } = Grant.None;
}

/// <summary>Folds a project's events into its write-side state.</summary>
public static class CoFundingProjectProjection
{
    public static CoFundingProject? Evolve(CoFundingProject? state, object @event) => (state, @event) switch
    {
        (null, ProjectRegistered e) => new CoFundingProject
        {
            Id = e.ProjectId,
            Rules = e.Rules,
            Compound = e.Compound,
            Eligible = e.Eligible,
            Eligibility = e.Eligibility,
            Stage = ProjectStage.Registered,
        },
        (not null, ProjectStarted) => state with { Stage = ProjectStage.Started },
        (not null, ProjectCompleted e) => state with { Stage = ProjectStage.Completed, AcceptanceReference = e.AcceptanceReference },
        (not null, FinalCostAudited e) => state with
        {
            Stage = state.Stage == ProjectStage.Awarded ? ProjectStage.Awarded : ProjectStage.Audited,
            AuditedCost = e.AuditedCost,
            AuditRevisions = e.Revision,
        },
        (not null, AwardDecided e) => state with { Stage = ProjectStage.Awarded, Grant = e.Grant },
        (not null, AwardAdjusted e) => state with { Grant = e.Grant },
        (not null, GrantSettled e) => state with { Settled = state.Settled.Plus(e.Amount) },
        _ => state,
    };
}
