using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.CoFunding;

/// <summary>
/// Register a renovation project of a compound for co-funding. <paramref name="RenovationVoteId"/>
/// names the owners' renovation vote that approved spending the maintenance fund; a project paid
/// from other money references none.
/// </summary>
public sealed record RegisterProject(
    Compound Compound,
    [property: MaxLength(InputLimits.Description)] string Description,
    decimal EstimatedCost,
    [property: MaxLength(InputLimits.FundingLines)] IReadOnlyList<Funding> Funding,
    Guid? RenovationVoteId = null);

/// <summary>Registering a project: the compound's eligibility and the vote behind a maintenance-fund spend.</summary>
public static class RegisteringAProject
{
    public static readonly Refusal CompoundMissing = new("co_funding.compound_missing", RejectionKind.Invalid);
    public static readonly Refusal DescriptionMissing = new("co_funding.description_missing", RejectionKind.Invalid);
    public static readonly Refusal EstimateInvalid = new("co_funding.estimate_invalid", RejectionKind.Invalid);
    public static readonly Refusal FundingAmountInvalid = new("co_funding.funding_amount_invalid", RejectionKind.Invalid);
    public static readonly Refusal FundingMissing = new("co_funding.funding_missing", RejectionKind.Invalid);
    public static readonly Refusal FundingSourceRepeated = new("co_funding.funding_source_repeated", RejectionKind.Invalid);
    public static readonly Refusal FundingSourceUnknown = new("co_funding.funding_source_unknown", RejectionKind.Invalid);
    public static readonly Refusal HouseholdsNotPositive = new("co_funding.households_not_positive", RejectionKind.Invalid);
    public static readonly Refusal NoFundToSpend = new("co_funding.no_fund_to_spend", RejectionKind.Invalid);
    public static readonly Refusal NoRuleInForce = new("co_funding.no_rule_in_force");
    public static readonly Refusal YearBuiltInvalid = new("co_funding.year_built_invalid", RejectionKind.Invalid);

    /// <summary>
    /// Records the project with the compound's eligibility under the rule version given (the one in
    /// force on the day of registration; what-if replays pass a proposed one). A compound that does
    /// not qualify is still registered, with the reasons; a missing or failed vote is refused. Every
    /// clause evaluated comes with the decision, a refusal's included.
    /// </summary>
    public static Decision Decide(RegisterProject command, Guid projectId, VoteReference? vote, Channel channel, DateTimeOffset now, CoFundingRules? rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        var inForce = Eligibility.OfRuleInForce(rules, now);
        if (rules is null)
        {
            return Decision.Reject(NoRuleInForce, $"No co-funding programme was in force on {now:yyyy-MM-dd}.")
                .WithClauses([inForce]);
        }

        if (Validate(command) is { } invalid)
        {
            return Decision.Reject(invalid).WithClauses([inForce]);
        }

        var compound = command.Compound with { Id = command.Compound.Id.Trim(), Name = command.Compound.Name.Trim() };
        var ofCompound = Eligibility.OfCompound(compound, rules);
        var fundSpend = command.Funding.Where(f => f.Source == FundingSource.MaintenanceFund).Sum(f => f.Amount);
        if (fundSpend > 0 && !compound.HasMaintenanceFund)
        {
            return Decision.Reject(NoFundToSpend, "The compound has no maintenance fund, so no maintenance-fund money can be listed.")
                .WithClauses([inForce, .. ofCompound]);
        }

        var (voteResult, refused) = Eligibility.OfVote(compound.Id, fundSpend, command.RenovationVoteId, vote);
        var criteria = ofCompound.Append(voteResult).ToList();
        if (refused is not null)
        {
            return Decision.Reject(refused).WithClauses([inForce, .. criteria]);
        }

        return Decision.Accept(new ProjectRegistered(projectId, compound,
                command.Description.Trim(), command.EstimatedCost, command.Funding, command.RenovationVoteId,
                criteria.TrueForAll(c => c.Met), criteria, rules, channel, now))
            .WithClauses([inForce, .. criteria]);
    }

    private static Rejection? Validate(RegisterProject command)
    {
        if (command.Compound is null || string.IsNullOrWhiteSpace(command.Compound.Id) || string.IsNullOrWhiteSpace(command.Compound.Name))
        {
            return CompoundMissing.Because("Name the compound: its id and its name.");
        }

        if (command.Compound.YearBuilt is < 1900 or > 2100)
        {
            return YearBuiltInvalid.Because($"{command.Compound.YearBuilt} is not a plausible year of construction.");
        }

        if (command.Compound.Households <= 0)
        {
            return HouseholdsNotPositive.Because("A compound has at least one household.");
        }

        if (string.IsNullOrWhiteSpace(command.Description))
        {
            return DescriptionMissing.Because("Describe the renovation.");
        }

        if (command.EstimatedCost <= 0 || decimal.Round(command.EstimatedCost, 2) != command.EstimatedCost)
        {
            return EstimateInvalid.Because("The estimated cost is a positive amount in yuan with at most two decimals.");
        }

        if (command.Funding is null || command.Funding.Count == 0)
        {
            return FundingMissing.Because("List where the money comes from.");
        }

        foreach (var funding in command.Funding)
        {
            if (funding is null || !Enum.IsDefined(funding.Source))
            {
                return FundingSourceUnknown.Because("Every funding line names a known source.");
            }

            if (funding.Amount <= 0 || decimal.Round(funding.Amount, 2) != funding.Amount)
            {
                return FundingAmountInvalid.Because($"The {funding.Source} amount must be positive, in yuan with at most two decimals.");
            }
        }

        if (command.Funding.GroupBy(f => f.Source).Any(g => g.Count() > 1))
        {
            return FundingSourceRepeated.Because("List each funding source once.");
        }

        return null;
    }
}
