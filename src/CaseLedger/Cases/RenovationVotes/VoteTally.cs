using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>
/// The read model of a vote: participation and consent by area and headcount, the thresholds of the
/// rule version, the verdict so far and, once decided, the final decision with its reasons. Updated
/// in the same transaction as the events; built from the events alone.
/// </summary>
public sealed record VoteTally
{
    public Guid Id { get; init; }

    public string CompoundId { get; init; } = "";

    public string CompoundName { get; init; } = "";

    public Proposal Proposal { get; init; } = new("", 0);

    public Channel OpenedThrough { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public DateTimeOffset OpensAt { get; init; }

    public DateTimeOffset ClosesAt { get; init; }

    public VotingRoute Route { get; init; }

    public string RouteReason { get; init; } = "";

    public RuleRef Rule { get; init; } = new("", "");

    public required RenovationVoteRules Rules { get; init; }

    public int Units { get; init; }

    public VoteCount Count { get; init; } = VoteCount.Empty;

    /// <summary>Ballots recorded so far, changes and withdrawals included.</summary>
    public int BallotEvents { get; init; }

    public VoteStatus Status { get; init; }

    /// <summary>What the count would decide if the vote closed now.</summary>
    public VoteOutcome VerdictSoFar { get; init; }

    public IReadOnlyList<CriterionResult> CriteriaSoFar { get; init; } = [];

    public VoteOutcome? FinalOutcome { get; init; }

    public IReadOnlyList<CriterionResult> FinalReasons { get; init; } = [];

    public string? CommitteeNote { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public long Version { get; init; }

    /// <summary>Where the vote stands in one word: its outcome once decided, else open on its route.</summary>
    public string Verdict => FinalOutcome is { } outcome ? outcome.ToString() : $"Open ({Route})";

    /// <summary>The spend the decision approved: the proposal's amount once passed, else nothing.</summary>
    public decimal ApprovedSpend => FinalOutcome == VoteOutcome.Passed ? Proposal.Amount : 0m;
}

/// <summary>Folds a vote's events into its <see cref="VoteTally"/>.</summary>
public static class VoteTallyProjection
{
    public static VoteTally? Evolve(VoteTally? tally, object @event) => (tally, @event) switch
    {
        (null, RenovationVoteOpened e) => Recount(new VoteTally
        {
            Id = e.VoteId,
            CompoundId = e.CompoundId,
            CompoundName = e.CompoundName,
            Proposal = e.Proposal,
            OpenedThrough = e.Channel,
            OpenedAt = e.OpenedAt,
            OpensAt = e.OpensAt,
            ClosesAt = e.ClosesAt,
            Route = e.Route,
            RouteReason = e.RouteReason,
            Rule = e.Rule,
            Rules = e.Rules,
            Units = e.Roll.Count,
            Count = VoteCount.OfRoll(e.Roll),
            Status = VoteStatus.Open,
        }),
        (not null, BallotCast e) => Recount(tally with
        {
            Count = tally.Count.Recast(e.MemberArea, e.Replaces, e.Choice),
            BallotEvents = tally.BallotEvents + 1,
        }),
        (not null, BallotWithdrawn e) => Recount(tally with
        {
            Count = tally.Count.Recast(e.MemberArea, e.Withdrawn, null),
            BallotEvents = tally.BallotEvents + 1,
        }),
        (not null, RenovationVoteClosed e) => tally with
        {
            Status = VoteStatus.Decided,
            FinalOutcome = e.Outcome,
            FinalReasons = e.Criteria,
            DecidedAt = e.ClosedAt,
        },
        (not null, CommitteeDecisionRecorded e) => tally with
        {
            Status = VoteStatus.Decided,
            FinalOutcome = e.Outcome,
            CommitteeNote = e.Note,
            DecidedAt = e.DecidedAt,
        },
        _ => tally,
    };

    private static VoteTally Recount(VoteTally tally)
    {
        var (outcome, criteria) = Counting.Evaluate(tally.Count, tally.Rules);
        return tally with { VerdictSoFar = outcome, CriteriaSoFar = criteria };
    }
}
