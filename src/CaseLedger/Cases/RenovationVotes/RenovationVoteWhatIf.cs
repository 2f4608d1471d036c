using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>
/// Replays a vote's recorded decisions under a proposed version of the renovation-vote rule: the route
/// (the small-project limit, on the recorded amount at the recorded opening time) through
/// <see cref="OpeningAVote.Decide"/>, and the count (on the recorded ballots at the recorded closing
/// time) through <see cref="ClosingAVote.Decide(CloseVote, RenovationVote, DateTimeOffset, RenovationVoteRules)"/>.
/// </summary>
/// <remarks>
/// Outcomes read <c>Passed</c>, <c>Failed</c> or <c>Open</c> (not decided yet). When the proposed
/// version would send the spend down the other route, the proposed outcome is that route,
/// <c>Simplified</c> (the owners' committee would decide) or <c>FullVote</c> (the owners would vote):
/// the replay cannot know what that other body would have decided. Amounts are the spend a decision
/// approved (zero unless the outcome is <c>Passed</c>), so the report's totals compare the money
/// approved as recorded with the money the proposed version itself would have approved.
/// </remarks>
public sealed class RenovationVoteWhatIf : IWhatIfReplay
{
    public string RuleId => RenovationVoteRules.RuleId;

    public WhatIfCase? Replay(Guid caseId, string district, IReadOnlyList<object> events, RuleVersion proposed)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(proposed);
        if (events.OfType<RenovationVoteOpened>().FirstOrDefault() is not { } opened)
        {
            return null;
        }

        var rules = RuleBook.Parameters<RenovationVoteRules>(proposed);
        var closed = events.OfType<RenovationVoteClosed>().FirstOrDefault();
        var committee = events.OfType<CommitteeDecisionRecorded>().FirstOrDefault();

        // Votes opened before the route was recorded as a clause get it back from the same decision
        // under the rule they were opened with.
        var recordedRoute = opened.Criteria ?? Reopen(opened, opened.Rules).Criteria ?? [];
        var replayedOpening = Reopen(opened, rules);
        var recordedClauses = recordedRoute.Concat(closed?.Criteria ?? []).ToList();
        var replayedClauses = (replayedOpening.Criteria ?? []).ToList();

        var outcome = closed?.Outcome.ToString() ?? committee?.Outcome.ToString() ?? "Open";
        string proposedOutcome;
        if (replayedOpening.Route != opened.Route)
        {
            proposedOutcome = replayedOpening.Route.ToString();
        }
        else if (closed is not null)
        {
            var recount = Recount(opened, events, closed, rules);
            replayedClauses.AddRange(recount.Criteria);
            proposedOutcome = recount.Outcome.ToString();
        }
        else
        {
            // The committee's decision, or an open vote, does not depend on the vote's thresholds.
            proposedOutcome = outcome;
        }

        var changed = recordedClauses
            .Where(r => replayedClauses.Any(p => p.Clause == r.Clause && p.Met != r.Met))
            .Select(r => r.Clause)
            .Distinct()
            .ToList();
        var summary = $"{opened.CompoundName}: {opened.Proposal.Description}, {OpeningAVote.Yuan(opened.Proposal.Amount)}; " +
            $"{Describe(opened.Route, outcome)} under {opened.Rule}; under {proposed.Ref}: {Describe(replayedOpening.Route, proposedOutcome)}";
        return new WhatIfCase(caseId, district, summary, outcome, proposedOutcome,
            Approved(opened, outcome), Approved(opened, proposedOutcome), changed);
    }

    /// <summary>The opening decision again, with the recorded inputs, channel and time.</summary>
    private static RenovationVoteOpened Reopen(RenovationVoteOpened opened, RenovationVoteRules rules)
    {
        var command = new OpenVote(opened.VoteId, opened.CompoundId, opened.CompoundName, opened.Proposal, opened.Roll, opened.OpensAt, opened.ClosesAt);
        var decision = OpeningAVote.Decide(command, opened.Channel, opened.OpenedAt, rules);
        return decision.Events.OfType<RenovationVoteOpened>().FirstOrDefault()
            ?? throw new InvalidOperationException($"Vote {opened.VoteId} was opened, but re-deciding its opening was refused: {decision.Rejection}");
    }

    /// <summary>The close again: the vote as it stood just before it was closed, counted under the proposed rule at the recorded time.</summary>
    private static RenovationVoteClosed Recount(RenovationVoteOpened opened, IReadOnlyList<object> events, RenovationVoteClosed closed, RenovationVoteRules rules)
    {
        var before = Fold.Events<RenovationVote>(RenovationVoteProjection.Evolve, events.TakeWhile(e => !ReferenceEquals(e, closed)))
            ?? throw new InvalidOperationException($"Vote {opened.VoteId} has no state before it was closed.");
        var decision = ClosingAVote.Decide(new CloseVote(opened.VoteId), before, closed.ClosedAt, rules);
        return decision.Events.OfType<RenovationVoteClosed>().FirstOrDefault()
            ?? throw new InvalidOperationException($"Vote {opened.VoteId} was closed, but re-deciding its close was refused: {decision.Rejection}");
    }

    private static decimal Approved(RenovationVoteOpened opened, string outcome) =>
        outcome == nameof(VoteOutcome.Passed) ? opened.Proposal.Amount : 0m;

    private static string Describe(VotingRoute route, string outcome) => (route, outcome) switch
    {
        (VotingRoute.Simplified, nameof(VotingRoute.Simplified)) => "simplified route: the owners' committee would decide",
        (VotingRoute.FullVote, nameof(VotingRoute.FullVote)) => "full vote: the owners would vote",
        (VotingRoute.Simplified, "Open") => "simplified route, awaiting the owners' committee",
        (VotingRoute.FullVote, "Open") => "full vote still open",
        (VotingRoute.Simplified, _) => $"simplified route, committee decision {outcome.ToLowerInvariant()}",
        _ => $"full vote {outcome.ToLowerInvariant()}",
    };
}
