using CaseLedger.Core;
using CaseLedger.Core.Summaries;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// The read model of one application: who applied (id, name and age on the application date; the date
/// of birth and household city appear only inside the criteria that were decided on them), for which
/// document, through which channel, under which rule version, every criterion with its figures, the
/// route, where the case stands, when each step happened, and how long it took from application to
/// delivery. Built from the events alone, in the same transaction as they are appended.
/// </summary>
public sealed record CertificateEligibility
{
    public Guid Id { get; init; }

    public string ApplicantId { get; init; } = "";

    public string ApplicantName { get; init; } = "";

    /// <summary>
    /// The applicant's age in whole years on the application date, worked out from the recorded date of
    /// birth when the application is folded (never from a clock), as the age criterion counts it.
    /// </summary>
    public int ApplicantAge { get; init; }

    public DocumentType DocumentType { get; init; }

    public Channel Channel { get; init; }

    /// <summary>The calendar date (rule book time zone) the criteria were decided on.</summary>
    public DateOnly ApplicationDate { get; init; }

    public RuleRef Rule { get; init; } = new("", "");

    public IReadOnlyList<CriterionResult> Criteria { get; init; } = [];

    public IReadOnlyList<DocumentSituation> Situations { get; init; } = [];

    /// <summary>Null only between the application and its eligibility decision, which are appended together.</summary>
    public CertificateRoute? Route { get; init; }

    public string RouteReason { get; init; } = "";

    /// <summary>
    /// The route in the words scenarios and what-if reports use: <c>FullyOnline</c>, or <c>InPerson</c>
    /// for an in-person window; null only before eligibility is decided.
    /// </summary>
    public string? Outcome => Route switch
    {
        CertificateRoute.FullyOnline => "FullyOnline",
        CertificateRoute.InPersonWindow => "InPerson",
        _ => null,
    };

    /// <summary>The criteria that were not met, by clause id in the rule's order; empty on the fully online route.</summary>
    public IReadOnlyList<string> Unmet => Criteria.Where(c => !c.Met).Select(c => c.Clause).ToList();

    public CertificateStatus Status { get; init; }

    public DateTimeOffset AppliedAt { get; init; }

    public DateTimeOffset? EligibilityDecidedAt { get; init; }

    public DateTimeOffset? ReviewedAt { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    public DateTimeOffset? RejectedAt { get; init; }

    public string? RejectionReason { get; init; }

    public DateTimeOffset? ProducedAt { get; init; }

    public DateTimeOffset? MailedAt { get; init; }

    public string? TrackingReference { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>
    /// Days from application to delivery: the exact elapsed time between the two events, in days of
    /// 24 hours, rounded to two decimals (half away from zero). Null until delivered.
    /// </summary>
    public decimal? ElapsedDays { get; init; }

    /// <summary>When the document is promised by, under a rule version that promises one (moved by nothing: no pause here).</summary>
    public DateTimeOffset? CompletionDueAt { get; init; }

    /// <summary>The promised completion as recorded: <c>running</c>, <c>met</c>, <c>met-late</c>, <c>breached</c> or <c>cancelled</c>; null when none was promised.</summary>
    public string? Completion { get; init; }

    public long Version { get; init; }
}

/// <summary>One row of a district's count of applications by document type and route.</summary>
public sealed record CertificateCount(DocumentType DocumentType, CertificateRoute? Route, int Count);

/// <summary>A district's applications counted by document type and route.</summary>
public static class CertificateCounts
{
    /// <summary>The summary the counts are read from: one application per cell of its document type and route (empty while none is chosen).</summary>
    public const string SummaryName = "certificates/applications";

    public static IEnumerable<SummaryCount> ContributionOf(CertificateEligibility application, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(application);
        yield return SummaryCount.Of(SummaryName, "", "applications", 1, application.DocumentType.ToString(), application.Route?.ToString() ?? "");
    }

    /// <summary>The counts of the session's district, from the summary cells kept with the events (one indexed query), in a stable order.</summary>
    public static async Task<IReadOnlyList<CertificateCount>> CountAsync(IQuerySession session, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Count(await SummaryStore.ReadAsync(session, SummaryName, null, null, ct));
    }

    public static IReadOnlyList<CertificateCount> Count(IEnumerable<SummaryCell> cells) =>
        cells.GroupBy(c => (DocumentType: Enum.Parse<DocumentType>(c.Dimensions[0]), Route: c.Dimensions[1].Length == 0 ? (CertificateRoute?)null : Enum.Parse<CertificateRoute>(c.Dimensions[1])))
            .Select(g => new CertificateCount(g.Key.DocumentType, g.Key.Route, (int)g.Sum(c => c.N)))
            .Where(c => c.Count > 0)
            .OrderBy(c => c.DocumentType)
            .ThenBy(c => c.Route)
            .ToList();
}

/// <summary>Folds an application's events into its <see cref="CertificateEligibility"/>.</summary>
public static class CertificateEligibilityProjection
{
    public static CertificateEligibility? Evolve(CertificateEligibility? view, object @event) => (view, @event) switch
    {
        (null, CertificateApplied e) => new CertificateEligibility
        {
            Id = e.ApplicationId,
            ApplicantId = e.Applicant.Id,
            ApplicantName = e.Applicant.Name,
            ApplicantAge = Eligibility.AgeOn(e.Applicant.DateOfBirth, e.ApplicationDate),
            DocumentType = e.DocumentType,
            Channel = e.Channel,
            ApplicationDate = e.ApplicationDate,
            Rule = e.Rule,
            Status = CertificateStatus.Applied,
            AppliedAt = e.AppliedAt,
        },
        (not null, CertificateEligibilityDecided e) => view with
        {
            Criteria = e.Criteria,
            Situations = e.Situations,
            Route = e.Route,
            RouteReason = e.Reason,
            Status = e.Route == CertificateRoute.FullyOnline ? CertificateStatus.AwaitingReview : CertificateStatus.RoutedToWindow,
            EligibilityDecidedAt = e.DecidedAt,
        },
        (not null, CertificateApplicationReviewed e) => view with { Status = CertificateStatus.Reviewed, ReviewedAt = e.ReviewedAt },
        (not null, CertificateApproved e) => view with { Status = CertificateStatus.Approved, ApprovedAt = e.ApprovedAt },
        (not null, CertificateApplicationRejected e) => view with
        {
            Status = CertificateStatus.Rejected,
            RejectedAt = e.RejectedAt,
            RejectionReason = e.Reason,
        },
        (not null, CertificateProduced e) => view with { Status = CertificateStatus.Produced, ProducedAt = e.ProducedAt },
        (not null, CertificateMailed e) => view with
        {
            Status = CertificateStatus.Mailed,
            MailedAt = e.MailedAt,
            TrackingReference = e.TrackingReference,
        },
        (not null, CertificateDelivered e) => view with
        {
            Status = CertificateStatus.Delivered,
            DeliveredAt = e.DeliveredAt,
            ElapsedDays = ElapsedDays(view.AppliedAt, e.DeliveredAt),
        },
        (not null, Core.Deadlines.DeadlineSet e) => view with { CompletionDueAt = e.DueAt, Completion = "running" },
        (not null, Core.Deadlines.DeadlineMet e) => view with { Completion = e.OnTime ? "met" : "met-late" },
        (not null, Core.Deadlines.DeadlineBreached) => view with { Completion = "breached" },
        (not null, Core.Deadlines.DeadlineCancelled) => view with { Completion = "cancelled" },
        _ => view,
    };

    /// <summary>Whole ticks turned into days, so the figure is exact before its one rounding.</summary>
    public static decimal ElapsedDays(DateTimeOffset from, DateTimeOffset to) =>
        decimal.Round((decimal)(to - from).Ticks / TimeSpan.TicksPerDay, 2, MidpointRounding.AwayFromZero);
}
