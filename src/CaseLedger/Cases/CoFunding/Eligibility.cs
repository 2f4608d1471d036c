using System.Globalization;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;

namespace CaseLedger.Cases.CoFunding;

/// <summary>
/// What a co-funding decision knows of the renovation vote a project references, read from the vote's
/// <see cref="VoteTally"/> by the handler and passed in, so the decision itself stays pure.
/// </summary>
public sealed record VoteReference(Guid VoteId, string CompoundId, VotingRoute Route, VoteStatus Status, VoteOutcome? Outcome, decimal? ApprovedAmount = null)
{
    public static VoteReference From(VoteTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        return new VoteReference(tally.Id, tally.CompoundId, tally.Route, tally.Status, tally.FinalOutcome, tally.Proposal.Amount);
    }
}

/// <summary>The clauses of the co-funding rule, each evaluated with its reason.</summary>
public static class Eligibility
{
    public const string BuiltYearsClause = "co-funding.built-years";
    public const string MaintenanceFundClause = "co-funding.maintenance-fund";
    public const string VoteClause = "co-funding.renovation-vote";
    public const string CompletedClause = "co-funding.completed";
    public const string AuditedClause = "co-funding.audited-cost";

    /// <summary>Whether the compound qualifies: the years it was built in and its maintenance fund.</summary>
    public static IReadOnlyList<CriterionResult> OfCompound(Compound compound, CoFundingRules rules)
    {
        ArgumentNullException.ThrowIfNull(compound);
        ArgumentNullException.ThrowIfNull(rules);
        var criteria = new List<CriterionResult>
        {
            new(BuiltYearsClause,
                $"the compound was built in {rules.BuiltFrom}-{rules.BuiltUntil} (inclusive)",
                compound.YearBuilt >= rules.BuiltFrom && compound.YearBuilt <= rules.BuiltUntil,
                $"built in {compound.YearBuilt}"),
        };
        if (rules.MaintenanceFundRequired)
        {
            criteria.Add(new(MaintenanceFundClause,
                "the compound has collected a special maintenance fund",
                compound.HasMaintenanceFund,
                compound.HasMaintenanceFund ? "has a maintenance fund" : "has no maintenance fund"));
        }

        return criteria;
    }

    /// <summary>
    /// A project that spends the maintenance fund needs a renovation vote of the same compound that
    /// passed, by the owners or, on the simplified route, by the owners' committee. Null means the
    /// reference is acceptable; otherwise the rejection says why.
    /// </summary>
    public static (CriterionResult Result, Rejection? Rejection) OfVote(
        string compoundId, decimal maintenanceFundSpend, Guid? voteId, VoteReference? vote)
    {
        const string requirement = "a project spending the maintenance fund references a renovation vote of its compound that passed";
        Rejection Refuse(string code, string reason) => new($"co_funding.{code}", reason);

        if (maintenanceFundSpend <= 0)
        {
            // A vote that is referenced anyway must at least be a real vote of this compound.
            if (voteId is not null && (vote is null || vote.CompoundId != compoundId))
            {
                return (new CriterionResult(VoteClause, requirement, false, $"vote {voteId} is not a vote of this compound"),
                    Refuse("vote_not_found", $"No renovation vote {voteId} of compound '{compoundId}' exists in this district."));
            }

            return (new CriterionResult(VoteClause, requirement, true, "no maintenance-fund money is spent, so no vote is needed"), null);
        }

        if (voteId is null)
        {
            return (new CriterionResult(VoteClause, requirement, false, "no vote referenced"),
                Refuse("vote_missing", $"The project spends {Yuan(maintenanceFundSpend)} of the maintenance fund: reference the owners' renovation vote that approved it."));
        }

        if (vote is null)
        {
            return (new CriterionResult(VoteClause, requirement, false, $"vote {voteId} not found"),
                Refuse("vote_not_found", $"No renovation vote {voteId} exists in this district."));
        }

        if (vote.CompoundId != compoundId)
        {
            return (new CriterionResult(VoteClause, requirement, false, $"vote {vote.VoteId} was for compound {vote.CompoundId}"),
                Refuse("vote_other_compound", $"Vote {vote.VoteId} was held in compound '{vote.CompoundId}', not '{compoundId}'."));
        }

        if (vote.Status != VoteStatus.Decided)
        {
            return (new CriterionResult(VoteClause, requirement, false, $"vote {vote.VoteId} is still open"),
                Refuse("vote_not_decided", $"Vote {vote.VoteId} has not been decided yet."));
        }

        if (vote.Outcome != VoteOutcome.Passed)
        {
            return (new CriterionResult(VoteClause, requirement, false, $"vote {vote.VoteId} failed"),
                Refuse("vote_failed", $"Vote {vote.VoteId} did not pass, so the maintenance fund cannot be spent on this project."));
        }

        if (vote.ApprovedAmount is { } approved && maintenanceFundSpend > approved)
        {
            return (new CriterionResult(VoteClause, requirement, false,
                    $"vote {vote.VoteId} approved {Yuan(approved)}, the project spends {Yuan(maintenanceFundSpend)} of the fund"),
                Refuse("vote_amount_exceeded",
                    $"Vote {vote.VoteId} approved a spend of {Yuan(approved)}; the project would spend {Yuan(maintenanceFundSpend)} of the maintenance fund."));
        }

        var how = vote.Route == VotingRoute.Simplified ? "approved by the owners' committee (simplified route)" : "passed by the owners";
        return (new CriterionResult(VoteClause, requirement, true, $"vote {vote.VoteId} {how}"), null);
    }

    /// <summary>The grant on an audited cost: rate × cost rounded to the fen, the city's share rounded likewise, the district's the rest.</summary>
    public static Grant GrantOn(decimal auditedCost, CoFundingRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var total = Math.Round(auditedCost * rules.Rate, 2, rules.Rounding);
        var city = Math.Round(total * rules.CityShare, 2, rules.Rounding);
        return new Grant(total, city, total - city);
    }

    internal static string Yuan(decimal amount) => amount.ToString("#,0.00 'yuan'", CultureInfo.InvariantCulture);
}
