using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;
using Wolverine;
using Wolverine.Attributes;

namespace CaseLedger.Cases.Certificates;

/// <summary>The applicant's facts as the application states them; missing ones are refused by name.</summary>
public sealed record ApplicantFacts(
    string? Id,
    string? Name,
    DateOnly? DateOfBirth,
    string? HouseholdCity,
    bool? FingerprintsOnFile);

/// <summary>Apply to renew or replace an exit-entry document. The channel comes from the acting context.</summary>
public sealed record ApplyForCertificate(
    Guid ApplicationId,
    DocumentType DocumentType,
    ApplicantFacts? Applicant,
    ExistingDocument? ExistingDocument);

/// <summary>Taking an application and deciding, on its date and under the rule then in force, whether it goes fully online.</summary>
[WolverineHandler]
public static class ApplyingForACertificate
{
    /// <summary>
    /// Takes the application on its local date under the rule version in force then, and decides its
    /// eligibility in the same step.
    /// </summary>
    public static Decision Decide(ApplyForCertificate command, Channel channel, DateTimeOffset now, RuleBook book)
    {
        ArgumentNullException.ThrowIfNull(book);
        return Decide(command, channel, now, book.LocalDate(now), book.InForce<CertificateRules>(CertificateRules.RuleId, now));
    }

    /// <summary>
    /// Takes the application and decides its eligibility under the given rule version (what-if replays
    /// pass a proposed one). Not being eligible is not a refusal: the application is taken and routed to
    /// a window. Only a malformed application is refused.
    /// </summary>
    public static Decision Decide(ApplyForCertificate command, Channel channel, DateTimeOffset now, DateOnly applicationDate, CertificateRules rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(rules);
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
            new CertificateApplied(command.ApplicationId, command.DocumentType, applicant, document, applicationDate, rules, channel, now),
            new CertificateEligibilityDecided(command.ApplicationId, assessment.Route, assessment.Criteria, assessment.Situations,
                assessment.Reason, rules.Rule, now, assessment.SituationCriteria));
    }

    /// <summary>The refusal for a document type that cannot be issued online; the HTTP edge uses it for unreadable names too.</summary>
    public static Rejection UnknownDocumentType(string? given) =>
        new("certificate.document_type_unknown",
            $"'{given}' is not a document issued online: use one of {string.Join(", ", Enum.GetNames<DocumentType>())}.",
            RejectionKind.Invalid);

    private static Rejection? Validate(ApplyForCertificate command, DateOnly applicationDate)
    {
        static Rejection Invalid(string code, string reason) => new($"certificate.{code}", reason, RejectionKind.Invalid);

        if (!Enum.IsDefined(command.DocumentType))
        {
            return UnknownDocumentType(command.DocumentType.ToString());
        }

        if (command.Applicant is not { } applicant)
        {
            return Invalid("applicant_missing", "State the applicant's facts: id, name, date of birth, household city and whether fingerprints are on file.");
        }

        if (string.IsNullOrWhiteSpace(applicant.Id))
        {
            return Invalid("applicant_id_missing", "Give the applicant's id.");
        }

        if (string.IsNullOrWhiteSpace(applicant.Name))
        {
            return Invalid("applicant_name_missing", "Give the applicant's name.");
        }

        if (applicant.DateOfBirth is not { } born)
        {
            return Invalid("date_of_birth_missing", "Give the applicant's date of birth; age is decided on it.");
        }

        if (born > applicationDate)
        {
            return Invalid("date_of_birth_in_future",
                $"A date of birth of {born:yyyy-MM-dd} is after the application date {applicationDate:yyyy-MM-dd}.");
        }

        if (string.IsNullOrWhiteSpace(applicant.HouseholdCity))
        {
            return Invalid("household_city_missing", "Give the city of the applicant's household registration (hukou).");
        }

        if (applicant.FingerprintsOnFile is null)
        {
            return Invalid("fingerprints_unknown", "Say whether the applicant's fingerprints are on file from an earlier application.");
        }

        if (command.ExistingDocument is null)
        {
            return Invalid("existing_document_missing",
                "Describe the document being renewed or replaced: its expiry date and whether it is damaged, lost or stolen, or has its visa pages used up. A first document is applied for at a window.");
        }

        return null;
    }

    /// <summary>Takes the application under the rule version in force on its local date.</summary>
    public static Task<CommandOutcome> Handle(
        ApplyForCertificate command, IDocumentSession session, RuleBook rules, TimeProvider clock, Envelope envelope,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var acting = Acting.FromEnvelope(envelope);
        return CaseCommands.StartAsync<Certificate>(session, command.ApplicationId, acting,
            () => Decide(command, acting.Channel, now, rules), ct);
    }
}
