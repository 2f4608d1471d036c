using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.CoFunding;

/// <summary>Decide the grant on the audited cost.</summary>
public sealed record DecideAward;

/// <summary>Pay what is due, or record the recovery of what was overpaid after a claw-back.</summary>
public sealed record SettleGrant([property: MaxLength(InputLimits.Reference)] string PaymentReference);

/// <summary>The grant: deciding it once on the audited cost, and settling what is due.</summary>
public static class AwardingTheGrant
{
    public static readonly Refusal AlreadyAwarded = new("co_funding.already_awarded");
    public static readonly Refusal Ineligible = new("co_funding.ineligible");
    public static readonly Refusal NotReady = new("co_funding.not_ready");
    public static readonly Refusal NotAwarded = new("co_funding.not_awarded");
    public static readonly Refusal NothingDue = new("co_funding.nothing_due");
    public static readonly Refusal PaymentReferenceMissing = new("co_funding.payment_reference_missing", RejectionKind.Invalid);

    /// <summary>
    /// Decides the grant under the rule version the project was registered with (a what-if replay
    /// registers it under a proposed one). A refusal carries the clauses that refused it.
    /// </summary>
    public static Decision Decide(DecideAward command, CoFundingProject project, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(project);
        var rules = project.Rules;
        var oneAward = Eligibility.OfOneAward(project.Grant);
        if (!oneAward.Met)
        {
            return Decision.Reject(AlreadyAwarded, "The grant has been decided; a revised audit adjusts it.").WithClauses([oneAward]);
        }

        var criteria = Eligibility.OfCompound(project.Compound, rules)
            .Concat(project.Eligibility.Where(c => c.Clause == Eligibility.VoteClause))
            .Append(Eligibility.OfCompletion(project.AcceptanceReference))
            .Append(Eligibility.OfAudit(project.AuditedCost))
            .ToList();
        var unmet = criteria.Where(c => !c.Met).ToList();
        if (unmet.Count > 0)
        {
            var refusal = unmet.Any(c => c.Clause is Eligibility.BuiltYearsClause or Eligibility.MaintenanceFundClause or Eligibility.VoteClause)
                ? Ineligible
                : NotReady;
            return Decision.Reject(refusal, "No grant: " + string.Join("; ", unmet.Select(c => $"{c.Requirement} ({c.Detail})")) + ".")
                .WithClauses([oneAward, .. criteria]);
        }

        var cost = project.AuditedCost!.Value;
        var grant = Eligibility.GrantOn(cost, rules);
        var computation = Eligibility.OfGrant(cost, grant, rules);
        return Decision.Accept(new AwardDecided(project.Id, cost, rules.Rate, grant, criteria, rules.Rule, now, [oneAward, .. computation]));
    }

    public static Decision Decide(SettleGrant command, CoFundingProject project, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(project);
        if (string.IsNullOrWhiteSpace(command.PaymentReference))
        {
            return Decision.Reject(PaymentReferenceMissing, "Give the payment or recovery reference.");
        }

        if (project.Grant is not { } grant)
        {
            return Decision.Reject(NotAwarded, "No grant has been decided, so nothing is due.");
        }

        var due = grant.Minus(project.Settled);
        return due.Total == 0
            ? Decision.Reject(NothingDue, "The grant is settled: nothing is due either way.")
            : Decision.Accept(new GrantSettled(project.Id, due, command.PaymentReference.Trim(), now));
    }
}
