using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>Close the vote at or after the end of its window and decide it.</summary>
public sealed record CloseVote;

/// <summary>On the simplified route, record what the owners' committee decided.</summary>
public sealed record RecordCommitteeDecision(bool Approved, [property: MaxLength(InputLimits.Reason)] string Note);

public static class ClosingAVote
{
    public static readonly Refusal Closed = new("renovation_vote.closed");
    public static readonly Refusal FullVoteRoute = new("renovation_vote.full_vote_route");
    public static readonly Refusal NoteMissing = new("renovation_vote.note_missing", RejectionKind.Invalid);
    public static readonly Refusal SimplifiedRoute = new("renovation_vote.simplified_route");
    public static readonly Refusal WindowStillOpen = new("renovation_vote.window_still_open");

    /// <summary>Counts under the rule version the vote was opened with (a what-if replay opens it under a proposed one).</summary>
    public static Decision Decide(CloseVote command, VoteTally vote, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(vote);
        if (vote.Route == VotingRoute.Simplified)
        {
            return Decision.Reject(SimplifiedRoute, "This spend takes the simplified route: record the owners' committee decision instead of closing a vote.");
        }

        if (vote.Status != VoteStatus.Open)
        {
            return Decision.Reject(Closed, "The vote has already been closed and decided.");
        }

        if (now < vote.ClosesAt)
        {
            return Decision.Reject(WindowStillOpen, $"The voting window runs until {vote.ClosesAt:u}; close it at or after then.");
        }

        var (outcome, criteria) = Counting.Evaluate(vote.Count, vote.Rules);
        return Decision.Accept(new RenovationVoteClosed(vote.Id, outcome, vote.Count, criteria, vote.Rule, now));
    }

    public static Decision Decide(RecordCommitteeDecision command, VoteTally vote, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(vote);
        if (vote.Route != VotingRoute.Simplified)
        {
            return Decision.Reject(FullVoteRoute, "This spend is not below the small-project limit: the owners vote, the committee cannot decide alone.");
        }

        if (vote.Status != VoteStatus.Open)
        {
            return Decision.Reject(Closed, "The committee decision has already been recorded.");
        }

        if (string.IsNullOrWhiteSpace(command.Note))
        {
            return Decision.Reject(NoteMissing, "Record the committee's minute or reference with its decision.");
        }

        return Decision.Accept(new CommitteeDecisionRecorded(vote.Id,
            command.Approved ? VoteOutcome.Passed : VoteOutcome.Failed, command.Note.Trim(), vote.Rule, now));
    }
}
