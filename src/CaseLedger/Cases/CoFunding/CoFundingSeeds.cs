using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Cases.CoFunding;

/// <summary>
/// Reads demo projects from <c>seeds/co-funding/*.json</c> and replays each step through the kind's own
/// decisions at the time it records.
/// </summary>
public static class CoFundingSeeds
{
    public sealed record SeedFile(string District, IReadOnlyList<SeedProject> Projects);

    public sealed record SeedStep(string Actor, Channel Channel, DateTimeOffset At)
    {
        public Acting Acting => new(Actor, Channel);
    }

    public sealed record SeedAudit(string Actor, DateTimeOffset At, decimal AuditedCost, string Reference);

    public sealed record SeedProject(
        Guid ProjectId,
        Compound Compound,
        string Description,
        decimal EstimatedCost,
        IReadOnlyList<Funding> Funding,
        Guid? RenovationVoteId,
        SeedStep Registered,
        SeedStep? Started,
        SeedStep? Completed,
        string? AcceptanceReference,
        IReadOnlyList<SeedAudit>? Audits,
        SeedStep? Awarded,
        IReadOnlyList<SeedStep>? Settled);

    public static async Task<int> LoadAsync(IDocumentStore store, RuleBook rules, string folder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        var count = 0;
        await foreach (var (path, file) in SeedFiles.ReadAsync<SeedFile>(folder, ct))
        {
            foreach (var project in file.Projects)
            {
                await LoadProjectAsync(store, rules, file.District, project, path, ct);
                count++;
            }
        }

        return count;
    }

    private static async Task LoadProjectAsync(IDocumentStore store, RuleBook rules, string district, SeedProject p, string path, CancellationToken ct)
    {
        async Task Run(Func<IDocumentSession, Task<CommandOutcome>> step)
        {
            await using var session = store.LightweightSession(district);
            var outcome = await step(session);
            if (outcome.Rejection is { } rejection)
            {
                throw new InvalidDataException($"{path}: project {p.ProjectId} could not be replayed: {rejection.Code}: {rejection.Reason}");
            }
        }

        Task Step(SeedStep? step, Func<CoFundingProject, DateTimeOffset, Decision> decide) =>
            step is null
                ? Task.CompletedTask
                : Run(session => CaseCommands.ExecuteAsync<CoFundingProject>(session, p.ProjectId, null, step.Acting, project => decide(project, step.At), ct));

        var register = new RegisterProject(p.ProjectId, p.Compound, p.Description, p.EstimatedCost, p.Funding, p.RenovationVoteId);
        await Run(async session =>
        {
            var vote = p.RenovationVoteId is { } voteId && await session.LoadAsync<VoteTally>(voteId, ct) is { } tally ? VoteReference.From(tally) : null;
            return await CaseCommands.StartAsync<CoFundingProject>(session, p.ProjectId, p.Registered.Acting,
                () => RegisteringAProject.Decide(register, vote, p.Registered.Channel, p.Registered.At,
                    rules.TryInForce<CoFundingRules>(CoFundingRules.RuleId, p.Registered.At)), ct);
        });
        await Step(p.Started, (project, at) => AdvancingAProject.Decide(new StartProject(p.ProjectId), project, at));
        await Step(p.Completed, (project, at) => AdvancingAProject.Decide(new CompleteProject(p.ProjectId, p.AcceptanceReference ?? ""), project, at));
        var audits = p.Audits ?? [];
        if (audits.Count > 0)
        {
            await Step(new SeedStep(audits[0].Actor, Channel.ServiceWindow, audits[0].At),
                (project, at) => AdvancingAProject.Decide(new AuditFinalCost(p.ProjectId, audits[0].AuditedCost, audits[0].Reference), project, at));
        }

        await Step(p.Awarded, (project, at) => AwardingTheGrant.Decide(new DecideAward(p.ProjectId), project, at));
        var settlements = p.Settled ?? [];
        if (settlements.Count > 0)
        {
            await Step(settlements[0], (project, at) => AwardingTheGrant.Decide(new SettleGrant(p.ProjectId, $"PAY-{p.ProjectId:N}"[..16]), project, at));
        }

        // A revised audit after the grant was paid: the adjustment and its settlement follow in time order.
        foreach (var audit in audits.Skip(1))
        {
            await Step(new SeedStep(audit.Actor, Channel.ServiceWindow, audit.At),
                (project, at) => AdvancingAProject.Decide(new AuditFinalCost(p.ProjectId, audit.AuditedCost, audit.Reference), project, at));
        }

        foreach (var settlement in settlements.Skip(1))
        {
            await Step(settlement, (project, at) => AwardingTheGrant.Decide(new SettleGrant(p.ProjectId, $"ADJ-{p.ProjectId:N}"[..16]), project, at));
        }
    }
}
