using CaseLedger.Rules;

namespace CaseLedger.Cases.WorkOrders;

/// <summary>
/// The parameters of one version of the water company's service rule (rule id <see cref="RuleId"/>):
/// its promised times, each in calendar or working time, and who a breach escalates to, in order.
/// </summary>
public sealed record WorkOrderRules : RuleParameters
{
    public const string RuleId = "work-order";

    /// <summary>A metering problem: the team contacts the user within this time of the order.</summary>
    public required PromisedTime MeteringContact { get; init; }

    /// <summary>A metering problem: the team is on site within this time of the order.</summary>
    public required PromisedTime MeteringOnSite { get; init; }

    /// <summary>An installation: the follow-up visit asking how it went, within this time of its resolution.</summary>
    public required PromisedTime InstallationFollowUp { get; init; }

    /// <summary>A property manager blew the whistle: the street office acknowledges within this time.</summary>
    public required PromisedTime StreetOfficeAcknowledgement { get; init; }

    /// <summary>Who each breach escalates to, the first breach to the first, the next to the second, and so on.</summary>
    public required IReadOnlyList<string> EscalationLevels { get; init; }

    /// <summary>A running deadline is "at risk" when less than this share of its promised time is left.</summary>
    public required decimal AtRiskShare { get; init; }
}
