using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Rules;
using JasperFx.Events.Projections;
using Marten;

namespace CaseLedger.Cases.CoFunding;

/// <summary>Registers the co-funding award: its event names, its snapshot and its read model.</summary>
public sealed class CoFundingKind : CaseKind
{
    public const string KindName = "co-funding-award";

    /// <summary>Stable, versioned names under which the events are stored.</summary>
    public static readonly IReadOnlyDictionary<Type, string> EventNames = new Dictionary<Type, string>
    {
        [typeof(ProjectRegistered)] = "co_funding.project_registered.v1",
        [typeof(ProjectStarted)] = "co_funding.project_started.v1",
        [typeof(ProjectCompleted)] = "co_funding.project_completed.v1",
        [typeof(FinalCostAudited)] = "co_funding.final_cost_audited.v1",
        [typeof(AwardDecided)] = "co_funding.award_decided.v1",
        [typeof(AwardAdjusted)] = "co_funding.award_adjusted.v1",
        [typeof(GrantSettled)] = "co_funding.grant_settled.v1",
    };

    public override string Name => KindName;

    public override Type StateType => typeof(CoFundingProject);

    public override IEnumerable<Type> EventTypes => EventNames.Keys;

    public override EventDescription? Describe(object data) => data switch
    {
        ProjectRegistered e => new($"Project registered for {e.Compound.Name} (built {e.Compound.YearBuilt}): {e.Description}, estimate {Eligibility.Yuan(e.EstimatedCost)}; " +
            (e.Eligible ? "eligible" : "not eligible: " + string.Join("; ", e.Eligibility.Where(c => !c.Met).Select(c => $"{c.Requirement} ({c.Detail})"))), IsDecision: true),
        ProjectStarted => new("Works started"),
        ProjectCompleted e => new($"Completion accepted ({e.AcceptanceReference})"),
        FinalCostAudited e => new($"Final cost audited at {Eligibility.Yuan(e.AuditedCost)} ({e.AuditReference}, revision {e.Revision})"),
        AwardDecided e => new(string.Create(CultureInfo.InvariantCulture,
            $"Grant decided: {Eligibility.Yuan(e.Grant.Total)} = {e.Rate:0.##%} of the audited {Eligibility.Yuan(e.AuditedCost)}; city {Eligibility.Yuan(e.Grant.City)}, district {Eligibility.Yuan(e.Grant.District)}"), IsDecision: true),
        AwardAdjusted e => new($"Grant {(e.Difference.Total >= 0 ? "topped up" : "clawed back")} by {Eligibility.Yuan(Math.Abs(e.Difference.Total))} after audit {e.AuditReference}: now {Eligibility.Yuan(e.Grant.Total)}", IsDecision: true),
        GrantSettled e => new(e.Amount.Total >= 0
            ? $"Paid {Eligibility.Yuan(e.Amount.Total)} ({e.PaymentReference})"
            : $"Recovered {Eligibility.Yuan(-e.Amount.Total)} ({e.PaymentReference})"),
        _ => null,
    };

    public override Scenarios.IScenarioDriver? ScenarioDriver { get; } = new CoFundingScenarios();

    public override IWhatIfReplay? WhatIf { get; } = new CoFundingWhatIf();

    public override object? View(IEnumerable<object> events) => Fold.Events<CoFundingEligibility>(CoFundingEligibilityProjection.Evolve, events);

    public override void Configure(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (type, name) in EventNames)
        {
            options.Events.MapEventType(type, name);
        }

        options.Projections.Add(new CaseProjection<CoFundingProject>(CoFundingProjectProjection.Evolve, EventNames.Keys), ProjectionLifecycle.Inline);
        options.Projections.Add(new CaseProjection<CoFundingEligibility>(CoFundingEligibilityProjection.Evolve, EventNames.Keys), ProjectionLifecycle.Inline);
    }

    public override Task<int> SeedAsync(IDocumentStore store, RuleBook rules, string seedsRoot, CancellationToken ct) =>
        CoFundingSeeds.LoadAsync(store, rules, Path.Combine(seedsRoot, "co-funding"), ct);
}

public static class CoFundingRegistration
{
    /// <summary>Adds the co-funding award case kind to a CaseLedger store.</summary>
    public static CaseLedgerStoreOptions AddCoFundingAwards(this CaseLedgerStoreOptions ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.AddKind(new CoFundingKind());
    }
}
