using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.Certificates;

/// <summary>Record that the approved document has been produced.</summary>
public sealed record ProduceCertificate;

/// <summary>Record that the produced document has been posted, with the carrier's tracking reference.</summary>
public sealed record MailCertificate([property: MaxLength(InputLimits.Reference)] string TrackingReference);

/// <summary>Record that the mailed document reached the applicant; the case ends.</summary>
public sealed record RecordCertificateDelivery;

/// <summary>Producing an approved document, mailing it and recording its delivery.</summary>
public static class IssuingACertificate
{
    public static readonly Refusal TrackingReferenceMissing = new("certificate.tracking_reference_missing", RejectionKind.Invalid);

    public static Decision Decide(ProduceCertificate command, Certificate application, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(application);
        return CertificateLifecycle.Refusal(application, CertificateStep.Produce, now) is { } refused
            ? Decision.Reject(refused)
            : Decision.Accept(new CertificateProduced(application.Id, now));
    }

    public static Decision Decide(MailCertificate command, Certificate application, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(application);
        if (CertificateLifecycle.Refusal(application, CertificateStep.Mail, now) is { } refused)
        {
            return Decision.Reject(refused);
        }

        if (string.IsNullOrWhiteSpace(command.TrackingReference))
        {
            return Decision.Reject(TrackingReferenceMissing, "Give the carrier's tracking reference, so the applicant can follow the delivery.");
        }

        return Decision.Accept(new CertificateMailed(application.Id, command.TrackingReference.Trim(), now));
    }

    public static Decision Decide(RecordCertificateDelivery command, Certificate application, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(application);
        return CertificateLifecycle.Refusal(application, CertificateStep.Deliver, now) is { } refused
            ? Decision.Reject(refused)
            : Decision.Accept(new CertificateDelivered(application.Id, now));
    }
}
