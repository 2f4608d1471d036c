using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// Replays an application's eligibility decision under another version of <c>certificate-online</c>:
/// the applicant's facts, the existing document, the channel and the application date are those the
/// application recorded; only the rule's parameters change. The outcome is the route, "FullyOnline" or
/// "InPerson"; there is no amount. Later steps (review, production, ...) are not rules and are not replayed.
/// </summary>
public sealed class CertificateWhatIf : IWhatIfReplay
{
    public string RuleId => CertificateRules.RuleId;

    /// <summary>The name of a route in what-if reports and scenario facts.</summary>
    public static string Outcome(CertificateRoute route) => route switch
    {
        CertificateRoute.FullyOnline => "FullyOnline",
        CertificateRoute.InPersonWindow => "InPerson",
        _ => route.ToString(),
    };

    public WhatIfCase? Replay(Guid caseId, string district, IReadOnlyList<object> events, RuleVersion proposed)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(proposed);
        if (proposed.Id != RuleId)
        {
            throw new ArgumentException($"{proposed.Ref} is not a version of {RuleId}.", nameof(proposed));
        }

        var applied = events.OfType<CertificateApplied>().FirstOrDefault();
        var decided = events.OfType<CertificateEligibilityDecided>().FirstOrDefault();
        if (applied is null || decided is null)
        {
            return null;
        }

        var replayed = Reassess(applied, RuleBook.Parameters<CertificateRules>(proposed));
        var before = Recorded(applied, decided).ToDictionary(c => c.Clause, c => c.Met);
        var changed = replayed.Criteria.Concat(replayed.SituationCriteria)
            .Where(c => before.TryGetValue(c.Clause, out var met) && met != c.Met)
            .Select(c => c.Clause)
            .ToList();
        return new WhatIfCase(caseId, district, Summary(applied, decided), Outcome(decided.Route), Outcome(replayed.Route), null, null, changed);
    }

    /// <summary>The eligibility decision the handler makes, on the recorded facts and date, under <paramref name="rules"/>.</summary>
    public static EligibilityAssessment Reassess(CertificateApplied applied, CertificateRules rules)
    {
        ArgumentNullException.ThrowIfNull(applied);
        return Eligibility.Assess(applied.Applicant, applied.ExistingDocument, applied.Channel, applied.ApplicationDate, rules);
    }

    /// <summary>
    /// The clauses as recorded. Events stored before the four situations had clauses of their own lack them;
    /// those are re-derived under the recorded rule version, which is what was decided then.
    /// </summary>
    private static IEnumerable<CriterionResult> Recorded(CertificateApplied applied, CertificateEligibilityDecided decided) =>
        decided.Criteria.Concat(decided.SituationCriteria ?? Reassess(applied, applied.Rules).SituationCriteria);

    private static string Summary(CertificateApplied applied, CertificateEligibilityDecided decided)
    {
        var unmet = decided.Unmet;
        return $"{applied.Applicant.Name} ({applied.Applicant.Id}), {applied.DocumentType} through {applied.Channel} on {applied.ApplicationDate:yyyy-MM-dd}"
            + $" under {decided.Rule}: {Outcome(decided.Route)}" + (unmet.Count == 0 ? "" : $" ({string.Join(", ", unmet)} not met)");
    }
}
