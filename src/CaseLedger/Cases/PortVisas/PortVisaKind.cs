using CaseLedger.Core;
using CaseLedger.Core.Summaries;

namespace CaseLedger.Cases.PortVisas;

/// <summary>
/// Port visas on arrival, declared once. Each traveller of a travel agency's group is a case of its
/// own, opened with the group's reference: a flight of 300 travellers submitted at once writes 300
/// separate streams, so no submission waits on another's lock or loses a race (README, "Port visas").
/// </summary>
public sealed class PortVisaKind : CaseKind<Traveller>
{
    public const string KindName = "port-visa";

    public PortVisaKind()
        : base(KindName, "port-visas", PortVisaRules.RuleId, TravellerProjection.Evolve)
    {
        Label = "Port visa on arrival";
        Title = "A traveller of a travel agency's group applying for a port visa on arrival, decided alone and issued free of charge";

        Event<TravellerSubmitted>("port_visa.traveller_submitted.v1",
            e => new($"{e.Agency} submitted {e.TravellerName} ({e.Nationality}) of group {e.GroupId}, flight {e.Flight}, handled {Words(e.Handling)}"));
        Event<VisaIssued>("port_visa.issued.v1", e => new($"Visa {e.VisaNumber} issued free of charge, valid until {e.ValidUntil:yyyy-MM-dd}", IsDecision: true));
        Event<VisaRefused>("port_visa.refused.v1", e => new($"Visa refused: {e.Reason}", IsDecision: true));

        View<Traveller>(TravellerProjection.Evolve)
            .NewestFirstBy(t => t.SubmittedAt)
            .FilteredBy("group", t => t.GroupId)
            .FilteredBy("agency", t => t.Agency)
            .FilteredBy("status", t => t.Status)
            .FilteredBy("handling", t => t.Handling)
            .Indexed(t => t.GroupId)
            .Indexed(t => t.Agency);

        // A travel agency acts through its own credentials as proxy staff for each traveller (the
        // traveller's passport number as on behalf of), and names itself in the body; the port's
        // clerks may enter a traveller at the window too.
        Opens<SubmitTraveller>("Submit one traveller of a travel agency's group (the group's reference on each); no fee may be added")
            .AllowedFor(Role.Proxy, Role.Clerk)
            .ForPerson(t => t.PassportNumber)
            .Decides((command, context) => SubmittingATraveller.Decide(command, context.CaseId, context.Acting.Channel, context.Now,
                context.Rules.TryInForce<PortVisaRules>(RuleId, context.Now)))
            .Replays<TravellerSubmitted>(e => new SubmitTraveller(e.GroupId, e.Agency, e.Flight, e.TravellerName, e.PassportNumber, e.Nationality,
                e.Handling, 0m), e => e.SubmittedAt);
        On<IssueVisa>("issue", "Issue the traveller's visa, free of charge, valid for the rule's stay")
            .AllowedFor(Role.Clerk)
            .Decides((command, traveller, context) => DecidingAVisa.Decide(command, traveller, context.Now, context.Rules))
            .Replays<VisaIssued>(e => new IssueVisa(e.VisaNumber, 0m), e => e.IssuedAt);
        On<RefuseVisa>("refuse", "Refuse the traveller's visa, saying why")
            .AllowedFor(Role.Clerk)
            .Decides((command, traveller, context) => DecidingAVisa.Decide(command, traveller, context.Now))
            .Replays<VisaRefused>(e => new RefuseVisa(e.Reason), e => e.RefusedAt);

        Summarizes<Traveller>(PortVisaReadings.PerDayName, PortVisaReadings.PerDayOf);
        Summarizes<Traveller>(PortVisaReadings.PerAgencyName, PortVisaReadings.PerAgencyOf);
        Summarizes<Traveller>(PortVisaReadings.GroupsName, PortVisaReadings.GroupsOf);
        PeriodQuery("port-visas/per-day", "Travellers submitted, and visas issued and refused, per civil day (from, to: days, yyyy-MM-dd)",
            PeriodGrain.Day, async (session, period, _, ct) => await PortVisaReadings.PerDayAsync(session, period, ct));
        Query("port-visas/per-agency", "Each travel agency's groups and travellers, and where their visas stand",
            async (session, _, ct) => await PortVisaReadings.PerAgencyAsync(session, ct));
    }

    private static string Words(VisaHandling handling) => handling switch
    {
        VisaHandling.InAdvance => "in advance",
        VisaHandling.OnTheSpot => "on the spot",
        VisaHandling.SpecialCase => "as a special case",
        _ => handling.ToString(),
    };
}
