using CaseLedger.Rules;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>Whose share the consent thresholds are measured against.</summary>
public enum ConsentBasis
{
    /// <summary>Old rule: consent is counted against all owners and the whole area.</summary>
    AllOwners,
    /// <summary>Civil Code: consent is counted against the owners (and area) that took part.</summary>
    Participants,
}

/// <summary>
/// The parameters of one version of the renovation-vote rule (rule id <see cref="RuleId"/>), read
/// from the rule book. Thresholds are exact fractions; the limit is in yuan.
/// </summary>
public sealed record RenovationVoteRules : RuleParameters
{
    public const string RuleId = "renovation-vote";

    /// <summary>Quorum by area; absent when the rule asks for none.</summary>
    public Threshold? ParticipationByArea { get; init; }

    /// <summary>Quorum by headcount; absent when the rule asks for none.</summary>
    public Threshold? ParticipationByHeadcount { get; init; }

    public required ConsentBasis ConsentBasis { get; init; }

    public required Threshold ConsentByArea { get; init; }

    public required Threshold ConsentByHeadcount { get; init; }

    /// <summary>A proposed spend strictly below this takes the simplified (committee) route.</summary>
    public required decimal SmallProjectLimit { get; init; }
}
