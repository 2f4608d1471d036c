using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.PropertyRegistrations;

/// <summary>Record that a step is done (the centre's, or a partner's own), with a note.</summary>
public sealed record CompleteStep(RegistrationStep Step, [property: MaxLength(InputLimits.Reason)] string Note);

/// <summary>Completing the steps of a case, in any order; the last required one completes the case.</summary>
public static class CompletingAStep
{
    public static readonly Refusal AlreadyCompleted = new("property_registration.already_completed");
    public static readonly Refusal StepNotRequired = new("property_registration.step_not_required");
    public static readonly Refusal StepAlreadyDone = new("property_registration.step_already_done");
    public static readonly Refusal PartnersOwnStep = new("property_registration.partners_own_step", RejectionKind.Forbidden);
    public static readonly Refusal NoteMissing = new("property_registration.note_missing", RejectionKind.Invalid);

    /// <summary>
    /// Completes <paramref name="command"/>'s step. A partner's step is done by the partner, through its
    /// own channel (the pipeline has checked the case names the partner's institution for it): the
    /// centre's staff do the centre's steps, one window clerk all of acceptance, fee and printing.
    /// </summary>
    public static Decision Decide(CompleteStep command, PropertyRegistration registration, Acting acting, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(acting);
        if (registration.Status == RegistrationStatus.Completed)
        {
            return Decision.Reject(AlreadyCompleted, "The registration is complete.");
        }

        if (string.IsNullOrWhiteSpace(command.Note) || !Enum.IsDefined(command.Step))
        {
            return Decision.Reject(NoteMissing, "Say which step and what was done.");
        }

        if (registration.Steps.FirstOrDefault(s => s.Step == command.Step) is not { } step)
        {
            return Decision.Reject(StepNotRequired, $"This case does not require {command.Step}.");
        }

        if (step.Institution is not null && acting.Role != Role.Partner)
        {
            return Decision.Reject(PartnersOwnStep, $"{command.Step} is done by {step.Institution}, through its own channel.");
        }

        if (step.Done)
        {
            return Decision.Reject(StepAlreadyDone, $"{command.Step} is done already.");
        }

        var events = new List<object> { new StepCompleted(registration.Id, command.Step, step.Institution, command.Note.Trim(), now) };
        if (registration.Remaining.All(s => s == command.Step) && registration.Rules is { } rules)
        {
            var met = registration.Deadlines.Meet(registration.Id, Keys.SameDay, now);
            var elapsed = now - registration.AppliedAt;
            events.Add(new RegistrationCompleted(registration.Id, registration.AppliedAt, now,
                Math.Round((decimal)elapsed.TotalMinutes, 2, MidpointRounding.AwayFromZero), elapsed <= rules.FastestCompletion,
                met?.OnTime ?? false));
            if (met is not null)
            {
                events.Add(met);
            }
        }

        return Decision.Accept([.. events]);
    }
}
