using CaseLedger.Core;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// The fully online certificate issuance, declared once: its events under stable names, its state and
/// read model, its commands with their pure decisions, and the district's counts.
/// </summary>
public sealed class CertificateKind : CaseKind<Certificate>
{
    public const string KindName = "certificate-issuance";

    public CertificateKind()
        : base(KindName, "certificates", CertificateRules.RuleId, CertificateProjection.Evolve)
    {
        Label = "Certificate issuance";
        Title = "A resident renews or replaces a passport or travel permit fully online, without visiting an office";

        Event<CertificateApplied>("certificate.applied.v1",
            e => new($"{e.Applicant.Name} ({e.Applicant.Id}) applied for {Document(e.DocumentType)} on {e.ApplicationDate:yyyy-MM-dd}"));
        Event<CertificateEligibilityDecided>("certificate.eligibility_decided.v1", e => new(e.Route == CertificateRoute.FullyOnline
            ? "Eligible for the fully online route"
            : "Routed to an in-person window: " + string.Join("; ", e.Criteria.Where(c => !c.Met).Select(c => c.Detail)), IsDecision: true));
        Event<CertificateApplicationReviewed>("certificate.reviewed.v1", _ => new("Application reviewed"));
        Event<CertificateApproved>("certificate.approved.v1", _ => new("Application approved", IsDecision: true));
        Event<CertificateApplicationRejected>("certificate.rejected.v1", e => new($"Application rejected: {e.Reason}", IsDecision: true));
        Event<CertificateProduced>("certificate.produced.v1", _ => new("Document produced"));
        Event<CertificateMailed>("certificate.mailed.v1", e => new($"Document mailed, tracking {e.TrackingReference}"));
        Event<CertificateDelivered>("certificate.delivered.v1", _ => new("Document delivered"));

        // From rule version 2, a fully online application is promised to be delivered in time (PromisingCompletion).
        KeepsDeadlinesWith();

        View<CertificateEligibility>(CertificateEligibilityProjection.Evolve)
            .NewestFirstBy(e => e.AppliedAt)
            .FilteredBy("route", e => e.Route)
            .FilteredBy("status", e => e.Status)
            .Indexed(e => e.ApplicantId);

        // Every step is replayed, so a what-if shows the later steps a changed route would refuse.
        Opens<ApplyForCertificate>("Apply to renew or replace a document; eligibility for the fully online route is decided at once, " +
                "and an applicant who is not eligible is routed to a window, not refused")
            .AllowedFor(Role.Resident, Role.Clerk, Role.Proxy)
            .ForPerson(application => application.Applicant?.Id)
            .Decides((command, context) => PromisingCompletion.Applied(ApplyingForACertificate.Decide(command, context.CaseId, context.Acting.Channel,
                    context.Now, context.Rules.LocalDate(context.Now), context.Rules.TryInForce<CertificateRules>(RuleId, context.Now)),
                context.CaseId, context.Now, context.Rules.TryInForce<CertificateRules>(RuleId, context.Now), context.Rules))
            .Replays<CertificateApplied>(ApplyingForACertificate.Replayed, e => e.AppliedAt);
        On<ReviewCertificateApplication>("review", "Record that an eligible application has been reviewed")
            .AllowedFor(Role.Clerk)
            .Decides((command, application, context) => ReviewingAnApplication.Decide(command, application, context.Now))
            .Replays<CertificateApplicationReviewed>(_ => new ReviewCertificateApplication(), e => e.ReviewedAt);
        On<ApproveCertificate>("approve", "Approve a reviewed application: the document will be produced")
            .AllowedFor(Role.Clerk)
            .Decides((command, application, context) => ReviewingAnApplication.Decide(command, application, context.Now))
            .Replays<CertificateApproved>(_ => new ApproveCertificate(), e => e.ApprovedAt);
        On<RejectCertificateApplication>("reject", "Turn down a reviewed application with the reason the applicant is told; the case ends")
            .AllowedFor(Role.Clerk)
            .Decides((command, application, context) =>
                PromisingCompletion.Rejected(ReviewingAnApplication.Decide(command, application, context.Now), application, context.Now))
            .Replays<CertificateApplicationRejected>(e => new RejectCertificateApplication(e.Reason), e => e.RejectedAt);
        On<ProduceCertificate>("produce", "Record that the approved document has been produced")
            .AllowedFor(Role.Clerk)
            .Decides((command, application, context) => IssuingACertificate.Decide(command, application, context.Now))
            .Replays<CertificateProduced>(_ => new ProduceCertificate(), e => e.ProducedAt);
        On<MailCertificate>("mail", "Record that the document has been posted, with the carrier's tracking reference")
            .AllowedFor(Role.Clerk)
            .Decides((command, application, context) => IssuingACertificate.Decide(command, application, context.Now))
            .Replays<CertificateMailed>(e => new MailCertificate(e.TrackingReference), e => e.MailedAt);
        On<RecordCertificateDelivery>("deliver", "Record that the mailed document reached the applicant; the case ends")
            .AllowedFor(Role.Clerk)
            .Decides((command, application, context) =>
                PromisingCompletion.Delivered(IssuingACertificate.Decide(command, application, context.Now), application, context.Now))
            .Replays<CertificateDelivered>(_ => new RecordCertificateDelivery(), e => e.DeliveredAt);

        // An applicant reads their own applications.
        ResidentsRead(async (session, application, person, ct) =>
            (await session.LoadAsync<CertificateEligibility>(application, ct))?.ApplicantId == person);

        Query("certificates/counts", "The district's applications counted by document type and route",
            async (session, _, ct) => await CertificateCounts.CountAsync(session, ct));
        Summarizes<CertificateEligibility>(CertificateCounts.SummaryName, CertificateCounts.ContributionOf);
    }

    private static string Document(DocumentType type) => type switch
    {
        DocumentType.OrdinaryPassport => "an ordinary passport",
        DocumentType.HongKongMacaoPermit => "a travel permit for Hong Kong and Macao",
        DocumentType.TaiwanPermit => "a travel permit to Taiwan",
        _ => $"a {type}",
    };
}
