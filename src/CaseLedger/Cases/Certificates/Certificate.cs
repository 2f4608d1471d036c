using System.Text.Json.Serialization;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Cases.Certificates;

// Fully online issuance of an exit-entry document: a resident renews or replaces a passport or a
// travel permit without visiting an office. This file holds the kind's events and its write-side state.

/// <summary>The exit-entry documents that can be issued fully online.</summary>
public enum DocumentType
{
    OrdinaryPassport,
    /// <summary>Mainland travel permit for Hong Kong and Macao.</summary>
    HongKongMacaoPermit,
    /// <summary>Travel permit to Taiwan.</summary>
    TaiwanPermit,
}

/// <summary>Where an application goes once its eligibility is decided.</summary>
public enum CertificateRoute
{
    /// <summary>Every criterion holds: reviewed, produced and mailed without a visit.</summary>
    FullyOnline,
    /// <summary>
    /// At least one criterion fails: the applicant is sent to an in-person exit-entry window. This is not
    /// a refusal; the online case simply ends here.
    /// </summary>
    InPersonWindow,
}

/// <summary>A situation of the existing document that allows a renewal or replacement online.</summary>
public enum DocumentSituation
{
    /// <summary>Less validity left than the rule's limit, or already expired.</summary>
    ValidityRunningOut,
    Damaged,
    LostOrStolen,
    VisaPagesUsedUp,
}

/// <summary>Where an application stands.</summary>
public enum CertificateStatus
{
    /// <summary>Taken, eligibility not yet decided (never seen between commands: both are appended together).</summary>
    Applied,
    /// <summary>Not eligible for the fully online route; the case ends.</summary>
    RoutedToWindow,
    AwaitingReview,
    Reviewed,
    Approved,
    /// <summary>Turned down at review, with a reason; the case ends.</summary>
    Rejected,
    Produced,
    Mailed,
    Delivered,
}

/// <summary>The lifecycle steps after the application, in the order they happen.</summary>
public enum CertificateStep
{
    Review,
    Approve,
    Reject,
    Produce,
    Mail,
    Deliver,
}

/// <summary>
/// The applicant's facts as recorded on the application: their id with the service (not a national id
/// number), name, date of birth, the city of their household registration (hukou), and whether
/// fingerprints were taken at an earlier application.
/// </summary>
public sealed record Applicant(string Id, string Name, DateOnly DateOfBirth, string HouseholdCity, bool FingerprintsOnFile);

/// <summary>
/// The state of the document being renewed or replaced: its expiry date when known (a lost document's
/// may not be: then null, but always stated), and whether it is damaged, lost or stolen, or has its visa
/// pages used up. Each situation decides eligibility, so each must be stated: left out is not "no".
/// </summary>
public sealed record ExistingDocument(DateOnly? ExpiresOn, bool Damaged, bool LostOrStolen, bool VisaPagesUsedUp);

// ---- Events -----------------------------------------------------------------------------------

/// <summary>
/// An application was taken. <c>ApplicationDate</c> is its calendar date in the rule book's time zone,
/// on which age and validity are measured. It carries the rule version in force on that date, so every
/// later decision and any replay use exactly those parameters.
/// </summary>
public sealed record CertificateApplied(
    Guid ApplicationId,
    DocumentType DocumentType,
    Applicant Applicant,
    ExistingDocument ExistingDocument,
    DateOnly ApplicationDate,
    CertificateRules Rules,
    Channel Channel,
    DateTimeOffset AppliedAt) : IOpensCase
{
    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    [JsonIgnore]
    public DateTimeOffset OpenedAt => AppliedAt;
}

/// <summary>
/// Every criterion of the fully online route was evaluated on the application date; the route follows.
/// <c>Situations</c> lists those of the existing document that hold. Appended together with
/// <see cref="CertificateApplied"/>. <c>SituationCriteria</c> records each of the four situations as its own
/// clause; events stored before it was added have none (null), and their situations are those listed.
/// </summary>
public sealed record CertificateEligibilityDecided(
    Guid ApplicationId,
    CertificateRoute Route,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<DocumentSituation> Situations,
    string Reason,
    RuleRef Rule,
    DateTimeOffset DecidedAt,
    IReadOnlyList<CriterionResult>? SituationCriteria = null) : IRecordsClauses
{
    /// <summary>The clauses that failed; empty on the fully online route.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Unmet => Criteria.Where(c => !c.Met).Select(c => c.Clause).ToList();

    /// <summary>The route's criteria, then each situation of the existing document (when recorded).</summary>
    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Criteria.Concat(SituationCriteria ?? []);
}

/// <summary>A clerk reviewed the eligible application.</summary>
public sealed record CertificateApplicationReviewed(Guid ApplicationId, DateTimeOffset ReviewedAt);

/// <summary>The reviewed application was approved; the document will be produced.</summary>
public sealed record CertificateApproved(Guid ApplicationId, DateTimeOffset ApprovedAt);

/// <summary>The reviewed application was turned down, with the reason the applicant is told; the case ends.</summary>
public sealed record CertificateApplicationRejected(Guid ApplicationId, string Reason, DateTimeOffset RejectedAt);

/// <summary>The document was produced.</summary>
public sealed record CertificateProduced(Guid ApplicationId, DateTimeOffset ProducedAt);

/// <summary>The document was posted; the tracking reference lets the applicant follow it.</summary>
public sealed record CertificateMailed(Guid ApplicationId, string TrackingReference, DateTimeOffset MailedAt);

/// <summary>The document reached the applicant; the case ends.</summary>
public sealed record CertificateDelivered(Guid ApplicationId, DateTimeOffset DeliveredAt);

// ---- State ------------------------------------------------------------------------------------

/// <summary>The write-side state of an application, kept as an inline snapshot.</summary>
public sealed record Certificate : ICaseState, IHoldsDeadlines
{
    public Guid Id { get; init; }

    public DocumentType DocumentType { get; init; }

    public required CertificateRules Rules { get; init; }

    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    public CertificateRoute? Route { get; init; }

    /// <summary>The clauses that sent the application to a window, if it went there.</summary>
    public IReadOnlyList<string> Unmet { get; init; } = [];

    public CertificateStatus Status { get; init; }

    public string? RejectionReason { get; init; }

    /// <summary>When the last step happened; no later step may be dated before it.</summary>
    public DateTimeOffset LastStepAt { get; init; }

    /// <summary>The promised completion, under a rule version that promises one.</summary>
    public DeadlineBook Deadlines { get; init; } = DeadlineBook.Empty;
}

/// <summary>Folds an application's events into its write-side state (the inline snapshot).</summary>
public static class CertificateProjection
{
    public static Certificate? Evolve(Certificate? state, object @event) => (state, @event) switch
    {
        (null, CertificateApplied e) => new Certificate
        {
            Id = e.ApplicationId,
            DocumentType = e.DocumentType,
            Rules = e.Rules,
            Status = CertificateStatus.Applied,
            LastStepAt = e.AppliedAt,
        },
        (not null, CertificateEligibilityDecided e) => state with
        {
            Route = e.Route,
            Unmet = e.Unmet,
            Status = e.Route == CertificateRoute.FullyOnline ? CertificateStatus.AwaitingReview : CertificateStatus.RoutedToWindow,
            LastStepAt = e.DecidedAt,
        },
        (not null, CertificateApplicationReviewed e) => state with { Status = CertificateStatus.Reviewed, LastStepAt = e.ReviewedAt },
        (not null, CertificateApproved e) => state with { Status = CertificateStatus.Approved, LastStepAt = e.ApprovedAt },
        (not null, CertificateApplicationRejected e) => state with
        {
            Status = CertificateStatus.Rejected,
            RejectionReason = e.Reason,
            LastStepAt = e.RejectedAt,
        },
        (not null, CertificateProduced e) => state with { Status = CertificateStatus.Produced, LastStepAt = e.ProducedAt },
        (not null, CertificateMailed e) => state with { Status = CertificateStatus.Mailed, LastStepAt = e.MailedAt },
        (not null, CertificateDelivered e) => state with { Status = CertificateStatus.Delivered, LastStepAt = e.DeliveredAt },
        (not null, IDeadlineEvent) => state with { Deadlines = state.Deadlines.Apply(@event) },
        _ => state,
    };
}

/// <summary>
/// The order of the lifecycle: applied → eligibility decided → reviewed → approved or rejected →
/// produced → mailed → delivered. Says why a step cannot be taken now, if it cannot.
/// </summary>
public static class CertificateLifecycle
{
    public static readonly Refusal AlreadyDone = new("certificate.already_done");
    public static readonly Refusal OutOfOrder = new("certificate.out_of_order");
    public static readonly Refusal RejectedAtReview = new("certificate.rejected_at_review");
    public static readonly Refusal RoutedToWindow = new("certificate.routed_to_window");
    public static readonly Refusal StepBeforePrevious = new("certificate.step_before_previous");

    /// <summary>The status a step needs the application to be in.</summary>
    public static CertificateStatus Requires(CertificateStep step) => step switch
    {
        CertificateStep.Review => CertificateStatus.AwaitingReview,
        CertificateStep.Approve or CertificateStep.Reject => CertificateStatus.Reviewed,
        CertificateStep.Produce => CertificateStatus.Approved,
        CertificateStep.Mail => CertificateStatus.Produced,
        CertificateStep.Deliver => CertificateStatus.Mailed,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Not a lifecycle step."),
    };

    /// <summary>Why <paramref name="step"/> cannot be taken on <paramref name="state"/> at <paramref name="now"/>; null when it can.</summary>
    public static Rejection? Refusal(Certificate state, CertificateStep step, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var required = Requires(step);
        if (state.Status == CertificateStatus.RoutedToWindow)
        {
            return RoutedToWindow.Because($"This application was routed to an in-person window ({string.Join(", ", state.Unmet)} not met); it cannot be {Done(step)} online.");
        }

        if (state.Status == CertificateStatus.Rejected)
        {
            return RejectedAtReview.Because($"This application was rejected at review ({state.RejectionReason}); it cannot be {Done(step)}.");
        }

        if (state.Status != required)
        {
            return Progress(state.Status) < Progress(required)
                ? OutOfOrder.Because($"The application cannot be {Done(step)} yet: it must first be {Describe(required)}; it is {Describe(state.Status)}.")
                : AlreadyDone.Because($"The application is already {Describe(state.Status)}: it cannot be {Done(step)} now.");
        }

        if (now < state.LastStepAt)
        {
            return StepBeforePrevious.Because($"A step at {now:u} would come before the previous step at {state.LastStepAt:u}.");
        }

        return null;
    }

    private static int Progress(CertificateStatus status) => status switch
    {
        CertificateStatus.Applied => 0,
        CertificateStatus.AwaitingReview => 1,
        CertificateStatus.Reviewed => 2,
        CertificateStatus.Approved => 3,
        CertificateStatus.Produced => 4,
        CertificateStatus.Mailed => 5,
        CertificateStatus.Delivered => 6,
        // The two ends are handled before any comparison.
        _ => int.MaxValue,
    };

    private static string Done(CertificateStep step) => step switch
    {
        CertificateStep.Review => "reviewed",
        CertificateStep.Approve => "approved",
        CertificateStep.Reject => "rejected",
        CertificateStep.Produce => "produced",
        CertificateStep.Mail => "mailed",
        CertificateStep.Deliver => "delivered",
        _ => step.ToString(),
    };

    private static string Describe(CertificateStatus status) => status switch
    {
        CertificateStatus.Applied => "applied for, its eligibility not yet decided",
        CertificateStatus.AwaitingReview => "awaiting review",
        CertificateStatus.Reviewed => "reviewed",
        CertificateStatus.Approved => "approved",
        CertificateStatus.Produced => "produced",
        CertificateStatus.Mailed => "mailed",
        CertificateStatus.Delivered => "delivered",
        _ => status.ToString(),
    };
}
