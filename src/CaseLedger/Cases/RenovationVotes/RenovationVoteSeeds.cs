using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>
/// Reads demo votes from <c>seeds/renovation-votes/*.json</c> and replays them through the vote's own
/// decisions at the times they record, so seeded history is exactly what the live system would write.
/// </summary>
public static class RenovationVoteSeeds
{
    public sealed record SeedFile(string District, IReadOnlyList<SeedCompound> Compounds, IReadOnlyList<SeedVote> Votes);

    public sealed record SeedCompound(string Id, string Name, IReadOnlyList<RollEntry> Roll);

    public sealed record SeedStep(string Actor, Channel Channel, DateTimeOffset At, string? OnBehalfOf = null)
    {
        public Acting Acting => new(Actor, Channel, OnBehalfOf);
    }

    public sealed record SeedBallot(string UnitId, string VoterId, BallotChoice Choice, DateTimeOffset At, Channel Channel,
        string? Actor = null, string? OnBehalfOf = null)
    {
        public SeedStep Step => new(Actor ?? VoterId, Channel, At, OnBehalfOf);
    }

    public sealed record SeedCommitteeDecision(string Actor, Channel Channel, DateTimeOffset At, bool Approved, string Note);

    public sealed record SeedVote(
        Guid VoteId,
        string CompoundId,
        Proposal Proposal,
        DateTimeOffset OpensAt,
        DateTimeOffset ClosesAt,
        SeedStep OpenedBy,
        IReadOnlyList<SeedBallot>? Ballots,
        SeedStep? Close,
        SeedCommitteeDecision? CommitteeDecision);

    public static async Task<int> LoadAsync(IDocumentStore store, RuleBook rules, string folder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        var cases = 0;
        await foreach (var (path, file) in SeedFiles.ReadAsync<SeedFile>(folder, ct))
        {
            foreach (var vote in file.Votes)
            {
                await LoadVoteAsync(store, rules, file, vote, path, ct);
                cases++;
            }
        }

        return cases;
    }

    private static async Task LoadVoteAsync(IDocumentStore store, RuleBook rules, SeedFile file, SeedVote vote, string path, CancellationToken ct)
    {
        var compound = file.Compounds.FirstOrDefault(c => c.Id == vote.CompoundId)
            ?? throw new InvalidDataException($"{path}: vote {vote.VoteId} names unknown compound '{vote.CompoundId}'.");
        var open = new OpenVote(vote.VoteId, compound.Id, compound.Name, vote.Proposal, compound.Roll, vote.OpensAt, vote.ClosesAt);
        var opened = vote.OpenedBy;
        await Expect(path, vote, await Step(store, file.District, session => CaseCommands.StartAsync<RenovationVote>(
            session, vote.VoteId, opened.Acting,
            () => OpeningAVote.Decide(open, opened.Channel, opened.At, rules.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, opened.At)), ct)));

        foreach (var ballot in vote.Ballots ?? [])
        {
            var cast = new CastBallot(vote.VoteId, ballot.UnitId, ballot.VoterId, ballot.Choice);
            await Expect(path, vote, await Step(store, file.District, session => CaseCommands.ExecuteAsync<RenovationVote>(
                session, vote.VoteId, null, ballot.Step.Acting, state => CastingABallot.Decide(cast, state, ballot.At), ct)));
        }

        if (vote.Close is { } close)
        {
            await Expect(path, vote, await Step(store, file.District, session => CaseCommands.ExecuteAsync<RenovationVote>(
                session, vote.VoteId, null, close.Acting, state => ClosingAVote.Decide(new CloseVote(vote.VoteId), state, close.At), ct)));
        }

        if (vote.CommitteeDecision is { } committee)
        {
            var record = new RecordCommitteeDecision(vote.VoteId, committee.Approved, committee.Note);
            await Expect(path, vote, await Step(store, file.District, session => CaseCommands.ExecuteAsync<RenovationVote>(
                session, vote.VoteId, null, new Acting(committee.Actor, committee.Channel), state => ClosingAVote.Decide(record, state, committee.At), ct)));
        }
    }

    private static async Task<CommandOutcome> Step(IDocumentStore store, string district, Func<IDocumentSession, Task<CommandOutcome>> step)
    {
        await using var session = store.LightweightSession(district);
        return await step(session);
    }

    private static Task Expect(string path, SeedVote vote, CommandOutcome outcome) =>
        outcome.Rejection is { } rejection
            ? throw new InvalidDataException($"{path}: vote {vote.VoteId} could not be replayed: {rejection.Code}: {rejection.Reason}")
            : Task.CompletedTask;
}
