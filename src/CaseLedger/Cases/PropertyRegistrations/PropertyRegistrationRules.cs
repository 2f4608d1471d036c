using CaseLedger.Rules;

namespace CaseLedger.Cases.PropertyRegistrations;

/// <summary>
/// The parameters of one version of the registration centre's service rule (rule id <see cref="RuleId"/>):
/// its same-day promise and its fastest time, as figures the centre is measured by.
/// </summary>
public sealed record PropertyRegistrationRules : RuleParameters
{
    public const string RuleId = "property-registration";

    /// <summary>"Applied today, completed today": the case completes by this time of the day it was applied on.</summary>
    public required PromisedTime SameDay { get; init; }

    /// <summary>"20 minutes at the fastest": a case completed within this time of its application counts as done at the fastest.</summary>
    public required TimeSpan FastestCompletion { get; init; }

    /// <summary>The steps of the centre every case requires (its partners' steps come on top, as the case names them).</summary>
    public required IReadOnlyList<RegistrationStep> CentreSteps { get; init; }

    /// <summary>A running deadline is "at risk" when less than this share of its promised time is left.</summary>
    public required decimal AtRiskShare { get; init; }
}
