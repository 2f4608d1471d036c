using CaseLedger.Rules;

namespace CaseLedger.Cases.CoFunding;

/// <summary>
/// The parameters of one version of the co-funding rule (rule id <see cref="RuleId"/>): which compounds
/// qualify, the grant rate on the audited cost, how it is rounded and how city and district share it.
/// </summary>
public sealed record CoFundingRules : RuleParameters
{
    public const string RuleId = "co-funding";

    /// <summary>First year of construction that qualifies (inclusive).</summary>
    public required int BuiltFrom { get; init; }

    /// <summary>Last year of construction that qualifies (inclusive).</summary>
    public required int BuiltUntil { get; init; }

    public required bool MaintenanceFundRequired { get; init; }

    /// <summary>The grant as a share of the audited final cost, e.g. 0.30.</summary>
    public required decimal Rate { get; init; }

    /// <summary>The city's share of each grant; the district pays the rest.</summary>
    public required decimal CityShare { get; init; }

    /// <summary>How a grant is rounded to the fen.</summary>
    public required MidpointRounding Rounding { get; init; }
}
