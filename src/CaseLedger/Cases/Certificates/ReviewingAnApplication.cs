using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.Certificates;

/// <summary>Record that an eligible application has been reviewed.</summary>
public sealed record ReviewCertificateApplication;

/// <summary>Approve a reviewed application: the document will be produced.</summary>
public sealed record ApproveCertificate;

/// <summary>Turn down a reviewed application, saying why; the case ends.</summary>
public sealed record RejectCertificateApplication([property: MaxLength(InputLimits.Reason)] string Reason);

/// <summary>Reviewing an eligible application, then approving or rejecting it.</summary>
public static class ReviewingAnApplication
{
    public static readonly Refusal ReasonMissing = new("certificate.reason_missing", RejectionKind.Invalid);

    public static Decision Decide(ReviewCertificateApplication command, Certificate application, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(application);
        return CertificateLifecycle.Refusal(application, CertificateStep.Review, now) is { } refused
            ? Decision.Reject(refused)
            : Decision.Accept(new CertificateApplicationReviewed(application.Id, now));
    }

    public static Decision Decide(ApproveCertificate command, Certificate application, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(application);
        return CertificateLifecycle.Refusal(application, CertificateStep.Approve, now) is { } refused
            ? Decision.Reject(refused)
            : Decision.Accept(new CertificateApproved(application.Id, now));
    }

    public static Decision Decide(RejectCertificateApplication command, Certificate application, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(application);
        if (CertificateLifecycle.Refusal(application, CertificateStep.Reject, now) is { } refused)
        {
            return Decision.Reject(refused);
        }

        if (string.IsNullOrWhiteSpace(command.Reason))
        {
            return Decision.Reject(ReasonMissing, "Say why the application is rejected; the applicant is told.");
        }

        return Decision.Accept(new CertificateApplicationRejected(application.Id, command.Reason.Trim(), now));
    }
}
