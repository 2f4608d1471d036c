using System.Globalization;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using Marten;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>
/// The renovation vote, declared once: its events under stable names, its tally (the state the
/// decisions read and the read model people see, one small document), the roll kept as one document
/// per unit and member, and its commands with their pure decisions.
/// </summary>
public sealed class RenovationVoteKind : CaseKind<VoteTally>
{
    public const string KindName = "renovation-vote";

    public RenovationVoteKind()
        : base(KindName, "renovation-votes", RenovationVoteRules.RuleId, VoteTallyProjection.Evolve)
    {
        Label = "Renovation vote";
        Title = "Owners of a compound vote on spending the special maintenance fund on a renovation";

        Event<RenovationVoteOpened>("renovation_vote.opened.v1", e => new(string.Create(CultureInfo.InvariantCulture,
            $"Vote opened for {e.CompoundName}: {e.Proposal.Description}, {OpeningAVote.Yuan(e.Proposal.Amount)}; {e.Roll.Count} units; " +
            $"window {e.OpensAt:u} to {e.ClosesAt:u}; {(e.Route == VotingRoute.Simplified ? "simplified route (owners' committee)" : "full vote")}"), IsDecision: true));
        Event<BallotCast>("renovation_vote.ballot_cast.v1", e => new($"{e.VoterId} voted {e.Choice} for unit {e.UnitId}" + (e.Replaces is { } was ? $" (was {was})" : "")));
        Event<BallotWithdrawn>("renovation_vote.ballot_withdrawn.v1", e => new($"{e.VoterId} withdrew the {e.Withdrawn} ballot for unit {e.UnitId}"));
        Event<RenovationVoteClosed>("renovation_vote.closed.v1", e => new($"Vote closed and {e.Outcome.ToString().ToLowerInvariant()}: " +
            string.Join("; ", e.Criteria.Select(c => $"{c.Requirement}: {(c.Met ? "met" : "not met")} ({c.Detail})")), IsDecision: true));
        Event<CommitteeDecisionRecorded>("renovation_vote.committee_decision_recorded.v1",
            e => new($"Owners' committee {(e.Outcome == VoteOutcome.Passed ? "approved" : "rejected")} the spend: {e.Note}", IsDecision: true));

        View<VoteTally>(VoteTallyProjection.Evolve)
            .NewestFirstBy(t => t.OpenedAt)
            .FilteredBy("compoundId", t => t.CompoundId)
            .Indexed(t => t.CompoundId);
        Writes<VoteUnit>(RenovationVoteProjection.UnitDocuments, u => u.Id);
        Writes<MemberBallot>(RenovationVoteProjection.BallotDocuments, b => b.Id);

        Opens<OpenVote>("Open a vote: the compound, the proposed spend, the roll of units and the voting window; the route is decided at once")
            .AllowedFor(Role.Clerk)
            // A roll of the largest compounds (InputLimits.RollUnits units) is a few megabytes of JSON.
            .AcceptsBodiesUpTo(InputLimits.LargeBodyBytes)
            .Decides((command, context) => OpeningAVote.Decide(command, context.CaseId, context.Acting.Channel, context.Now,
                context.Rules.TryInForce<RenovationVoteRules>(RuleId, context.Now)))
            .Replays<RenovationVoteOpened>(e => new OpenVote(e.CompoundId, e.CompoundName, e.Proposal, e.Roll, e.OpensAt, e.ClosesAt), e => e.OpenedAt);
        On<CastBallot>("ballots", "Cast or change a ballot for a unit; the last ballot of an owner counts")
            .AllowedFor(Role.Resident, Role.Clerk, Role.Proxy)
            .ForPerson(ballot => ballot.VoterId)
            .ReadsDocument<VoteUnit>((command, context) => BallotFacts.IdFor(context.CaseId, command.UnitId))
            .ReadsDocument<MemberBallot>((command, context) => BallotFacts.IdFor(context.CaseId, command.UnitId))
            .Decides((command, vote, context) => CastingABallot.Decide(command, vote, Ballot(context), context.Now))
            .Replays<BallotCast>(e => new CastBallot(e.UnitId, e.VoterId, e.Choice), e => e.CastAt);
        On<WithdrawBallot>("ballots/withdrawals", "Take a ballot back before the vote closes")
            .AllowedFor(Role.Resident, Role.Clerk, Role.Proxy)
            .ForPerson(withdrawal => withdrawal.VoterId)
            .ReadsDocument<VoteUnit>((command, context) => BallotFacts.IdFor(context.CaseId, command.UnitId))
            .ReadsDocument<MemberBallot>((command, context) => BallotFacts.IdFor(context.CaseId, command.UnitId))
            .Decides((command, vote, context) => CastingABallot.Decide(command, vote, Ballot(context), context.Now))
            .Replays<BallotWithdrawn>(e => new WithdrawBallot(e.UnitId, e.VoterId), e => e.WithdrawnAt);
        On<CloseVote>("close", "Close the vote at or after the end of its window, and count it under the rule it was opened with")
            .AllowedFor(Role.Clerk)
            .Decides((command, vote, context) => ClosingAVote.Decide(command, vote, context.Now))
            .Replays<RenovationVoteClosed>(_ => new CloseVote(), e => e.ClosedAt);
        On<RecordCommitteeDecision>("committee-decision", "On the simplified route, record the owners' committee decision")
            .AllowedFor(Role.Clerk)
            .Decides((command, vote, context) => ClosingAVote.Decide(command, vote, context.Now))
            .Replays<CommitteeDecisionRecorded>(e => new RecordCommitteeDecision(e.Outcome == VoteOutcome.Passed, e.Note), e => e.DecidedAt);

        // A resident reads the votes of the compounds where they hold a unit.
        ResidentsRead(async (session, vote, person, ct) => await session.Query<VoteUnit>().AnyAsync(u => u.VoteId == vote && u.Owners.Contains(person), ct));

        // Scenarios may write `cast: alice yes` for the one unit alice holds.
        ScenarioHook("unit-of-voter", UnitOfVoter);
    }

    private static BallotFacts Ballot(CommandContext context) => new(context.Fact<VoteUnit>(), context.Fact<MemberBallot>());

    private static string? UnitOfVoter(JsonObject ballot, IReadOnlyList<JsonObject> history)
    {
        if (ballot["unitId"] is not null)
        {
            return null;
        }

        var voter = ballot["voterId"]?.GetValue<string>() ?? "";
        var units = ((history.Count > 0 ? history[0]["roll"] : null) as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(u => u["ownerId"]?.GetValue<string>() == voter
                || (u["coOwnerIds"] as JsonArray ?? []).Any(o => o?.GetValue<string>() == voter))
            .Select(u => u["unitId"]!.GetValue<string>())
            .ToList();
        if (units.Count == 1)
        {
            ballot["unitId"] = units[0];
            return null;
        }

        return units.Count == 0
            ? $"{voter} holds no unit on the roll: name the unit, e.g. 'A-101 {voter} yes'"
            : $"{voter} holds {units.Count} units ({string.Join(", ", units)}): name the one voted for, e.g. '{units[0]} {voter} yes'";
    }
}
