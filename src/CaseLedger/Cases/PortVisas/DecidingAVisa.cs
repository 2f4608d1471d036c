using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.PortVisas;

/// <summary>Issue the traveller's visa: the number of the visa printed, and the fee the window charges, which must be none.</summary>
public sealed record IssueVisa([property: MaxLength(InputLimits.Reference)] string VisaNumber, decimal Fee);

/// <summary>Refuse the traveller's visa, saying why.</summary>
public sealed record RefuseVisa([property: MaxLength(InputLimits.Reason)] string Reason);

/// <summary>Deciding one traveller: the visa issued (free, valid for the rule's stay), or refused with the reason.</summary>
public static class DecidingAVisa
{
    public static readonly Refusal AlreadyDecided = new("port_visa.already_decided");
    public static readonly Refusal ReasonMissing = new("port_visa.reason_missing", RejectionKind.Invalid);
    public static readonly Refusal VisaNumberMissing = new("port_visa.visa_number_missing", RejectionKind.Invalid);

    public const string DecidedOnce = "port-visa.decided-once";

    public static Decision Decide(IssueVisa command, Traveller traveller, DateTimeOffset now, RuleBook book)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(traveller);
        ArgumentNullException.ThrowIfNull(book);
        var rules = traveller.Rules!;
        if (Decided(traveller) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(command.VisaNumber))
        {
            return Decision.Reject(VisaNumberMissing, "Say the number of the visa issued.");
        }

        if (SubmittingATraveller.FeeRefused(command.Fee, rules, "the window") is { } feeRefused)
        {
            return feeRefused;
        }

        var issuedOn = DateOnly.FromDateTime(now.ToOffset(book.UtcOffset).DateTime);
        return Decision.Accept(new VisaIssued(traveller.Id, command.VisaNumber.Trim(), issuedOn.AddDays(rules.StayDays - 1), now,
            [Once(true, "issued"), SubmittingATraveller.NoFeeClause(command.Fee, rules, "the window")]));
    }

    public static Decision Decide(RefuseVisa command, Traveller traveller, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(traveller);
        if (Decided(traveller) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(command.Reason))
        {
            return Decision.Reject(ReasonMissing, "A refusal says why.").WithClauses([Once(false, "refused without a reason")]);
        }

        return Decision.Accept(new VisaRefused(traveller.Id, command.Reason.Trim(), now, [Once(true, "refused with its reason")]));
    }

    private static Decision? Decided(Traveller traveller) => traveller.Status == VisaStatus.Submitted
        ? null
        : Decision.Reject(AlreadyDecided, $"The traveller's visa was {traveller.Status.ToString().ToLowerInvariant()} already; each traveller is decided once.")
            .WithClauses([Once(false, $"already {traveller.Status.ToString().ToLowerInvariant()}")]);

    private static CriterionResult Once(bool met, string detail) =>
        new(DecidedOnce, "each traveller is decided once: issued, or refused with the reason", met, detail);
}
