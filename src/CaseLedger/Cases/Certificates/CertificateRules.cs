using CaseLedger.Rules;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// The parameters of one version of the fully online issuance rule (rule id <see cref="RuleId"/>),
/// read from the rule book.
/// </summary>
public sealed record CertificateRules : RuleParameters
{
    public const string RuleId = "certificate-online";

    /// <summary>False before the pilot: every application goes to a window.</summary>
    public required bool OnlineRouteOpen { get; init; }

    /// <summary>The city the applicant's household must be registered in (compared ignoring case).</summary>
    public required string HouseholdCity { get; init; }

    /// <summary>Age in whole years the applicant must have reached on the application date.</summary>
    public required int MinimumAge { get; init; }

    /// <summary>The existing document qualifies when it expires strictly before the application date plus this many months.</summary>
    public required int ValidityLeftBelowMonths { get; init; }

    /// <summary>Whether fingerprints from an earlier application must be on file.</summary>
    public required bool FingerprintsRequired { get; init; }

    /// <summary>
    /// The promised time from application to delivery on the fully online route, a deadline of the
    /// case (docs/deadlines.md); none promised when left out (versions before 2).
    /// </summary>
    public PromisedTime? PromisedCompletion { get; init; }
}
