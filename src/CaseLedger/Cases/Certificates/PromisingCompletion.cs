using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// The promised completion of a fully online application (a rule parameter from version 2): set
/// when the application is found eligible, met when the document is delivered, cancelled when it is
/// rejected at review. Added to the lifecycle's own decisions, which stay as they were.
/// </summary>
public static class PromisingCompletion
{
    public const string Key = "completion";

    /// <summary>The application's decision, with its completion deadline when it went the fully online route under a rule that promises one.</summary>
    public static Decision Applied(Decision decision, Guid applicationId, DateTimeOffset now, CertificateRules? rules, RuleBook book)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsAccepted || rules?.PromisedCompletion is not { } promise
            || !decision.Events.OfType<CertificateEligibilityDecided>().Any(e => e.Route == CertificateRoute.FullyOnline))
        {
            return decision;
        }

        return Decision.Accept([.. decision.Events, DeadlineBook.Set(applicationId, Key, "Deliver the document", promise, rules.Rule, now, book)])
            .WithClauses(decision.Clauses);
    }

    /// <summary>The delivery, meeting the promised completion.</summary>
    public static Decision Delivered(Decision decision, Certificate application, DateTimeOffset now) =>
        With(decision, application.Deadlines.Meet(application.Id, Key, now));

    /// <summary>The rejection, cancelling the promised completion.</summary>
    public static Decision Rejected(Decision decision, Certificate application, DateTimeOffset now) =>
        With(decision, application.Deadlines.Cancel(application.Id, Key, "rejected at review", now));

    private static Decision With(Decision decision, object? deadline)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.IsAccepted && deadline is not null ? Decision.Accept([.. decision.Events, deadline]) : decision;
    }
}
