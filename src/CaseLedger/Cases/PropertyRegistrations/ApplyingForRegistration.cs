using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Cases.PropertyRegistrations;

/// <summary>
/// Apply for a registration: whose property, which, what business, and the partner institutions the
/// case needs, each for its step (a bank for the mortgage registration, ...); none when it needs none.
/// </summary>
public sealed record ApplyForRegistration(
    [property: MaxLength(InputLimits.Id)] string Owner,
    [property: MaxLength(InputLimits.Id)] string PropertyId,
    RegistrationBusiness Business,
    [property: MaxLength(4)] IReadOnlyList<PartnerPart> Partners);

/// <summary>Applying for a registration: the steps it requires and its same-day promise.</summary>
public static class ApplyingForRegistration
{
    public static readonly Refusal NoRuleInForce = new("property_registration.no_rule_in_force");
    public static readonly Refusal ChannelNotTaken = new("property_registration.channel_not_taken");
    public static readonly Refusal DetailsMissing = new("property_registration.details_missing", RejectionKind.Invalid);
    public static readonly Refusal NotAPartnerStep = new("property_registration.not_a_partner_step", RejectionKind.Invalid);
    public static readonly Refusal PartnerStepTwice = new("property_registration.partner_step_twice", RejectionKind.Invalid);

    /// <summary>The steps partner institutions do; the others are the centre's.</summary>
    public static readonly IReadOnlyList<RegistrationStep> PartnerSteps =
        [RegistrationStep.MortgageRegistration, RegistrationStep.ProvidentFund, RegistrationStep.Notarisation, RegistrationStep.CourtRuling];

    /// <summary>The registration window, and online application 24 hours a day (the platform and its mini-programs).</summary>
    public static readonly IReadOnlyList<Channel> Intake =
        [Channel.ServiceWindow, Channel.OnlinePlatform, Channel.WeChatMiniProgram, Channel.AlipayMiniProgram, Channel.Proxy];

    public static Decision Decide(ApplyForRegistration command, Guid registrationId, Channel channel, DateTimeOffset now,
        PropertyRegistrationRules? rules, RuleBook book)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(book);
        if (rules is null)
        {
            return Decision.Reject(NoRuleInForce, "No registration rule of the centre is in force on this date.");
        }

        if (!Intake.Contains(channel))
        {
            return Decision.Reject(ChannelNotTaken, "Registrations are applied for at the window, online, or through help-and-handle staff.");
        }

        if (string.IsNullOrWhiteSpace(command.Owner) || string.IsNullOrWhiteSpace(command.PropertyId) || !Enum.IsDefined(command.Business)
            || command.Partners is null || command.Partners.Any(p => p is null || string.IsNullOrWhiteSpace(p.Institution) || !Enum.IsDefined(p.Step)))
        {
            return Decision.Reject(DetailsMissing, "Say whose property, which, the business, and for each partner its step and institution.");
        }

        if (command.Partners.FirstOrDefault(p => !PartnerSteps.Contains(p.Step)) is { } centre)
        {
            return Decision.Reject(NotAPartnerStep, $"{centre.Step} is the centre's step; partners do: {string.Join(", ", PartnerSteps)}.");
        }

        if (command.Partners.GroupBy(p => p.Step).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return Decision.Reject(PartnerStepTwice, $"One institution does {twice.Key}: name it once.");
        }

        var partners = command.Partners.Select(p => p with { Institution = p.Institution.Trim() }).ToList();
        var steps = rules.CentreSteps.Concat(partners.Select(p => p.Step)).Distinct().ToList();
        var applied = new RegistrationApplied(registrationId, command.Owner.Trim(), command.PropertyId.Trim(), command.Business, steps, partners,
            channel, rules, now);
        return Decision.Accept([applied, DeadlineBook.Set(registrationId, Keys.SameDay, "Complete the registration", rules.SameDay, rules.Rule, now, book)]);
    }
}
