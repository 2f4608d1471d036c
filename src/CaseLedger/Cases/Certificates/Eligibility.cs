using System.Collections.Frozen;
using System.Globalization;
using CaseLedger.Core;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// What deciding eligibility found: the route, every criterion with its figures, the document's situations,
/// and each of the four situations as a clause of its own.
/// </summary>
public sealed record EligibilityAssessment(
    CertificateRoute Route,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<DocumentSituation> Situations,
    string Reason,
    IReadOnlyList<CriterionResult> SituationCriteria);

/// <summary>
/// Applies a version of the <c>certificate-online</c> rule to an application on its application date.
/// Every criterion is evaluated and recorded, met or not, so a routing always says all of its reasons.
/// </summary>
public static class Eligibility
{
    public const string RouteOpenClause = "certificate-online.route-open";
    public const string ChannelClause = "certificate-online.channel";
    public const string HouseholdCityClause = "certificate-online.household-city";
    public const string AgeClause = "certificate-online.age";
    public const string DocumentSituationClause = "certificate-online.document-situation";
    public const string FingerprintsClause = "certificate-online.fingerprints";

    // The four situations of the existing document, each recorded on its own so a rule author sees
    // which of them a case exercised; document-situation is met when any of them is.
    public const string ValidityRunningOutClause = "certificate-online.document-situation.validity-running-out";
    public const string DamagedClause = "certificate-online.document-situation.damaged";
    public const string LostOrStolenClause = "certificate-online.document-situation.lost-or-stolen";
    public const string VisaPagesUsedUpClause = "certificate-online.document-situation.visa-pages-used-up";

    /// <summary>The channels of the national platform: its website and its two mini-programs.</summary>
    public static readonly FrozenSet<Channel> OnlineChannels =
        new[] { Channel.OnlinePlatform, Channel.WeChatMiniProgram, Channel.AlipayMiniProgram }.ToFrozenSet();

    public static EligibilityAssessment Assess(
        Applicant applicant, ExistingDocument document, Channel channel, DateOnly applicationDate, CertificateRules rules)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(rules);
        var situations = Situations(document, applicationDate, rules);
        var criteria = new List<CriterionResult>
        {
            RouteOpen(applicationDate, rules),
            ThroughAnOnlineChannel(channel),
            HouseholdInTheCity(applicant, rules),
            OldEnough(applicant, applicationDate, rules),
            DocumentInASituation(document, situations, applicationDate, rules),
            FingerprintsOnFile(applicant, rules),
        };

        var situationCriteria = SituationCriteria(document, situations, applicationDate, rules);
        var unmet = criteria.Where(c => !c.Met).Select(c => c.Clause).ToList();
        return unmet.Count == 0
            ? new EligibilityAssessment(CertificateRoute.FullyOnline, criteria, situations,
                $"Every criterion of {rules.Rule} is met: the application proceeds fully online.", situationCriteria)
            : new EligibilityAssessment(CertificateRoute.InPersonWindow, criteria, situations,
                $"Not eligible for the fully online route under {rules.Rule} ({string.Join(", ", unmet)} not met): apply in person at an exit-entry window.",
                situationCriteria);
    }

    /// <summary>
    /// Age in whole years on <paramref name="date"/>: the birthday itself counts. Someone born on
    /// 29 February has their birthday on 1 March in a year without one (an assumption; the brief is silent).
    /// </summary>
    public static int AgeOn(DateOnly dateOfBirth, DateOnly date)
    {
        var years = date.Year - dateOfBirth.Year;
        return date < BirthdayIn(dateOfBirth, date.Year) ? years - 1 : years;
    }

    /// <summary>The date of the birthday in <paramref name="year"/>; 1 March for a 29 February birth in a common year.</summary>
    public static DateOnly BirthdayIn(DateOnly dateOfBirth, int year) =>
        dateOfBirth is { Month: 2, Day: 29 } && !DateTime.IsLeapYear(year)
            ? new DateOnly(year, 3, 1)
            : new DateOnly(year, dateOfBirth.Month, dateOfBirth.Day);

    /// <summary>
    /// The situations of the existing document on the application date. Validity is running out when
    /// the document expires strictly before the date <c>validityLeftBelowMonths</c> months on: exactly
    /// that much validity left does not qualify; an expired document does.
    /// </summary>
    public static IReadOnlyList<DocumentSituation> Situations(ExistingDocument document, DateOnly applicationDate, CertificateRules rules)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(rules);
        var situations = new List<DocumentSituation>();
        if (document.ExpiresOn is { } expires && expires < ValidityLimit(applicationDate, rules))
        {
            situations.Add(DocumentSituation.ValidityRunningOut);
        }

        if (document.Damaged)
        {
            situations.Add(DocumentSituation.Damaged);
        }

        if (document.LostOrStolen)
        {
            situations.Add(DocumentSituation.LostOrStolen);
        }

        if (document.VisaPagesUsedUp)
        {
            situations.Add(DocumentSituation.VisaPagesUsedUp);
        }

        return situations;
    }

    private static DateOnly ValidityLimit(DateOnly applicationDate, CertificateRules rules) =>
        applicationDate.AddMonths(rules.ValidityLeftBelowMonths);

    private static CriterionResult RouteOpen(DateOnly applicationDate, CertificateRules rules) => new(
        RouteOpenClause,
        "the fully online route is open on the application date",
        rules.OnlineRouteOpen,
        rules.OnlineRouteOpen
            ? $"applied on {Day(applicationDate)} under {rules.Rule}, which opens the fully online route"
            : $"applied on {Day(applicationDate)} under {rules.Rule}, which does not open the fully online route");

    private static CriterionResult ThroughAnOnlineChannel(Channel channel) => new(
        ChannelClause,
        "applied through the national platform's website, WeChat mini-program or Alipay mini-program",
        OnlineChannels.Contains(channel),
        $"applied through {Describe(channel)}");

    private static CriterionResult HouseholdInTheCity(Applicant applicant, CertificateRules rules)
    {
        var met = string.Equals(applicant.HouseholdCity.Trim(), rules.HouseholdCity.Trim(), StringComparison.OrdinalIgnoreCase);
        return new CriterionResult(
            HouseholdCityClause,
            $"household registration (hukou) in {rules.HouseholdCity}",
            met,
            $"household registered in {applicant.HouseholdCity}; {rules.HouseholdCity} required");
    }

    private static CriterionResult OldEnough(Applicant applicant, DateOnly applicationDate, CertificateRules rules)
    {
        var age = AgeOn(applicant.DateOfBirth, applicationDate);
        var leapNote = applicant.DateOfBirth is { Month: 2, Day: 29 } && !DateTime.IsLeapYear(applicationDate.Year)
            ? $"; a 29 February birthday falls on {Day(BirthdayIn(applicant.DateOfBirth, applicationDate.Year))} this year"
            : "";
        return new CriterionResult(
            AgeClause,
            $"aged {rules.MinimumAge} or older on the application date",
            age >= rules.MinimumAge,
            Invariant($"aged {age} on {Day(applicationDate)} (born {Day(applicant.DateOfBirth)}){leapNote}; at least {rules.MinimumAge} required"));
    }

    /// <summary>
    /// Each of the four situations as a clause of its own, met when the situation holds. They refine
    /// <see cref="DocumentSituationClause"/> (met when any of them is) and do not decide the route themselves.
    /// </summary>
    private static IReadOnlyList<CriterionResult> SituationCriteria(
        ExistingDocument document, IReadOnlyList<DocumentSituation> situations, DateOnly applicationDate, CertificateRules rules)
    {
        var months = Invariant($"{rules.ValidityLeftBelowMonths} months");
        return
        [
            new(ValidityRunningOutClause, $"less than {months} of validity left on the application date (an expired document included)",
                situations.Contains(DocumentSituation.ValidityRunningOut), Validity(document, applicationDate, rules)),
            new(DamagedClause, "the existing document is damaged", document.Damaged, document.Damaged ? "damaged" : "not damaged"),
            new(LostOrStolenClause, "the existing document was lost or stolen", document.LostOrStolen,
                document.LostOrStolen ? "lost or stolen" : "not lost or stolen"),
            new(VisaPagesUsedUpClause, "the existing document's visa pages are used up", document.VisaPagesUsedUp,
                document.VisaPagesUsedUp ? "visa pages used up" : "visa pages not used up"),
        ];
    }

    private static string Validity(ExistingDocument document, DateOnly applicationDate, CertificateRules rules)
    {
        var limit = ValidityLimit(applicationDate, rules);
        var months = Invariant($"{rules.ValidityLeftBelowMonths} months");
        return document.ExpiresOn switch
        {
            null => "expiry date not given",
            { } expired when expired < applicationDate => $"expired on {Day(expired)}",
            { } expires when expires < limit => $"less than {months} of validity left: expires on {Day(expires)}, before {Day(limit)}",
            { } expires => $"{months} or more of validity left: expires on {Day(expires)}, not before {Day(limit)}",
        };
    }

    private static CriterionResult DocumentInASituation(
        ExistingDocument document, IReadOnlyList<DocumentSituation> situations, DateOnly applicationDate, CertificateRules rules)
    {
        var months = Invariant($"{rules.ValidityLeftBelowMonths} months");
        var validity = Validity(document, applicationDate, rules);
        var held = new List<string>();
        var notHeld = new List<string>();
        (situations.Contains(DocumentSituation.ValidityRunningOut) ? held : notHeld).Add(validity);
        (document.Damaged ? held : notHeld).Add(document.Damaged ? "damaged" : "not damaged");
        (document.LostOrStolen ? held : notHeld).Add(document.LostOrStolen ? "lost or stolen" : "not lost or stolen");
        (document.VisaPagesUsedUp ? held : notHeld).Add(document.VisaPagesUsedUp ? "visa pages used up" : "visa pages not used up");
        return new CriterionResult(
            DocumentSituationClause,
            $"the existing document has less than {months} of validity left, is damaged, lost or stolen, or has its visa pages used up",
            situations.Count > 0,
            situations.Count > 0
                ? string.Join("; ", held)
                : $"in none of the four situations: {string.Join("; ", notHeld)}");
    }

    private static CriterionResult FingerprintsOnFile(Applicant applicant, CertificateRules rules) => new(
        FingerprintsClause,
        rules.FingerprintsRequired
            ? "fingerprints taken at an earlier application are on file"
            : "no fingerprints needed on file",
        !rules.FingerprintsRequired || applicant.FingerprintsOnFile,
        (rules.FingerprintsRequired, applicant.FingerprintsOnFile) switch
        {
            (_, true) => "fingerprints on file from an earlier application",
            (true, false) => "no fingerprints on file: they are taken at a window",
            (false, false) => $"no fingerprints on file, which {rules.Rule} does not require",
        });

    private static string Describe(Channel channel) => channel switch
    {
        Channel.OnlinePlatform => "the national platform's website",
        Channel.WeChatMiniProgram => "the platform's WeChat mini-program",
        Channel.AlipayMiniProgram => "the platform's Alipay mini-program",
        Channel.ServiceWindow => "a service window",
        Channel.Proxy => "help-and-handle staff (proxy)",
        _ => channel.ToString(),
    };

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
