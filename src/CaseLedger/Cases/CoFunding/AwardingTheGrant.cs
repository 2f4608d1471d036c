using CaseLedger.Core;
using Marten;
using Wolverine;
using Wolverine.Attributes;

namespace CaseLedger.Cases.CoFunding;

/// <summary>Decide the grant on the audited cost.</summary>
public sealed record DecideAward(Guid ProjectId, long? ExpectedVersion = null);

/// <summary>Pay what is due, or record the recovery of what was overpaid after a claw-back.</summary>
public sealed record SettleGrant(Guid ProjectId, string PaymentReference, long? ExpectedVersion = null);

[WolverineHandler]
public static class AwardingTheGrant
{
    /// <summary>Decides under the rule version the project was registered with.</summary>
    public static Decision Decide(DecideAward command, CoFundingProject project, DateTimeOffset now) =>
        Decide(command, project, now, project.Rules);

    /// <summary>Decides under the given rule version (what-if replays pass a proposed one).</summary>
    public static Decision Decide(DecideAward command, CoFundingProject project, DateTimeOffset now, CoFundingRules rules) =>
        Judge(command, project, now, rules).Decision;

    /// <summary>The award decision under the project's rule version, with every clause it evaluated.</summary>
    public static Ruling Judge(DecideAward command, CoFundingProject project, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(project);
        return Judge(command, project, now, project.Rules);
    }

    /// <summary>The award decision under the given rule version, with every clause it evaluated, refusals included.</summary>
    public static Ruling Judge(DecideAward command, CoFundingProject project, DateTimeOffset now, CoFundingRules rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(rules);
        var oneAward = Eligibility.OfOneAward(project.Grant);
        if (!oneAward.Met)
        {
            return new(Decision.Reject("co_funding.already_awarded", "The grant has been decided; a revised audit adjusts it."), [oneAward]);
        }

        var criteria = Eligibility.OfCompound(project.Compound, rules)
            .Concat(project.Eligibility.Where(c => c.Clause == Eligibility.VoteClause))
            .Append(Eligibility.OfCompletion(project.AcceptanceReference))
            .Append(Eligibility.OfAudit(project.AuditedCost))
            .ToList();
        var unmet = criteria.Where(c => !c.Met).ToList();
        if (unmet.Count > 0)
        {
            var kind = unmet.Any(c => c.Clause is Eligibility.BuiltYearsClause or Eligibility.MaintenanceFundClause or Eligibility.VoteClause)
                ? "co_funding.ineligible"
                : "co_funding.not_ready";
            return new(Decision.Reject(kind, "No grant: " + string.Join("; ", unmet.Select(c => $"{c.Requirement} ({c.Detail})")) + "."),
                [oneAward, .. criteria]);
        }

        var cost = project.AuditedCost!.Value;
        var grant = Eligibility.GrantOn(cost, rules);
        var computation = Eligibility.OfGrant(cost, grant, rules);
        return new(Decision.Accept(new AwardDecided(project.Id, cost, rules.Rate, grant, criteria, rules.Rule, now, [oneAward, .. computation])),
            [oneAward, .. criteria, .. computation]);
    }

    public static Decision Decide(SettleGrant command, CoFundingProject project, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(project);
        if (string.IsNullOrWhiteSpace(command.PaymentReference))
        {
            return Decision.Reject("co_funding.payment_reference_missing", "Give the payment or recovery reference.", RejectionKind.Invalid);
        }

        if (project.Grant is not { } grant)
        {
            return Decision.Reject("co_funding.not_awarded", "No grant has been decided, so nothing is due.");
        }

        var due = grant.Minus(project.Settled);
        return due.Total == 0
            ? Decision.Reject("co_funding.nothing_due", "The grant is settled: nothing is due either way.")
            : Decision.Accept(new GrantSettled(project.Id, due, command.PaymentReference.Trim(), now));
    }

    public static Task<CommandOutcome> Handle(DecideAward command, IDocumentSession session, TimeProvider clock, Envelope envelope, CancellationToken ct) =>
        CaseCommands.ExecuteAsync<CoFundingProject>(session, command.ProjectId, command.ExpectedVersion, Acting.FromEnvelope(envelope),
            project => Decide(command, project, clock.GetUtcNow()), ct);

    public static Task<CommandOutcome> Handle(SettleGrant command, IDocumentSession session, TimeProvider clock, Envelope envelope, CancellationToken ct) =>
        CaseCommands.ExecuteAsync<CoFundingProject>(session, command.ProjectId, command.ExpectedVersion, Acting.FromEnvelope(envelope),
            project => Decide(command, project, clock.GetUtcNow()), ct);
}
