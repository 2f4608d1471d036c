using CaseLedger.Core;
using CaseLedger.Rules;
using JasperFx.Events.Projections;
using Marten;

namespace CaseLedger.Cases.Certificates;

/// <summary>Registers the fully online certificate issuance: its event names, its snapshot and its read model.</summary>
public sealed class CertificateKind : CaseKind
{
    public const string KindName = "certificate-issuance";

    /// <summary>Stable, versioned names under which the events are stored; renaming a class never breaks history.</summary>
    public static readonly IReadOnlyDictionary<Type, string> EventNames = new Dictionary<Type, string>
    {
        [typeof(CertificateApplied)] = "certificate.applied.v1",
        [typeof(CertificateEligibilityDecided)] = "certificate.eligibility_decided.v1",
        [typeof(CertificateApplicationReviewed)] = "certificate.reviewed.v1",
        [typeof(CertificateApproved)] = "certificate.approved.v1",
        [typeof(CertificateApplicationRejected)] = "certificate.rejected.v1",
        [typeof(CertificateProduced)] = "certificate.produced.v1",
        [typeof(CertificateMailed)] = "certificate.mailed.v1",
        [typeof(CertificateDelivered)] = "certificate.delivered.v1",
    };

    public override string Name => KindName;

    public override Type StateType => typeof(Certificate);

    public override IEnumerable<Type> EventTypes => EventNames.Keys;

    public override EventDescription? Describe(object data) => data switch
    {
        CertificateApplied e => new($"{e.Applicant.Name} ({e.Applicant.Id}) applied for a {Document(e.DocumentType)} on {e.ApplicationDate:yyyy-MM-dd}"),
        CertificateEligibilityDecided e => new(e.Route == CertificateRoute.FullyOnline
            ? "Eligible for the fully online route"
            : "Routed to an in-person window: " + string.Join("; ", e.Criteria.Where(c => !c.Met).Select(c => c.Detail)), IsDecision: true),
        CertificateApplicationReviewed => new("Application reviewed"),
        CertificateApproved => new("Application approved", IsDecision: true),
        CertificateApplicationRejected e => new($"Application rejected: {e.Reason}", IsDecision: true),
        CertificateProduced => new("Document produced"),
        CertificateMailed e => new($"Document mailed, tracking {e.TrackingReference}"),
        CertificateDelivered => new("Document delivered"),
        _ => null,
    };

    public override Scenarios.IScenarioDriver? ScenarioDriver { get; } = new CertificateScenarios();

    public override IWhatIfReplay? WhatIf { get; } = new CertificateWhatIf();

    public override object? View(IEnumerable<object> events) => Fold.Events<CertificateEligibility>(CertificateEligibilityProjection.Evolve, events);

    private static string Document(DocumentType type) => type switch
    {
        DocumentType.OrdinaryPassport => "ordinary passport",
        DocumentType.HongKongMacaoPermit => "travel permit for Hong Kong and Macao",
        DocumentType.TaiwanPermit => "travel permit to Taiwan",
        _ => type.ToString(),
    };

    public override void Configure(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (type, name) in EventNames)
        {
            options.Events.MapEventType(type, name);
        }

        options.Projections.Add(new CaseProjection<Certificate>(CertificateProjection.Evolve, EventNames.Keys), ProjectionLifecycle.Inline);
        options.Projections.Add(new CaseProjection<CertificateEligibility>(CertificateEligibilityProjection.Evolve, EventNames.Keys),
            ProjectionLifecycle.Inline);
        options.Schema.For<CertificateEligibility>().Index(e => e.ApplicantId);
    }

    public override Task<int> SeedAsync(IDocumentStore store, RuleBook rules, string seedsRoot, CancellationToken ct) =>
        CertificateSeeds.LoadAsync(store, rules, Path.Combine(seedsRoot, "certificates"), ct);
}

/// <summary>Adds the certificate issuance kind to a store.</summary>
public static class CertificateRegistration
{
    /// <summary>Adds the fully online certificate issuance case kind to a CaseLedger store.</summary>
    public static CaseLedgerStoreOptions AddCertificateIssuance(this CaseLedgerStoreOptions ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.AddKind(new CertificateKind());
    }
}
