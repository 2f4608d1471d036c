using System.Text.Json.Serialization;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.PortVisas;

// Port visas on arrival at Zhangjiajie airport (case kind 7): a travel agency's group application
// lists its travellers, and each traveller is a case of its own, opened with the group's reference,
// and decided alone. This file holds the kind's events and the traveller's state.

/// <summary>How a traveller's visa is handled, in the port's words.</summary>
public enum VisaHandling
{
    /// <summary>Submitted before the flight lands; the visa is ready at arrival.</summary>
    InAdvance,
    /// <summary>Applied for at the port's window on arrival.</summary>
    OnTheSpot,
    /// <summary>Outside the usual path (a lost passport, an urgent medical case...).</summary>
    SpecialCase,
}

/// <summary>Where a traveller's visa stands.</summary>
public enum VisaStatus
{
    Submitted,
    Issued,
    Refused,
}

// ---- Events -----------------------------------------------------------------------------------

/// <summary>A travel agency submitted one traveller of its group, under the rule version in force that day.</summary>
public sealed record TravellerSubmitted(
    Guid TravellerId,
    string GroupId,
    string Agency,
    string Flight,
    string TravellerName,
    string PassportNumber,
    string Nationality,
    VisaHandling Handling,
    Channel Channel,
    PortVisaRules Rules,
    DateTimeOffset SubmittedAt,
    IReadOnlyList<CriterionResult> Clauses) : IOpensCase, IRecordsClauses
{
    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    [JsonIgnore]
    public DateTimeOffset OpenedAt => SubmittedAt;

    IEnumerable<CriterionResult> IRecordsClauses.Clauses => Clauses;
}

/// <summary>The traveller's visa was issued, free of charge, valid until the end of <paramref name="ValidUntil"/> (civil date).</summary>
public sealed record VisaIssued(Guid TravellerId, string VisaNumber, DateOnly ValidUntil, DateTimeOffset IssuedAt, IReadOnlyList<CriterionResult> Clauses)
    : IRecordsClauses
{
    IEnumerable<CriterionResult> IRecordsClauses.Clauses => Clauses;
}

/// <summary>The traveller's visa was refused, for the reason given.</summary>
public sealed record VisaRefused(Guid TravellerId, string Reason, DateTimeOffset RefusedAt, IReadOnlyList<CriterionResult> Clauses) : IRecordsClauses
{
    IEnumerable<CriterionResult> IRecordsClauses.Clauses => Clauses;
}

// ---- State (also the traveller's read model) --------------------------------------------------

/// <summary>One traveller of a group, as its events left it: who, which group and agency, how handled, and the decision.</summary>
public sealed record Traveller : ICaseState
{
    public Guid Id { get; init; }

    /// <summary>The case's version (set by the store), served as the read model's ETag.</summary>
    public long Version { get; set; }

    public RuleRef Rule { get; init; } = new("unset", "0");

    public PortVisaRules? Rules { get; init; }

    public string GroupId { get; init; } = "";

    public string Agency { get; init; } = "";

    public string Flight { get; init; } = "";

    public string TravellerName { get; init; } = "";

    public string PassportNumber { get; init; } = "";

    public string Nationality { get; init; } = "";

    public VisaHandling Handling { get; init; }

    public Channel Channel { get; init; }

    public VisaStatus Status { get; init; }

    public DateTimeOffset SubmittedAt { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? VisaNumber { get; init; }

    public DateOnly? ValidUntil { get; init; }

    public string? RefusalReason { get; init; }
}

/// <summary>Folds a traveller's events.</summary>
public static class TravellerProjection
{
    public static Traveller? Evolve(Traveller? traveller, object e) => e switch
    {
        TravellerSubmitted s => new Traveller
        {
            Id = s.TravellerId,
            Rule = s.Rule,
            Rules = s.Rules,
            GroupId = s.GroupId,
            Agency = s.Agency,
            Flight = s.Flight,
            TravellerName = s.TravellerName,
            PassportNumber = s.PassportNumber,
            Nationality = s.Nationality,
            Handling = s.Handling,
            Channel = s.Channel,
            Status = VisaStatus.Submitted,
            SubmittedAt = s.SubmittedAt,
        },
        VisaIssued i when traveller is not null => traveller with
        {
            Status = VisaStatus.Issued, DecidedAt = i.IssuedAt, VisaNumber = i.VisaNumber, ValidUntil = i.ValidUntil,
        },
        VisaRefused r when traveller is not null => traveller with { Status = VisaStatus.Refused, DecidedAt = r.RefusedAt, RefusalReason = r.Reason },
        _ => traveller,
    };
}
