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
