using System.Text.Json.Serialization;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.RenovationVotes;

// The renovation vote: owners of a compound vote on spending the special maintenance fund
// (Civil Code art. 278). This file holds the kind's events and its write-side state.

public enum BallotChoice
{
    Yes,
    No,
    /// <summary>Counts as taking part, not as consent.</summary>
    Abstain,
}

public enum VotingRoute
{
    /// <summary>All owners vote; counted by area and by headcount.</summary>
    FullVote,
    /// <summary>A spend under the small-project limit: the owners' committee decides without a full vote.</summary>
    Simplified,
}

public enum VoteStatus
{
    Open,
    Decided,
}

public enum VoteOutcome
{
    Passed,
    Failed,
}

/// <summary>
/// One exclusive unit on the roll: its owner (and co-owners, who together count as one), and its
/// exclusive floor area in m² with two decimals.
/// </summary>
public sealed record RollEntry(string UnitId, string OwnerId, decimal Area, IReadOnlyList<string>? CoOwnerIds = null)
{
    [JsonIgnore]
    public IEnumerable<string> Owners => CoOwnerIds is null ? [OwnerId] : [OwnerId, .. CoOwnerIds];
}

/// <summary>What the fund would be spent on, and how much (yuan).</summary>
public sealed record Proposal(string Description, decimal Amount);

// ---- Events -----------------------------------------------------------------------------------

/// <summary>
/// A vote was opened and its route chosen. <paramref name="Criteria"/> holds the route decision as a
/// clause (<see cref="OpeningAVote.SmallProjectLimitClause"/>, met when the simplified route applies);
/// votes opened before it was recorded have none, and their route follows from the amount and the
/// recorded rule's limit.
/// </summary>
public sealed record RenovationVoteOpened(
    Guid VoteId,
    string CompoundId,
    string CompoundName,
    Proposal Proposal,
    IReadOnlyList<RollEntry> Roll,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    VotingRoute Route,
    string RouteReason,
    RenovationVoteRules Rules,
    Channel Channel,
    DateTimeOffset OpenedAt,
    IReadOnlyList<CriterionResult>? Criteria = null) : IOpensCase, IRecordsClauses
{
    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Criteria ?? [];
}

/// <summary>
/// A ballot was cast or changed. The member (the owner, or the co-owners, with all their units) it
/// counts for, that member's area, and the choice it replaces are recorded, so tallies can be kept
/// from the events alone.
/// </summary>
public sealed record BallotCast(
    Guid VoteId,
    string UnitId,
    string VoterId,
    BallotChoice Choice,
    string MemberId,
    decimal MemberArea,
    BallotChoice? Replaces,
    DateTimeOffset CastAt);

public sealed record BallotWithdrawn(
    Guid VoteId,
    string UnitId,
    string VoterId,
    string MemberId,
    decimal MemberArea,
    BallotChoice Withdrawn,
    DateTimeOffset WithdrawnAt);

/// <summary>The vote was counted and decided under the rule the case was opened with.</summary>
public sealed record RenovationVoteClosed(
    Guid VoteId,
    VoteOutcome Outcome,
    VoteCount Count,
    IReadOnlyList<CriterionResult> Criteria,
    RuleRef Rule,
    DateTimeOffset ClosedAt) : IRecordsClauses
{
    [JsonIgnore]
    public IEnumerable<CriterionResult> Clauses => Criteria;
}

/// <summary>On the simplified route, the owners' committee decided.</summary>
public sealed record CommitteeDecisionRecorded(
    Guid VoteId,
    VoteOutcome Outcome,
    string Note,
    RuleRef Rule,
    DateTimeOffset DecidedAt);

// ---- State ------------------------------------------------------------------------------------

/// <summary>
/// One unit of a vote's roll, written once when the vote opens: who may vote for it and which member
/// it counts for. A ballot reads its unit's document, never the whole roll.
/// </summary>
public sealed record VoteUnit(string Id, Guid VoteId, string UnitId, IReadOnlyList<string> Owners, string MemberId)
{
    /// <summary>The id of the unit's member's document, stored with the unit so both are read in one query.</summary>
    public string MemberDocumentId => VoteMember.IdFor(VoteId, MemberId);

    public static string IdFor(Guid voteId, string unitId) => $"{voteId:N}/{unitId}";
}

/// <summary>A voting member (one owner, or co-owners, counted once however many units they hold) and their standing ballot.</summary>
public sealed record VoteMember(string Id, Guid VoteId, string MemberId, decimal Area, BallotChoice? Ballot)
{
    public static string IdFor(Guid voteId, string memberId) => $"{voteId:N}/{memberId}";
}

/// <summary>
/// The write-side state of a vote, kept as a small inline snapshot: its rule, route, window, status
/// and running count. The roll lives in <see cref="VoteUnit"/> and <see cref="VoteMember"/> documents,
/// so a ballot rewrites only what it changes.
/// </summary>
public sealed record RenovationVote : ICaseState
{
    public Guid Id { get; init; }

    public string CompoundId { get; init; } = "";

    public required RenovationVoteRules Rules { get; init; }

    [JsonIgnore]
    public RuleRef Rule => Rules.Rule;

    public VotingRoute Route { get; init; }

    public DateTimeOffset OpensAt { get; init; }

    public DateTimeOffset ClosesAt { get; init; }

    public VoteStatus Status { get; init; }

    public VoteCount Count { get; init; } = VoteCount.Empty;
}

/// <summary>Folds a vote's events into its write-side state, and writes its roll as one document per unit and member.</summary>
public static class RenovationVoteProjection
{
    /// <summary>Folds a vote's events into its write-side state.</summary>
    public static RenovationVote? Evolve(RenovationVote? state, object @event) => (state, @event) switch
    {
        (null, RenovationVoteOpened e) => new RenovationVote
        {
            Id = e.VoteId,
            CompoundId = e.CompoundId,
            Rules = e.Rules,
            Route = e.Route,
            OpensAt = e.OpensAt,
            ClosesAt = e.ClosesAt,
            Status = VoteStatus.Open,
            Count = VoteCount.OfRoll(e.Roll),
        },
        (not null, BallotCast e) => state with { Count = state.Count.Recast(e.MemberArea, e.Replaces, e.Choice) },
        (not null, BallotWithdrawn e) => state with { Count = state.Count.Recast(e.MemberArea, e.Withdrawn, null) },
        (not null, RenovationVoteClosed) => state with { Status = VoteStatus.Decided },
        (not null, CommitteeDecisionRecorded) => state with { Status = VoteStatus.Decided },
        _ => state,
    };

    /// <summary>The unit documents of the roll, written when the vote opens.</summary>
    public static IEnumerable<VoteUnit> UnitDocuments(object @event)
    {
        if (@event is not RenovationVoteOpened e)
        {
            yield break;
        }

        var memberOf = Membership.Group(e.Roll);
        foreach (var unit in e.Roll)
        {
            yield return new VoteUnit(VoteUnit.IdFor(e.VoteId, unit.UnitId), e.VoteId, unit.UnitId, unit.Owners.ToList(), memberOf[unit.UnitId]);
        }
    }

    /// <summary>The member documents: every member when the vote opens, then a member's standing ballot after each ballot.</summary>
    public static IEnumerable<VoteMember> MemberDocuments(object @event) => @event switch
    {
        RenovationVoteOpened e => Membership.Group(e.Roll) is var memberOf
            ? e.Roll.GroupBy(u => memberOf[u.UnitId])
                .Select(m => new VoteMember(VoteMember.IdFor(e.VoteId, m.Key), e.VoteId, m.Key, m.Sum(u => u.Area), null))
            : [],
        BallotCast e => [new VoteMember(VoteMember.IdFor(e.VoteId, e.MemberId), e.VoteId, e.MemberId, e.MemberArea, e.Choice)],
        BallotWithdrawn e => [new VoteMember(VoteMember.IdFor(e.VoteId, e.MemberId), e.VoteId, e.MemberId, e.MemberArea, null)],
        _ => [],
    };
}

/// <summary>
/// Who counts as one owner for the headcount. The judicial interpretation of art. 278 counts one per
/// exclusive unit, except that one owner of several units counts once; co-owners of a unit count as
/// one. Units that share any owner therefore fall into one member (connected owners are merged).
/// </summary>
public static class Membership
{
    /// <summary>
    /// Maps each unit id to its member id: the smallest (ordinal) owner id of the member's owners, which
    /// is unique because every owner belongs to exactly one member.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Group(IReadOnlyList<RollEntry> roll)
    {
        ArgumentNullException.ThrowIfNull(roll);
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);

        string Find(string owner)
        {
            while (parent[owner] != owner)
            {
                parent[owner] = parent[parent[owner]];
                owner = parent[owner];
            }

            return owner;
        }

        foreach (var owner in roll.SelectMany(u => u.Owners))
        {
            parent.TryAdd(owner, owner);
        }

        foreach (var unit in roll)
        {
            var owners = unit.Owners.ToList();
            foreach (var other in owners.Skip(1))
            {
                var a = Find(owners[0]);
                var b = Find(other);
                if (a != b)
                {
                    parent[b] = a;
                }
            }
        }

        var memberIds = parent.Keys
            .GroupBy(Find)
            .ToDictionary(g => g.Key, g => g.Min(StringComparer.Ordinal)!);
        return roll.ToDictionary(u => u.UnitId, u => memberIds[Find(u.OwnerId)]);
    }
}
