using CaseLedger.Cases.Certificates;

namespace CaseLedger.IntegrationTests.Certificates;

/// <summary>Applications for tests that need one but not a particular one.</summary>
public static class CertificateApplications
{
    /// <summary>09:00 in Changsha on 2025-12-01, inside the pilot.</summary>
    public static readonly DateTimeOffset Start = new(2025, 12, 1, 1, 0, 0, TimeSpan.Zero);

    /// <summary>An applicant who meets every criterion: Changsha hukou, 39, fingerprints on file, a passport expiring in February.</summary>
    public static ApplicantFacts EligibleApplicant(string id = "applicant-0001") =>
        new(id, "Liu Wenjing", new DateOnly(1986, 4, 17), "Changsha", FingerprintsOnFile: true);

    public static ExistingDocument ExpiringSoon { get; } = new(new DateOnly(2026, 2, 10), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false);

    public static ApplyForCertificate Eligible(DocumentType type = DocumentType.OrdinaryPassport, string applicantId = "applicant-0001") =>
        new(type, EligibleApplicant(applicantId), ExpiringSoon);

    /// <summary>Fails only the fingerprints criterion.</summary>
    public static ApplyForCertificate WithoutFingerprints(DocumentType type = DocumentType.OrdinaryPassport) =>
        new(type, EligibleApplicant() with { FingerprintsOnFile = false }, ExpiringSoon);

    /// <summary>The same eligible application as an HTTP body.</summary>
    public static object Body(string documentType = "OrdinaryPassport", string? dateOfBirth = "1986-04-17", bool fingerprintsOnFile = true) => new
    {
        documentType,
        applicant = new
        {
            id = "applicant-0001",
            name = "Liu Wenjing",
            dateOfBirth,
            householdCity = "Changsha",
            fingerprintsOnFile,
        },
        existingDocument = new { expiresOn = "2026-02-10", damaged = false, lostOrStolen = false, visaPagesUsedUp = false },
    };
}
