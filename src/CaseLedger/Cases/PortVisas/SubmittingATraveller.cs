using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.PortVisas;

/// <summary>
/// Submit one traveller of a travel agency's group: the group's reference (the same for all its
/// travellers), the agency, the flight, who travels, how the visa is handled, and the fee the agency
/// adds to the visa, which must be none.
/// </summary>
public sealed record SubmitTraveller(
    [property: MaxLength(InputLimits.Reference)] string GroupId,
    [property: MaxLength(InputLimits.Id)] string Agency,
    [property: MaxLength(InputLimits.Reference)] string Flight,
    [property: MaxLength(InputLimits.Name)] string TravellerName,
    [property: MaxLength(InputLimits.Id)] string PassportNumber,
    [property: MaxLength(InputLimits.Id)] string Nationality,
    VisaHandling Handling,
    decimal VisaFee);

/// <summary>Submitting a traveller, and the no-fee rule every visa is held to.</summary>
public static class SubmittingATraveller
{
    public static readonly Refusal NoRuleInForce = new("port_visa.no_rule_in_force");
    public static readonly Refusal DetailsMissing = new("port_visa.details_missing", RejectionKind.Invalid);
    public static readonly Refusal FeeNotAllowed = new("port_visa.fee_not_allowed");

    public const string NoFee = "port-visa.no-fee";

    public static Decision Decide(SubmitTraveller command, Guid travellerId, Channel channel, DateTimeOffset now, PortVisaRules? rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (rules is null)
        {
            return Decision.Reject(NoRuleInForce, "No port visa rule is in force on this date.");
        }

        if (new[] { command.GroupId, command.Agency, command.Flight, command.TravellerName, command.PassportNumber, command.Nationality }
                .Any(string.IsNullOrWhiteSpace) || !Enum.IsDefined(command.Handling))
        {
            return Decision.Reject(DetailsMissing, "Say the group, the agency, the flight, the traveller's name, passport and nationality, and how the visa is handled.");
        }

        if (FeeRefused(command.VisaFee, rules, "the travel agency") is { } refused)
        {
            return refused;
        }

        return Decision.Accept(new TravellerSubmitted(travellerId, command.GroupId.Trim(), command.Agency.Trim(), command.Flight.Trim(),
            command.TravellerName.Trim(), command.PassportNumber.Trim(), command.Nationality.Trim(), command.Handling, channel, rules, now,
            [NoFeeClause(command.VisaFee, rules, "the travel agency")]));
    }

    /// <summary>Whether a fee was added to a visa, against the rule's maximum (none): the clause, met or not.</summary>
    public static CriterionResult NoFeeClause(decimal fee, PortVisaRules rules, string addedBy)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return new CriterionResult(NoFee, "no fee is added to a visa", fee <= rules.MaximumFee,
            string.Create(CultureInfo.InvariantCulture, $"{addedBy} added {fee:0.00}; at most {rules.MaximumFee:0.00}"));
    }

    /// <summary>The refusal of a visa carrying a fee, with the no-fee clause not met; null when it carries none.</summary>
    public static Decision? FeeRefused(decimal fee, PortVisaRules rules, string addedBy)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (fee < 0)
        {
            return Decision.Reject(DetailsMissing, "A fee is never negative; a visa carries none.");
        }

        var clause = NoFeeClause(fee, rules, addedBy);
        return clause.Met
            ? null
            : Decision.Reject(FeeNotAllowed, string.Create(CultureInfo.InvariantCulture,
                $"No fee may be added to a port visa ({NoFee}): {addedBy} added {fee:0.00}.")).WithClauses([clause]);
    }
}
