using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// The applicant's facts as the application states them. Each may be left out (or sent as null): the
/// decision then refuses the application by naming the missing fact, rather than assuming one.
/// </summary>
public sealed record ApplicantFacts(
    [property: MaxLength(InputLimits.Id)] string? Id = null,
    [property: MaxLength(InputLimits.Name)] string? Name = null,
    DateOnly? DateOfBirth = null,
    [property: MaxLength(InputLimits.Name)] string? HouseholdCity = null,
    bool? FingerprintsOnFile = null);

/// <summary>
/// Apply to renew or replace an exit-entry document. The channel comes from the acting context, the
/// application's date from the moment it is decided at; a missing applicant or existing document is
/// refused by the decision, by name.
/// </summary>
public sealed record ApplyForCertificate(
    DocumentType DocumentType,
    ApplicantFacts? Applicant = null,
    ExistingDocument? ExistingDocument = null);

/// <summary>Taking an application and deciding, on its date and under the rule then in force, whether it goes fully online.</summary>
public static class ApplyingForACertificate
{
    public static readonly Refusal ApplicantIdMissing = new("certificate.applicant_id_missing", RejectionKind.Invalid);
    public static readonly Refusal ApplicantMissing = new("certificate.applicant_missing", RejectionKind.Invalid);
    public static readonly Refusal ApplicantNameMissing = new("certificate.applicant_name_missing", RejectionKind.Invalid);
    public static readonly Refusal DateOfBirthInFuture = new("certificate.date_of_birth_in_future", RejectionKind.Invalid);
    public static readonly Refusal DateOfBirthMissing = new("certificate.date_of_birth_missing", RejectionKind.Invalid);
    public static readonly Refusal DocumentTypeUnknown = new("certificate.document_type_unknown", RejectionKind.Invalid);
    public static readonly Refusal ExistingDocumentMissing = new("certificate.existing_document_missing", RejectionKind.Invalid);
    public static readonly Refusal FingerprintsUnknown = new("certificate.fingerprints_unknown", RejectionKind.Invalid);
    public static readonly Refusal HouseholdCityMissing = new("certificate.household_city_missing", RejectionKind.Invalid);
    public static readonly Refusal NoRuleInForce = new("certificate.no_rule_in_force");

    /// <summary>
    /// Takes the application and decides its eligibility in the same step, on its local
    /// <paramref name="applicationDate"/>, under the rule version given: the one in force then (what-if
    /// replays put a proposed one in force). Not being eligible is not a refusal: the application is
    /// taken and routed to a window. Only a malformed application, or one with no rule in force, is refused.
    /// </summary>
    public static Decision Decide(
        ApplyForCertificate command, Guid applicationId, Channel channel, DateTimeOffset now, DateOnly applicationDate, CertificateRules? rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (rules is null)
        {
            return Decision.Reject(NoRuleInForce, $"No version of the {CertificateRules.RuleId} rule is in force on {applicationDate:yyyy-MM-dd}.");
        }

        if (Validate(command, applicationDate) is { } invalid)
        {
            return Decision.Reject(invalid);
        }

        var facts = command.Applicant!;
        var applicant = new Applicant(facts.Id!.Trim(), facts.Name!.Trim(), facts.DateOfBirth!.Value, facts.HouseholdCity!.Trim(),
            facts.FingerprintsOnFile!.Value);
        var document = command.ExistingDocument!;
        var assessment = Eligibility.Assess(applicant, document, channel, applicationDate, rules);
        return Decision.Accept(
            new CertificateApplied(applicationId, command.DocumentType, applicant, document, applicationDate, rules, channel, now),
            new CertificateEligibilityDecided(applicationId, assessment.Route, assessment.Criteria, assessment.Situations,
                assessment.Reason, rules.Rule, now, assessment.SituationCriteria));
    }

    /// <summary>The recorded application as the command that made it, for what-if replays.</summary>
    public static ApplyForCertificate Replayed(CertificateApplied applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var applicant = applied.Applicant;
        return new ApplyForCertificate(
            applied.DocumentType,
            new ApplicantFacts(applicant.Id, applicant.Name, applicant.DateOfBirth, applicant.HouseholdCity, applicant.FingerprintsOnFile),
            applied.ExistingDocument);
    }

    private static Rejection? Validate(ApplyForCertificate command, DateOnly applicationDate)
    {
        // The JSON reader takes document types by name only; this guards callers in the process.
        if (!Enum.IsDefined(command.DocumentType))
        {
            return DocumentTypeUnknown.Because($"'{command.DocumentType}' is not a document issued online: use one of {string.Join(", ", Enum.GetNames<DocumentType>())}.");
        }

        if (command.Applicant is not { } applicant)
        {
            return ApplicantMissing.Because("State the applicant's facts: id, name, date of birth, household city and whether fingerprints are on file.");
        }

        if (string.IsNullOrWhiteSpace(applicant.Id))
        {
            return ApplicantIdMissing.Because("Give the applicant's id.");
        }

        if (string.IsNullOrWhiteSpace(applicant.Name))
        {
            return ApplicantNameMissing.Because("Give the applicant's name.");
        }

        if (applicant.DateOfBirth is not { } born)
        {
            return DateOfBirthMissing.Because("Give the applicant's date of birth; age is decided on it.");
        }

        if (born > applicationDate)
        {
            return DateOfBirthInFuture.Because($"A date of birth of {born:yyyy-MM-dd} is after the application date {applicationDate:yyyy-MM-dd}.");
        }

        if (string.IsNullOrWhiteSpace(applicant.HouseholdCity))
        {
            return HouseholdCityMissing.Because("Give the city of the applicant's household registration (hukou).");
        }

        if (applicant.FingerprintsOnFile is null)
        {
            return FingerprintsUnknown.Because("Say whether the applicant's fingerprints are on file from an earlier application.");
        }

        if (command.ExistingDocument is null)
        {
            return ExistingDocumentMissing.Because("Describe the document being renewed or replaced: its expiry date and whether it is damaged, lost or stolen, or has its visa pages used up. A first document is applied for at a window.");
        }

        return null;
    }
}
