using System.Globalization;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;

namespace CaseLedger.Cases.CoFunding;

/// <summary>
/// What a co-funding decision knows of the renovation vote a project references, read from the vote's
/// <see cref="VoteTally"/> by the pipeline before deciding (a declared fact), so the decision itself stays pure.
/// </summary>
public sealed record VoteReference(Guid VoteId, string CompoundId, VotingRoute Route, VoteStatus Status, VoteOutcome? Outcome, decimal? ApprovedAmount = null)
{
    public static VoteReference From(VoteTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        return new VoteReference(tally.Id, tally.CompoundId, tally.Route, tally.Status, tally.FinalOutcome, tally.Proposal.Amount);
    }

    /// <summary>The referenced vote as its read model stands now; null when none is referenced or none exists under that id.</summary>
    public static async Task<VoteReference?> ReadAsync(Guid? voteId, IFactReader reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return voteId is { } id && await reader.LoadAsync<VoteTally>(id, ct) is { } tally ? From(tally) : null;
    }
}

/// <summary>The clauses of the co-funding rule, each evaluated with its reason.</summary>
public static class Eligibility
{
    public static readonly Refusal VoteAmountExceeded = new("co_funding.vote_amount_exceeded");
    public static readonly Refusal VoteFailed = new("co_funding.vote_failed");
    public static readonly Refusal VoteMissing = new("co_funding.vote_missing");
    public static readonly Refusal VoteNotDecided = new("co_funding.vote_not_decided");
    public static readonly Refusal VoteNotFound = new("co_funding.vote_not_found");
    public static readonly Refusal VoteOtherCompound = new("co_funding.vote_other_compound");

    public const string BuiltYearsClause = "co-funding.built-years";
    public const string MaintenanceFundClause = "co-funding.maintenance-fund";
    public const string VoteClause = "co-funding.renovation-vote";
    public const string CompletedClause = "co-funding.completed";
    public const string AuditedClause = "co-funding.audited-cost";
    public const string RuleInForceClause = "co-funding.rule-in-force";
    public const string OneAwardClause = "co-funding.one-award";
    public const string GrantRoundingClause = "co-funding.grant.rounding";
    public const string SplitRoundingClause = "co-funding.split.rounding";
    public const string AdjustmentClause = "co-funding.adjustment";

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
        if (maintenanceFundSpend <= 0)
        {
            // A vote that is referenced anyway must at least be a real vote of this compound.
            if (voteId is not null && (vote is null || vote.CompoundId != compoundId))
            {
                return (new CriterionResult(VoteClause, requirement, false, $"vote {voteId} is not a vote of this compound"),
                    VoteNotFound.Because($"No renovation vote {voteId} of compound '{compoundId}' exists in this district."));
            }

            return (new CriterionResult(VoteClause, requirement, true, "no maintenance-fund money is spent, so no vote is needed"), null);
        }

        if (voteId is null)
        {
            return (new CriterionResult(VoteClause, requirement, false, "no vote referenced"),
                VoteMissing.Because($"The project spends {Yuan(maintenanceFundSpend)} of the maintenance fund: reference the owners' renovation vote that approved it."));
        }

        if (vote is null)
        {
            return (new CriterionResult(VoteClause, requirement, false, $"vote {voteId} not found"),
                VoteNotFound.Because($"No renovation vote {voteId} exists in this district."));
        }

        if (vote.CompoundId != compoundId)
        {
            return (new CriterionResult(VoteClause, requirement, false, $"vote {vote.VoteId} was for compound {vote.CompoundId}"),
                VoteOtherCompound.Because($"Vote {vote.VoteId} was held in compound '{vote.CompoundId}', not '{compoundId}'."));
        }

        if (vote.Status != VoteStatus.Decided)
        {
            return (new CriterionResult(VoteClause, requirement, false, $"vote {vote.VoteId} is still open"),
                VoteNotDecided.Because($"Vote {vote.VoteId} has not been decided yet."));
        }

        if (vote.Outcome != VoteOutcome.Passed)
        {
            return (new CriterionResult(VoteClause, requirement, false, $"vote {vote.VoteId} failed"),
                VoteFailed.Because($"Vote {vote.VoteId} did not pass, so the maintenance fund cannot be spent on this project."));
        }

        if (vote.ApprovedAmount is { } approved && maintenanceFundSpend > approved)
        {
            return (new CriterionResult(VoteClause, requirement, false,
                    $"vote {vote.VoteId} approved {Yuan(approved)}, the project spends {Yuan(maintenanceFundSpend)} of the fund"),
                VoteAmountExceeded.Because($"Vote {vote.VoteId} approved a spend of {Yuan(approved)}; the project would spend {Yuan(maintenanceFundSpend)} of the maintenance fund."));
        }

        var how = vote.Route == VotingRoute.Simplified ? "approved by the owners' committee (simplified route)" : "passed by the owners";
        return (new CriterionResult(VoteClause, requirement, true, $"vote {vote.VoteId} {how}"), null);
    }

    /// <summary>Whether a version of the rule was in force on the day of registration.</summary>
    public static CriterionResult OfRuleInForce(CoFundingRules? rules, DateTimeOffset now) =>
        new(RuleInForceClause, "a version of the co-funding rule is in force on the day the project is registered",
            rules is not null, rules is not null ? $"registered under {rules.Rule}" : $"no version in force on {now:yyyy-MM-dd}");

    /// <summary>Whether the works passed completion acceptance, which the audit and the award both wait for.</summary>
    public static CriterionResult OfCompletion(string? acceptanceReference) =>
        new(CompletedClause, "the works passed completion acceptance",
            acceptanceReference is not null, acceptanceReference is { } acceptance ? $"acceptance {acceptance}" : "not accepted yet");

    /// <summary>Whether the final cost has been audited, the only cost a grant is computed on.</summary>
    public static CriterionResult OfAudit(decimal? auditedCost) =>
        new(AuditedClause, "the grant is computed on the audited final cost, not the estimate",
            auditedCost is not null, auditedCost is { } cost ? $"audited at {Yuan(cost)}" : "not audited yet");

    /// <summary>One award per project: met while no grant has been decided.</summary>
    public static CriterionResult OfOneAward(Grant? decided) =>
        new(OneAwardClause, "one award per project: a later audit adjusts it, never a second award",
            decided is null, decided is null ? "no grant decided yet" : $"a grant of {Yuan(decided.Total)} has already been decided");

    /// <summary>
    /// How a grant was worked out from the audited cost and split between city and district: each part
    /// is a clause that is met when it fell between two fen and was rounded, and not met when it came
    /// out in whole fen, so scenarios can show both sides of the rounding rule.
    /// </summary>
    public static IReadOnlyList<CriterionResult> OfGrant(decimal auditedCost, Grant grant, CoFundingRules rules)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(rules);
        var exact = auditedCost * rules.Rate;
        var cityExact = grant.Total * rules.CityShare;
        var rounding = Rounding(rules.Rounding);
        return
        [
            new(GrantRoundingClause,
                Invariant($"the grant is {rules.Rate:0.##%} of the audited cost; when that falls between two fen it is rounded to the fen {rounding}"),
                exact != grant.Total,
                exact != grant.Total
                    ? Invariant($"{rules.Rate:0.##%} of {Yuan(auditedCost)} is {exact:#,0.00##########} yuan, rounded {rounding} to {Yuan(grant.Total)}")
                    : Invariant($"{rules.Rate:0.##%} of {Yuan(auditedCost)} is exactly {Yuan(grant.Total)}")),
            new(SplitRoundingClause,
                Invariant($"the city pays {rules.CityShare:0.##%} of the grant, rounded the same way when it falls between two fen, and the district the rest"),
                cityExact != grant.City,
                (cityExact != grant.City
                    ? Invariant($"{rules.CityShare:0.##%} of {Yuan(grant.Total)} is {cityExact:#,0.00##########} yuan, rounded {rounding} to {Yuan(grant.City)} for the city")
                    : Invariant($"{rules.CityShare:0.##%} of {Yuan(grant.Total)} is exactly {Yuan(grant.City)} for the city"))
                + $"; the district pays the rest, {Yuan(grant.District)}"),
        ];
    }

    /// <summary>Whether a revised audit after the award moves the grant, so that an adjustment is due.</summary>
    public static CriterionResult OfAdjustment(decimal previousCost, decimal revisedCost, Grant previous, Grant revised)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(revised);
        const string requirement = "a revised audit after the award that moves the grant is settled by an adjustment (top-up or claw-back), never an edit";
        var difference = revised.Total - previous.Total;
        return difference == 0
            ? new(AdjustmentClause, requirement, false,
                $"revised from {Yuan(previousCost)} to {Yuan(revisedCost)}: the grant stays {Yuan(previous.Total)}, nothing to adjust")
            : new(AdjustmentClause, requirement, true,
                $"revised from {Yuan(previousCost)} to {Yuan(revisedCost)}: the grant moves from {Yuan(previous.Total)} to {Yuan(revised.Total)}, " +
                (difference > 0 ? $"a top-up of {Yuan(difference)}" : $"a claw-back of {Yuan(-difference)}"));
    }

    private static string Rounding(MidpointRounding rounding) => rounding switch
    {
        MidpointRounding.AwayFromZero => "half away from zero",
        MidpointRounding.ToEven => "half to even",
        MidpointRounding.ToZero => "toward zero",
        MidpointRounding.ToNegativeInfinity => "down",
        MidpointRounding.ToPositiveInfinity => "up",
        _ => rounding.ToString(),
    };

    /// <summary>The grant on an audited cost: rate × cost rounded to the fen, the city's share rounded likewise, the district's the rest.</summary>
    public static Grant GrantOn(decimal auditedCost, CoFundingRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var total = Math.Round(auditedCost * rules.Rate, 2, rules.Rounding);
        var city = Math.Round(total * rules.CityShare, 2, rules.Rounding);
        return new Grant(total, city, total - city);
    }

    internal static string Yuan(decimal amount) => amount.ToString("#,0.00 'yuan'", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
