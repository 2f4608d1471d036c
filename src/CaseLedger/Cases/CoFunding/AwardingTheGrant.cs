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
            return Decision.Reject("co_funding.already_awarded", "The grant has been decided; a revised audit adjusts it.").WithClauses([oneAward]);
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
            return Decision.Reject(kind, "No grant: " + string.Join("; ", unmet.Select(c => $"{c.Requirement} ({c.Detail})")) + ".")
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
}
