using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>Cast a ballot for a unit, or change it; the last ballot of a member counts.</summary>
public sealed record CastBallot([property: MaxLength(InputLimits.Id)] string UnitId, [property: MaxLength(InputLimits.Id)] string VoterId, BallotChoice Choice);

/// <summary>Take a ballot back before the vote closes; the member then has not taken part.</summary>
public sealed record WithdrawBallot([property: MaxLength(InputLimits.Id)] string UnitId, [property: MaxLength(InputLimits.Id)] string VoterId);

/// <summary>
/// What a ballot needs of the roll: its unit's document and the standing ballot of the unit's member,
/// read with the vote's lock in the ballot's transaction, so a ballot never loads or rewrites the whole roll.
/// </summary>
public sealed record BallotFacts(VoteUnit? Unit, MemberBallot? Standing)
{
    /// <summary>The documents a ballot reads, or none for a blank unit id.</summary>
    public static string? IdFor(Guid voteId, string unitId) => string.IsNullOrWhiteSpace(unitId) ? null : VoteUnit.IdFor(voteId, unitId);
}

public static class CastingABallot
{
    public static readonly Refusal ChoiceUnknown = new("renovation_vote.choice_unknown", RejectionKind.Invalid);
    public static readonly Refusal Closed = new("renovation_vote.closed");
    public static readonly Refusal NoBallot = new("renovation_vote.no_ballot");
    public static readonly Refusal NotOwner = new("renovation_vote.not_owner");
    public static readonly Refusal SimplifiedRoute = new("renovation_vote.simplified_route");
    public static readonly Refusal UnknownUnit = new("renovation_vote.unknown_unit");
    public static readonly Refusal WindowEnded = new("renovation_vote.window_ended");
    public static readonly Refusal WindowNotOpen = new("renovation_vote.window_not_open");

    public static Decision Decide(CastBallot command, VoteTally vote, BallotFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(vote);
        ArgumentNullException.ThrowIfNull(facts);
        if (BallotRefusal(vote, facts, command.UnitId, command.VoterId, now) is { } refused)
        {
            return Decision.Reject(refused);
        }

        if (!Enum.IsDefined(command.Choice))
        {
            return Decision.Reject(ChoiceUnknown, "A ballot is yes, no or abstain.");
        }

        var (unit, standing) = (facts.Unit!, facts.Standing!);
        if (standing.Ballot == command.Choice)
        {
            // The same choice again changes nothing, so nothing is recorded.
            return Decision.Accept();
        }

        return Decision.Accept(new BallotCast(vote.Id, command.UnitId, command.VoterId, command.Choice, unit.MemberId,
            unit.MemberArea, standing.Ballot, now, unit.MemberUnits));
    }

    public static Decision Decide(WithdrawBallot command, VoteTally vote, BallotFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(vote);
        ArgumentNullException.ThrowIfNull(facts);
        if (BallotRefusal(vote, facts, command.UnitId, command.VoterId, now) is { } refused)
        {
            return Decision.Reject(refused);
        }

        var (unit, standing) = (facts.Unit!, facts.Standing!);
        if (standing.Ballot is not { } current)
        {
            return Decision.Reject(NoBallot, $"No ballot has been cast for unit {command.UnitId}, so there is none to withdraw.");
        }

        return Decision.Accept(new BallotWithdrawn(vote.Id, command.UnitId, command.VoterId, unit.MemberId, unit.MemberArea, current, now, unit.MemberUnits));
    }

    /// <summary>Why a ballot for this unit by this voter cannot be taken now, if it cannot.</summary>
    private static Rejection? BallotRefusal(VoteTally vote, BallotFacts facts, string unitId, string voterId, DateTimeOffset now)
    {
        if (vote.Route == VotingRoute.Simplified)
        {
            return SimplifiedRoute.Because("This spend takes the simplified route: the owners' committee decides and owners do not cast ballots.");
        }

        if (vote.Status != VoteStatus.Open)
        {
            return Closed.Because("The vote is closed; ballots no longer change anything.");
        }

        if (now < vote.OpensAt)
        {
            return WindowNotOpen.Because($"Voting opens at {vote.OpensAt:u}.");
        }

        if (now >= vote.ClosesAt)
        {
            return WindowEnded.Because($"Voting ended at {vote.ClosesAt:u}.");
        }

        if (facts.Unit is not { } unit || facts.Standing is null)
        {
            return UnknownUnit.Because($"Unit '{unitId}' is not on this compound's roll.");
        }

        if (string.IsNullOrWhiteSpace(voterId) || !unit.Owners.Contains(voterId))
        {
            return NotOwner.Because($"'{voterId}' is not an owner of unit {unitId}; only its owners may vote for it.");
        }

        return null;
    }
}
