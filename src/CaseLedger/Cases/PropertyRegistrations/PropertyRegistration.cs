using System.Text.Json.Serialization;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Cases.PropertyRegistrations;

// Property registration at Liaoyuan's real-estate registration centre (case kind 6): one case whose
// steps (the centre's acceptance, review, fee and certificate printing, and each partner institution's
// part) complete in any order, the case completing when every required step is done, held to the
// same-day promise. This file holds the kind's events and its state.

/// <summary>A step of a registration case: the centre's four, and the four a partner institution does.</summary>
public enum RegistrationStep
{
    /// <summary>The window clerk accepts the application ("three roles in one": acceptance, printing, fee).</summary>
    Acceptance,
    Review,
    Fee,
    CertificatePrinting,
    /// <summary>A bank registers the mortgage while the loan contract is signed, at the bank.</summary>
    MortgageRegistration,
    /// <summary>The housing provident fund's part of a loan from the fund.</summary>
    ProvidentFund,
    /// <summary>A notary's part (a notarised inheritance or gift).</summary>
    Notarisation,
    /// <summary>A court's part (a judgment or a ruling on the property).</summary>
    CourtRuling,
}

/// <summary>What is registered.</summary>
public enum RegistrationBusiness
{
    /// <summary>A property sold: the owner changes.</summary>
    Transfer,
    /// <summary>A mortgage on the property.</summary>
    Mortgage,
    /// <summary>The first registration of a new property.</summary>
    FirstRegistration,
    /// <summary>An inheritance or a gift.</summary>
    Succession,
    /// <summary>Outreach: a rural homestead's or forest's rights, registered in the village.</summary>
    RuralRights,
}

public enum RegistrationStatus
{
    /// <summary>Steps remain.</summary>
    InProgress,
    /// <summary>Every required step is done.</summary>
    Completed,
}

/// <summary>A partner institution's part in a case: the step it does, and which institution does it.</summary>
public sealed record PartnerPart(RegistrationStep Step, [property: System.ComponentModel.DataAnnotations.MaxLength(InputLimits.Id)] string Institution);

// ---- Events -----------------------------------------------------------------------------------

/// <summary>
/// A registration was applied for, through the channel it came in by, under the rule version in force
/// that day: its owner, property, business, the steps it requires and the partner institution named for
/// each partner step.
/// </summary>
public sealed record RegistrationApplied(
    Guid RegistrationId,
    string Owner,
    string PropertyId,
    RegistrationBusiness Business,
    IReadOnlyList<RegistrationStep> RequiredSteps,
    IReadOnlyList<PartnerPart> Partners,
    Channel Channel,
    PropertyRegistrationRules Rules,
    DateTimeOffset AppliedAt) : IOpensCase
{
    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    [JsonIgnore]
    public DateTimeOffset OpenedAt => AppliedAt;
}

/// <summary>A step was done, by the centre or by the partner institution named for it (<paramref name="Institution"/>).</summary>
public sealed record StepCompleted(Guid RegistrationId, RegistrationStep Step, string? Institution, string Note, DateTimeOffset CompletedAt);

/// <summary>
/// Every required step is done: the case is complete, <paramref name="Minutes"/> after its application,
/// at the fastest or not (<see cref="PropertyRegistrationRules.FastestCompletion"/>), the same day or not.
/// </summary>
public sealed record RegistrationCompleted(Guid RegistrationId, DateTimeOffset AppliedAt, DateTimeOffset CompletedAt, decimal Minutes, bool AtTheFastest,
    bool SameDay) : IRecordsClauses
{
    public const string FastestClause = "property-registration.fastest";

    public IEnumerable<CriterionResult> Clauses =>
        [new(FastestClause, "done at the fastest", AtTheFastest, $"completed {Minutes} minutes after its application")];
}

// ---- State (also the main read model) ---------------------------------------------------------

/// <summary>One step of a case as its events left it.</summary>
public sealed record StepState(RegistrationStep Step, string? Institution, bool Done, DateTimeOffset? CompletedAt);

/// <summary>A registration case as its events left it: its steps, its status, its completion time and its same-day deadline.</summary>
public sealed record PropertyRegistration : ICaseState, IHoldsDeadlines
{
    public Guid Id { get; init; }

    /// <summary>The case's version (set by the store), served as the read model's ETag.</summary>
    public long Version { get; set; }

    public RuleRef Rule { get; init; } = new("unset", "0");

    public PropertyRegistrationRules? Rules { get; init; }

    public string Owner { get; init; } = "";

    public string PropertyId { get; init; } = "";

    public RegistrationBusiness Business { get; init; }

    public Channel Channel { get; init; }

    public RegistrationStatus Status { get; init; }

    public IReadOnlyList<StepState> Steps { get; init; } = [];

    public DateTimeOffset AppliedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Minutes from application to completion, once complete.</summary>
    public decimal? CompletionMinutes { get; init; }

    public bool? AtTheFastest { get; init; }

    /// <summary>Whether it completed the day it was applied for (by the same-day deadline); null while running.</summary>
    public bool? SameDay { get; init; }

    public DeadlineBook Deadlines { get; init; } = DeadlineBook.Empty;

    /// <summary>The steps still to do, in their order.</summary>
    public IReadOnlyList<RegistrationStep> Remaining => Steps.Where(s => !s.Done).Select(s => s.Step).ToList();

    /// <summary>The steps still to do, in words (<c>Review, Fee</c>), or <c>none</c>: what scenario files compare.</summary>
    public string Outstanding => Remaining.Count == 0 ? "none" : string.Join(", ", Remaining);

    /// <summary>The partner institution the case names for <paramref name="step"/>; null for the centre's steps and steps it does not require.</summary>
    public string? PartnerFor(RegistrationStep step) => Steps.FirstOrDefault(s => s.Step == step)?.Institution;

    /// <summary>The same-day promise's state, without the clock: running, met, met-late, breached; null before it is set.</summary>
    public string? SameDayPromise => Deadlines[Keys.SameDay] switch
    {
        null => null,
        { Status: DeadlineStatus.Met, OnTime: true } => "met",
        { Status: DeadlineStatus.Met } => "met-late",
        { BreachedAt: not null } => "breached",
        _ => "running",
    };
}

/// <summary>What a partner institution sees of a case it is party to: the property, the business, and its own steps; never the owner.</summary>
public sealed record PartnerRegistrationView(Guid Id, string PropertyId, RegistrationBusiness Business, RegistrationStatus Status,
    IReadOnlyList<StepState> YourSteps);

/// <summary>Folds a registration's events.</summary>
public static class PropertyRegistrationProjection
{
    public static PropertyRegistration? Evolve(PropertyRegistration? registration, object e)
    {
        if (e is RegistrationApplied applied)
        {
            return new PropertyRegistration
            {
                Id = applied.RegistrationId,
                Rule = applied.Rule,
                Rules = applied.Rules,
                Owner = applied.Owner,
                PropertyId = applied.PropertyId,
                Business = applied.Business,
                Channel = applied.Channel,
                Status = RegistrationStatus.InProgress,
                Steps = applied.RequiredSteps
                    .Select(s => new StepState(s, applied.Partners.FirstOrDefault(p => p.Step == s)?.Institution, false, null)).ToList(),
                AppliedAt = applied.AppliedAt,
            };
        }

        if (registration is null)
        {
            return null;
        }

        registration = registration with { Deadlines = registration.Deadlines.Apply(e) };
        return e switch
        {
            StepCompleted done => registration with
            {
                Steps = registration.Steps.Select(s => s.Step == done.Step ? s with { Done = true, CompletedAt = done.CompletedAt } : s).ToList(),
            },
            RegistrationCompleted c => registration with
            {
                Status = RegistrationStatus.Completed,
                CompletedAt = c.CompletedAt,
                CompletionMinutes = c.Minutes,
                AtTheFastest = c.AtTheFastest,
                SameDay = c.SameDay,
            },
            _ => registration,
        };
    }

    /// <summary>What <paramref name="institution"/> sees of the case: null when the case names it for no step.</summary>
    public static PartnerRegistrationView? ForPartner(PropertyRegistration registration, string institution)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var own = registration.Steps.Where(s => s.Institution == institution).ToList();
        return own.Count == 0 ? null : new PartnerRegistrationView(registration.Id, registration.PropertyId, registration.Business, registration.Status, own);
    }
}

/// <summary>The keys of a registration's deadlines.</summary>
public static class Keys
{
    public const string SameDay = "same-day";
}
