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
            return Decision.Reject("co_funding.no_rule_in_force", $"No co-funding programme was in force on {now:yyyy-MM-dd}.")
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
            return Decision.Reject("co_funding.no_fund_to_spend", "The compound has no maintenance fund, so no maintenance-fund money can be listed.", RejectionKind.Invalid)
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
        static Rejection Invalid(string code, string reason) => new($"co_funding.{code}", reason, RejectionKind.Invalid);

        if (command.Compound is null || string.IsNullOrWhiteSpace(command.Compound.Id) || string.IsNullOrWhiteSpace(command.Compound.Name))
        {
            return Invalid("compound_missing", "Name the compound: its id and its name.");
        }

        if (command.Compound.YearBuilt is < 1900 or > 2100)
        {
            return Invalid("year_built_invalid", $"{command.Compound.YearBuilt} is not a plausible year of construction.");
        }

        if (command.Compound.Households <= 0)
        {
            return Invalid("households_not_positive", "A compound has at least one household.");
        }

        if (string.IsNullOrWhiteSpace(command.Description))
        {
            return Invalid("description_missing", "Describe the renovation.");
        }

        if (command.EstimatedCost <= 0 || decimal.Round(command.EstimatedCost, 2) != command.EstimatedCost)
        {
            return Invalid("estimate_invalid", "The estimated cost is a positive amount in yuan with at most two decimals.");
        }

        if (command.Funding is null || command.Funding.Count == 0)
        {
            return Invalid("funding_missing", "List where the money comes from.");
        }

        foreach (var funding in command.Funding)
        {
            if (funding is null || !Enum.IsDefined(funding.Source))
            {
                return Invalid("funding_source_unknown", "Every funding line names a known source.");
            }

            if (funding.Amount <= 0 || decimal.Round(funding.Amount, 2) != funding.Amount)
            {
                return Invalid("funding_amount_invalid", $"The {funding.Source} amount must be positive, in yuan with at most two decimals.");
            }
        }

        if (command.Funding.GroupBy(f => f.Source).Any(g => g.Count() > 1))
        {
            return Invalid("funding_source_repeated", "List each funding source once.");
        }

        return null;
    }
}
