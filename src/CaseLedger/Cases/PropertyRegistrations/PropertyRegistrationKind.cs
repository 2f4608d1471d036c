using CaseLedger.Core;
using CaseLedger.Core.Summaries;

namespace CaseLedger.Cases.PropertyRegistrations;

/// <summary>
/// Property registration with partner institutions, declared once: its events under stable names, its
/// state (also its read model) with its same-day deadline, the application (at the window or online) and
/// the completion of each step, the centre's by its staff and each partner's by that partner only, what a
/// partner sees of a case, and the completion times and same-day rate.
/// </summary>
public sealed class PropertyRegistrationKind : CaseKind<PropertyRegistration>
{
    public const string KindName = "property-registration";

    public PropertyRegistrationKind()
        : base(KindName, "property-registrations", PropertyRegistrationRules.RuleId, PropertyRegistrationProjection.Evolve)
    {
        Label = "Property registration";
        Title = "A real-estate registration whose steps, the centre's and its partner institutions', complete in any order, the same day";

        Event<RegistrationApplied>("property_registration.applied.v1",
            e => new($"{e.Business} of property {e.PropertyId} applied for through {e.Channel}; steps: {string.Join(", ", e.RequiredSteps)}"));
        Event<StepCompleted>("property_registration.step_completed.v1",
            e => new($"{e.Step} done{(e.Institution is null ? "" : $" by {e.Institution}")}"));
        Event<RegistrationCompleted>("property_registration.completed.v1",
            e => new($"Registration complete in {e.Minutes} minutes{(e.AtTheFastest ? ", at the fastest" : "")}{(e.SameDay ? ", the same day" : ", not the same day")}",
                IsDecision: true));
        KeepsDeadlinesWith();

        View<PropertyRegistration>(PropertyRegistrationProjection.Evolve)
            .NewestFirstBy(r => r.AppliedAt)
            .FilteredBy("status", r => r.Status)
            .Indexed(r => r.Owner)
            // A partner's worklist: the cases whose steps name its institution.
            .IndexedForContainment(r => r.Steps);

        Opens<ApplyForRegistration>("Apply for a registration at the window or online, naming the partner institution for each partner step the case needs; " +
                "it is promised the same day")
            .AllowedFor(Role.Resident, Role.Clerk, Role.Proxy)
            .ForPerson(application => application.Owner)
            .Decides((command, context) => ApplyingForRegistration.Decide(command, context.CaseId, context.Acting.Channel, context.Now,
                context.Rules.TryInForce<PropertyRegistrationRules>(RuleId, context.Now), context.Rules))
            .Replays<RegistrationApplied>(e => new ApplyForRegistration(e.Owner, e.PropertyId, e.Business, e.Partners), e => e.AppliedAt);
        On<CompleteStep>("steps", "Record a step done: the centre's by its staff, a partner's by the institution the case names for it")
            .AllowedFor(Role.Clerk)
            .AllowedForPartnerNamedIn((command, registration) => registration.PartnerFor(command.Step))
            .Decides((command, registration, context) => CompletingAStep.Decide(command, registration, context.Acting, context.Now))
            .Replays<StepCompleted>(e => new CompleteStep(e.Step, e.Note), e => e.CompletedAt);

        // An owner reads their own cases, at any hour: the registration status of their property.
        ResidentsRead(async (session, registration, person, ct) =>
            (await session.LoadAsync<PropertyRegistration>(registration, ct))?.Owner == person);
        // A partner reads only its own steps of the cases that name it.
        PartnersRead<PropertyRegistration, PartnerRegistrationView>(PropertyRegistrationProjection.ForPartner);

        PartnerQuery("property-registrations/partnered", "A partner institution's worklist: the cases that name it, each with its own steps only, newest first",
            async (session, institution, context, ct) => await PropertyRegistrationReadings.PartneredAsync(session, institution, context.Page, ct),
            QueryPaging.NewestFirst(PropertyRegistrationReadings.PartneredList));
        OwnQuery("property-registrations/mine", "An owner's look-up of their properties' registration status: their own cases, newest first",
            async (session, owner, context, ct) => await PropertyRegistrationReadings.OwnAsync(session, owner, context.Page, ct),
            QueryPaging.NewestFirst(PropertyRegistrationReadings.OwnList));
        Query("property-registrations/completion-times", "Each completed case's completion time, at the fastest or not, the same day or not, newest application first, a page at a time",
            async (session, _, context, ct) => await PropertyRegistrationReadings.CompletionTimesAsync(session, context.Page, ct),
            QueryPaging.NewestFirst(PropertyRegistrationReadings.CompletionList));
        Summarizes<PropertyRegistration>(PropertyRegistrationReadings.SameDayName, PropertyRegistrationReadings.SameDayOf);
        PeriodQuery("property-registrations/same-day-rate",
            "Per day of application: cases applied, completed the same day, the rate, and at the fastest (from, to: days, yyyy-MM-dd)",
            PeriodGrain.Day, async (session, period, _, ct) => await PropertyRegistrationReadings.SameDayAsync(session, period, ct));
    }
}
