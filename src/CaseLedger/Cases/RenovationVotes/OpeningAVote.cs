using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CaseLedger.Core;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>Open a vote of a compound's owners on spending the maintenance fund.</summary>
public sealed record OpenVote(
    [property: MaxLength(InputLimits.Id)] string CompoundId,
    [property: MaxLength(InputLimits.Name)] string CompoundName,
    Proposal Proposal,
    [property: MaxLength(InputLimits.RollUnits)] IReadOnlyList<RollEntry> Roll,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt);

public static class OpeningAVote
{
    public static readonly Refusal AmountNotPositive = new("renovation_vote.amount_not_positive", RejectionKind.Invalid);
    public static readonly Refusal AmountPrecision = new("renovation_vote.amount_precision", RejectionKind.Invalid);
    public static readonly Refusal AreaNotPositive = new("renovation_vote.area_not_positive", RejectionKind.Invalid);
    public static readonly Refusal AreaPrecision = new("renovation_vote.area_precision", RejectionKind.Invalid);
    public static readonly Refusal CompoundMissing = new("renovation_vote.compound_missing", RejectionKind.Invalid);
    public static readonly Refusal CompoundNameMissing = new("renovation_vote.compound_name_missing", RejectionKind.Invalid);
    public static readonly Refusal DuplicateOwner = new("renovation_vote.duplicate_owner", RejectionKind.Invalid);
    public static readonly Refusal DuplicateUnit = new("renovation_vote.duplicate_unit", RejectionKind.Invalid);
    public static readonly Refusal NoRuleInForce = new("renovation_vote.no_rule_in_force");
    public static readonly Refusal OwnerMissing = new("renovation_vote.owner_missing", RejectionKind.Invalid);
    public static readonly Refusal ProposalMissing = new("renovation_vote.proposal_missing", RejectionKind.Invalid);
    public static readonly Refusal RollEmpty = new("renovation_vote.roll_empty", RejectionKind.Invalid);
    public static readonly Refusal UnitIdMissing = new("renovation_vote.unit_id_missing", RejectionKind.Invalid);
    public static readonly Refusal WindowEmpty = new("renovation_vote.window_empty", RejectionKind.Invalid);
    public static readonly Refusal WindowPast = new("renovation_vote.window_past", RejectionKind.Invalid);

    /// <summary>
    /// The route clause: met when the proposed spend is strictly below the rule's small-project limit,
    /// so the simplified route applies (the owners' committee decides); not met means a full vote.
    /// </summary>
    public const string SmallProjectLimitClause = "renovation-vote.small-project-limit";

    /// <summary>
    /// Checks the roll and the window and chooses the route under the rule version given (the one in
    /// force when the vote is opened; what-if replays pass a proposed one): a spend strictly below the
    /// small-project limit goes to the owners' committee (simplified procedure).
    /// </summary>
    public static Decision Decide(OpenVote command, Guid voteId, Channel channel, DateTimeOffset now, RenovationVoteRules? rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (rules is null)
        {
            return Decision.Reject(NoRuleInForce, $"No version of the renovation-vote rule is in force on {now:yyyy-MM-dd}.");
        }

        if (Validate(command, now) is { } invalid)
        {
            return Decision.Reject(invalid);
        }

        var simplified = command.Proposal.Amount < rules.SmallProjectLimit;
        var route = new CriterionResult(
            SmallProjectLimitClause,
            $"a spend below the small-project limit of {Yuan(rules.SmallProjectLimit)} takes the simplified route (the owners' committee decides)",
            simplified,
            $"{Yuan(command.Proposal.Amount)} {(simplified ? "is below" : "is not below")} {Yuan(rules.SmallProjectLimit)} ({rules.Rule})");
        var reason = simplified
            ? $"The proposed spend of {Yuan(command.Proposal.Amount)} is below the small-project limit of {Yuan(rules.SmallProjectLimit)} ({rules.Rule}): the owners' committee decides by the simplified procedure."
            : $"The proposed spend of {Yuan(command.Proposal.Amount)} is not below the small-project limit of {Yuan(rules.SmallProjectLimit)} ({rules.Rule}): all owners vote.";
        return Decision.Accept(new RenovationVoteOpened(
            voteId,
            command.CompoundId.Trim(),
            command.CompoundName.Trim(),
            command.Proposal with { Description = command.Proposal.Description.Trim() },
            command.Roll,
            command.OpensAt,
            command.ClosesAt,
            simplified ? VotingRoute.Simplified : VotingRoute.FullVote,
            reason,
            rules,
            channel,
            now,
            [route]));
    }

    private static Rejection? Validate(OpenVote command, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(command.CompoundId))
        {
            return CompoundMissing.Because("Name the compound whose owners vote.");
        }

        if (string.IsNullOrWhiteSpace(command.CompoundName))
        {
            return CompoundNameMissing.Because("Give the compound's name as residents know it.");
        }

        if (command.Proposal is null || string.IsNullOrWhiteSpace(command.Proposal.Description))
        {
            return ProposalMissing.Because("Describe the proposed spend.");
        }

        if (command.Proposal.Amount <= 0)
        {
            return AmountNotPositive.Because($"The proposed spend must be more than zero yuan, not {Yuan(command.Proposal.Amount)}.");
        }

        if (decimal.Round(command.Proposal.Amount, 2) != command.Proposal.Amount)
        {
            return AmountPrecision.Because("Amounts are in yuan with at most two decimals (fen).");
        }

        if (command.ClosesAt <= command.OpensAt)
        {
            return WindowEmpty.Because($"The voting window must end after it starts ({command.OpensAt:u} to {command.ClosesAt:u}).");
        }

        if (command.ClosesAt <= now)
        {
            return WindowPast.Because($"The voting window would already have ended at {command.ClosesAt:u}.");
        }

        if (command.Roll is null || command.Roll.Count == 0)
        {
            return RollEmpty.Because("The roll of units is empty: list every exclusive unit with its owner and area.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var unit in command.Roll)
        {
            if (unit is null || string.IsNullOrWhiteSpace(unit.UnitId))
            {
                return UnitIdMissing.Because("Every roll entry needs a unit id.");
            }

            if (!seen.Add(unit.UnitId))
            {
                return DuplicateUnit.Because($"Unit {unit.UnitId} is on the roll more than once; list co-owners on one entry.");
            }

            if (string.IsNullOrWhiteSpace(unit.OwnerId) || (unit.CoOwnerIds?.Any(string.IsNullOrWhiteSpace) ?? false))
            {
                return OwnerMissing.Because($"Unit {unit.UnitId} needs an owner id for every owner.");
            }

            if (unit.Owners.Distinct(StringComparer.Ordinal).Count() != unit.Owners.Count())
            {
                return DuplicateOwner.Because($"Unit {unit.UnitId} names the same owner twice.");
            }

            if (unit.Area <= 0)
            {
                return AreaNotPositive.Because($"Unit {unit.UnitId} has an exclusive area of {unit.Area} m²; it must be more than zero.");
            }

            if (decimal.Round(unit.Area, 2) != unit.Area)
            {
                return AreaPrecision.Because($"Unit {unit.UnitId}: areas are in m² with at most two decimals.");
            }
        }

        return null;
    }

    internal static string Yuan(decimal amount) => amount.ToString("#,0.00 'yuan'", CultureInfo.InvariantCulture);
}
