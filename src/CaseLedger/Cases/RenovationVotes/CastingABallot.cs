using CaseLedger.Core;
using Marten;
using Wolverine;
using Wolverine.Attributes;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>Cast a ballot for a unit, or change it; the last ballot of a member counts.</summary>
public sealed record CastBallot(Guid VoteId, string UnitId, string VoterId, BallotChoice Choice, long? ExpectedVersion = null);

/// <summary>Take a ballot back before the vote closes; the member then has not taken part.</summary>
public sealed record WithdrawBallot(Guid VoteId, string UnitId, string VoterId, long? ExpectedVersion = null);

[WolverineHandler]
public static class CastingABallot
{
    public static Decision Decide(CastBallot command, RenovationVote vote, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(vote);
        if (BallotRefusal(vote, command.UnitId, command.VoterId, now) is { } refused)
        {
            return Decision.Reject(refused);
        }

        if (!Enum.IsDefined(command.Choice))
        {
            return Decision.Reject("renovation_vote.choice_unknown", "A ballot is yes, no or abstain.", RejectionKind.Invalid);
        }

        var unit = vote.Units[command.UnitId];
        var member = vote.Members[unit.MemberId];
        if (member.Ballot == command.Choice)
        {
            // The same choice again changes nothing, so nothing is recorded.
            return Decision.Accept();
        }

        return Decision.Accept(new BallotCast(vote.Id, command.UnitId, command.VoterId, command.Choice, unit.MemberId,
            member.Area, member.Ballot, now));
    }

    public static Decision Decide(WithdrawBallot command, RenovationVote vote, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(vote);
        if (BallotRefusal(vote, command.UnitId, command.VoterId, now) is { } refused)
        {
            return Decision.Reject(refused);
        }

        var unit = vote.Units[command.UnitId];
        var member = vote.Members[unit.MemberId];
        if (member.Ballot is not { } current)
        {
            return Decision.Reject("renovation_vote.no_ballot", $"No ballot has been cast for unit {command.UnitId}, so there is none to withdraw.");
        }

        return Decision.Accept(new BallotWithdrawn(vote.Id, command.UnitId, command.VoterId, unit.MemberId, member.Area, current, now));
    }

    /// <summary>Why a ballot for this unit by this voter cannot be taken now, if it cannot.</summary>
    private static Rejection? BallotRefusal(RenovationVote vote, string unitId, string voterId, DateTimeOffset now)
    {
        if (vote.Route == VotingRoute.Simplified)
        {
            return new Rejection("renovation_vote.simplified_route",
                "This spend takes the simplified route: the owners' committee decides and owners do not cast ballots.");
        }

        if (vote.Status != VoteStatus.Open)
        {
            return new Rejection("renovation_vote.closed", "The vote is closed; ballots no longer change anything.");
        }

        if (now < vote.OpensAt)
        {
            return new Rejection("renovation_vote.window_not_open", $"Voting opens at {vote.OpensAt:u}.");
        }

        if (now >= vote.ClosesAt)
        {
            return new Rejection("renovation_vote.window_ended", $"Voting ended at {vote.ClosesAt:u}.");
        }

        if (string.IsNullOrWhiteSpace(unitId) || !vote.Units.TryGetValue(unitId, out var unit))
        {
            return new Rejection("renovation_vote.unknown_unit", $"Unit '{unitId}' is not on this compound's roll.");
        }

        if (string.IsNullOrWhiteSpace(voterId) || !unit.Owners.Contains(voterId))
        {
            return new Rejection("renovation_vote.not_owner", $"'{voterId}' is not an owner of unit {unitId}; only its owners may vote for it.");
        }

        return null;
    }

    public static Task<CommandOutcome> Handle(CastBallot command, IDocumentSession session, TimeProvider clock, Envelope envelope, CancellationToken ct) =>
        CaseCommands.ExecuteAsync<RenovationVote>(session, command.VoteId, command.ExpectedVersion, Acting.FromEnvelope(envelope),
            vote => Decide(command, vote, clock.GetUtcNow()), ct);

    public static Task<CommandOutcome> Handle(WithdrawBallot command, IDocumentSession session, TimeProvider clock, Envelope envelope, CancellationToken ct) =>
        CaseCommands.ExecuteAsync<RenovationVote>(session, command.VoteId, command.ExpectedVersion, Acting.FromEnvelope(envelope),
            vote => Decide(command, vote, clock.GetUtcNow()), ct);
}
