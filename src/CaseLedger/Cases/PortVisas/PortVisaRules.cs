using CaseLedger.Rules;

namespace CaseLedger.Cases.PortVisas;

/// <summary>
/// The parameters of one version of the port's visa rule (rule id <see cref="RuleId"/>): the fee a
/// visa may carry (none) and how long an issued visa lets its holder stay.
/// </summary>
public sealed record PortVisaRules : RuleParameters
{
    public const string RuleId = "port-visa";

    /// <summary>The most a visa may carry as a fee, added by the window or by a travel agency: zero, "no fee may be added".</summary>
    public required decimal MaximumFee { get; init; }

    /// <summary>An issued visa lets its holder stay this many days, counted from the civil day of issue.</summary>
    public required int StayDays { get; init; }
}
