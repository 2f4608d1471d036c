using Marten;

namespace CaseLedger.Core.Service;

/// <summary>
/// The three levels a district serves at (domain brief): 258 village or community stations, 24
/// township or street centres, and the district centre. A case accepted at a lower level may be
/// handed up to a higher one.
/// </summary>
public enum ServiceLevel
{
    VillageStation,
    TownshipCentre,
    DistrictCentre,
}

/// <summary>
/// An event the core records on a case of any kind (a hand-over, a complaint), through the same
/// pipeline as the kind's own commands. It names the kind of the case it is about, so the audit trail
/// and the district's figures read the kind from the fact alone, as a rebuild does.
/// </summary>
public interface ICaseWideEvent
{
    Guid CaseId { get; }

    string Kind { get; }
}

/// <summary>
/// The case was handed from <paramref name="FromOffice"/> at <paramref name="From"/> to
/// <paramref name="ToOffice"/> at <paramref name="To"/>, for <paramref name="Reason"/>.
/// </summary>
public sealed record CaseHandedOver(
    Guid CaseId,
    string Kind,
    ServiceLevel From,
    string FromOffice,
    ServiceLevel To,
    string ToOffice,
    string Reason,
    DateTimeOffset HandedOverAt) : ICaseWideEvent;

/// <summary>
/// A complaint about the case, brought to the "window for things that could not be done" by
/// <paramref name="Complainant"/> and recorded by a clerk on their behalf.
/// </summary>
public sealed record ComplaintRecorded(Guid CaseId, string Kind, string Complainant, string Complaint, DateTimeOffset RecordedAt) : ICaseWideEvent;

/// <summary>The case-wide events' stable names and audit lines, the same for every kind.</summary>
public static class ServiceEvents
{
    internal static IEnumerable<(Type Type, string Name, Func<object, EventDescription> Describe)> All =>
    [
        (typeof(CaseHandedOver), "service.handed_over.v1", e => e is CaseHandedOver h
            ? new($"Handed over from {h.FromOffice} ({Words(h.From)}) to {h.ToOffice} ({Words(h.To)}): {h.Reason}")
            : new("")),
        (typeof(ComplaintRecorded), "service.complaint_recorded.v1", e => e is ComplaintRecorded c
            ? new($"Complaint recorded for {c.Complainant}: {c.Complaint}")
            : new("")),
    ];

    /// <summary>The audit line of a case-wide event; null for any other event.</summary>
    public static EventDescription? Describe(object data) =>
        All.FirstOrDefault(e => e.Type == data?.GetType()) is { Describe: { } describe } ? describe(data!) : null;

    /// <summary>The stable name of a case-wide event type; null for any other type.</summary>
    public static string? NameOf(Type eventType) => All.FirstOrDefault(e => e.Type == eventType).Name;

    /// <summary>A level as people say it.</summary>
    public static string Words(ServiceLevel level) => level switch
    {
        ServiceLevel.VillageStation => "village or community station",
        ServiceLevel.TownshipCentre => "township or street centre",
        ServiceLevel.DistrictCentre => "district centre",
        _ => level.ToString(),
    };

    internal static void Register(StoreOptions options)
    {
        foreach (var (type, name, _) in All)
        {
            options.Events.MapEventType(type, name);
        }
    }
}
