using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>
/// A vote as its decisions read it and as people see it: its rule version with the thresholds, route,
/// window and status, participation and consent by area and headcount, the verdict so far and, once
/// decided, the final decision with its reasons. One small document, updated in the same transaction
/// as the events and built from the events alone; the roll lives in <see cref="VoteUnit"/> and
/// <see cref="MemberBallot"/> documents, so a ballot rewrites only what it changes.
/// </summary>
public sealed record VoteTally : ICaseState
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

    /// <summary>The rule version the vote is decided under: its thresholds are <see cref="Rules"/>.</summary>
    public RuleRef Rule => Rules.Rule;

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

/// <summary>Folds a vote's events into its <see cref="VoteTally"/>: the kind's state and its main read model.</summary>
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
