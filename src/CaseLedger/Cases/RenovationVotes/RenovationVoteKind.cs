using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Rules;
using JasperFx.Events.Projections;
using Marten;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>Registers the renovation vote: its event names, its snapshot and its tally.</summary>
public sealed class RenovationVoteKind : CaseKind
{
    public const string KindName = "renovation-vote";

    /// <summary>Stable, versioned names under which the events are stored; renaming a class never breaks history.</summary>
    public static readonly IReadOnlyDictionary<Type, string> EventNames = new Dictionary<Type, string>
    {
        [typeof(RenovationVoteOpened)] = "renovation_vote.opened.v1",
        [typeof(BallotCast)] = "renovation_vote.ballot_cast.v1",
        [typeof(BallotWithdrawn)] = "renovation_vote.ballot_withdrawn.v1",
        [typeof(RenovationVoteClosed)] = "renovation_vote.closed.v1",
        [typeof(CommitteeDecisionRecorded)] = "renovation_vote.committee_decision_recorded.v1",
    };

    public override string Name => KindName;

    public override Type StateType => typeof(RenovationVote);

    public override IEnumerable<Type> EventTypes => EventNames.Keys;

    public override EventDescription? Describe(object data) => data switch
    {
        RenovationVoteOpened e => new(string.Create(CultureInfo.InvariantCulture,
            $"Vote opened for {e.CompoundName}: {e.Proposal.Description}, {OpeningAVote.Yuan(e.Proposal.Amount)}; {e.Roll.Count} units; " +
            $"window {e.OpensAt:u} to {e.ClosesAt:u}; {(e.Route == VotingRoute.Simplified ? "simplified route (owners' committee)" : "full vote")}"), IsDecision: true),
        BallotCast e => new($"{e.VoterId} voted {e.Choice} for unit {e.UnitId}" + (e.Replaces is { } was ? $" (was {was})" : "")),
        BallotWithdrawn e => new($"{e.VoterId} withdrew the {e.Withdrawn} ballot for unit {e.UnitId}"),
        RenovationVoteClosed e => new($"Vote closed and {e.Outcome.ToString().ToLowerInvariant()}: " +
            string.Join("; ", e.Criteria.Select(c => $"{c.Requirement}: {(c.Met ? "met" : "not met")} ({c.Detail})")), IsDecision: true),
        CommitteeDecisionRecorded e => new($"Owners' committee {(e.Outcome == VoteOutcome.Passed ? "approved" : "rejected")} the spend: {e.Note}", IsDecision: true),
        _ => null,
    };

    /// <summary>Reads and runs renovation-vote scenario files (docs/scenarios/renovation-vote.md).</summary>
    public override Scenarios.IScenarioDriver? ScenarioDriver { get; } = new RenovationVoteScenarios();

    /// <summary>Replays closed votes' counts and every vote's route under a proposed rule version.</summary>
    public override IWhatIfReplay? WhatIf { get; } = new RenovationVoteWhatIf();

    public override object? View(IEnumerable<object> events) => Fold.Events<VoteTally>(VoteTallyProjection.Evolve, events);

    public override void Configure(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (type, name) in EventNames)
        {
            options.Events.MapEventType(type, name);
        }

        options.Projections.Add(new CaseProjection<RenovationVote>(RenovationVoteProjection.Evolve, EventNames.Keys), ProjectionLifecycle.Inline);
        options.Projections.Add(new CaseProjection<VoteTally>(VoteTallyProjection.Evolve, EventNames.Keys), ProjectionLifecycle.Inline);
        options.Schema.For<VoteTally>().Index(t => t.CompoundId);
    }

    public override Task<int> SeedAsync(IDocumentStore store, RuleBook rules, string seedsRoot, CancellationToken ct) =>
        RenovationVoteSeeds.LoadAsync(store, rules, Path.Combine(seedsRoot, "renovation-votes"), ct);
}

public static class RenovationVoteRegistration
{
    /// <summary>Adds the renovation vote case kind to a CaseLedger store.</summary>
    public static CaseLedgerStoreOptions AddRenovationVotes(this CaseLedgerStoreOptions ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.AddKind(new RenovationVoteKind());
    }
}
