using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.RenovationVotes;

// The renovation vote: owners of a compound vote on spending the special maintenance fund
// (Civil Code art. 278). This file holds the kind's events and the roll's documents; the state is
// the vote's tally (VoteTally.cs).

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
public sealed record RollEntry(
    [property: MaxLength(InputLimits.Id)] string UnitId,
    [property: MaxLength(InputLimits.Id)] string OwnerId,
    decimal Area,
    [property: MaxLength(InputLimits.CoOwners)] IReadOnlyList<string>? CoOwnerIds = null)
{
    [JsonIgnore]
    public IEnumerable<string> Owners => CoOwnerIds is null ? [OwnerId] : [OwnerId, .. CoOwnerIds];
}

/// <summary>What the fund would be spent on, and how much (yuan).</summary>
public sealed record Proposal([property: MaxLength(InputLimits.Description)] string Description, decimal Amount);

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
    DateTimeOffset CastAt,
    IReadOnlyList<string>? MemberUnits = null)
{
    /// <summary>Every unit the member's ballot stands for; ballots recorded before this was kept name only their unit.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Units => MemberUnits ?? [UnitId];
}

public sealed record BallotWithdrawn(
    Guid VoteId,
    string UnitId,
    string VoterId,
    string MemberId,
    decimal MemberArea,
    BallotChoice Withdrawn,
    DateTimeOffset WithdrawnAt,
    IReadOnlyList<string>? MemberUnits = null)
{
    /// <summary>Every unit the member's ballot stood for; withdrawals recorded before this was kept name only their unit.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Units => MemberUnits ?? [UnitId];
}

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
/// One unit of a vote's roll, written once when the vote opens: who may vote for it, the voting
/// member it counts for (with the member's whole area and all the member's units). A ballot reads its
/// unit's document, never the whole roll.
/// </summary>
public sealed record VoteUnit(string Id, Guid VoteId, string UnitId, IReadOnlyList<string> Owners, string MemberId, decimal MemberArea,
    IReadOnlyList<string> MemberUnits)
{
    public static string IdFor(Guid voteId, string unitId) => $"{voteId:N}/{unitId}";
}

/// <summary>
/// The standing ballot of a unit's voting member, kept under each of the member's units, so a ballot
/// finds it by the unit it names, in the same round trip as the unit and the vote.
/// </summary>
public sealed record MemberBallot(string Id, Guid VoteId, string UnitId, string MemberId, BallotChoice? Ballot)
{
    public static string IdFor(Guid voteId, string unitId) => $"{voteId:N}/{unitId}";
}

/// <summary>Writes a vote's roll as one document per unit, and each member's standing ballot under each of the member's units.</summary>
public static class RenovationVoteProjection
{
    /// <summary>The unit documents of the roll, written when the vote opens.</summary>
    public static IEnumerable<VoteUnit> UnitDocuments(object @event)
    {
        if (@event is not RenovationVoteOpened e)
        {
            yield break;
        }

        var memberOf = Membership.Group(e.Roll);
        var members = e.Roll.GroupBy(u => memberOf[u.UnitId])
            .ToDictionary(m => m.Key, m => (Area: m.Sum(u => u.Area), Units: (IReadOnlyList<string>)m.Select(u => u.UnitId).ToList()));
        foreach (var unit in e.Roll)
        {
            var member = memberOf[unit.UnitId];
            yield return new VoteUnit(VoteUnit.IdFor(e.VoteId, unit.UnitId), e.VoteId, unit.UnitId, unit.Owners.ToList(), member,
                members[member].Area, members[member].Units);
        }
    }

    /// <summary>The members' standing ballots, under each of their units: none when the vote opens, then after each ballot.</summary>
    public static IEnumerable<MemberBallot> BallotDocuments(object @event) => @event switch
    {
        RenovationVoteOpened e => Membership.Group(e.Roll) is var memberOf
            ? e.Roll.Select(u => new MemberBallot(MemberBallot.IdFor(e.VoteId, u.UnitId), e.VoteId, u.UnitId, memberOf[u.UnitId], null))
            : [],
        BallotCast e => e.Units.Select(u => new MemberBallot(MemberBallot.IdFor(e.VoteId, u), e.VoteId, u, e.MemberId, e.Choice)),
        BallotWithdrawn e => e.Units.Select(u => new MemberBallot(MemberBallot.IdFor(e.VoteId, u), e.VoteId, u, e.MemberId, null)),
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
