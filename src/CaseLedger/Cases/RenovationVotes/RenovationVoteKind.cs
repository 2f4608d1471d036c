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
