using CaseLedger.Core.Deadlines;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten.Events.Aggregation;
using Marten;

namespace CaseLedger.Core.Service;

/// <summary>One hand-over of a case between service levels, as its event recorded it.</summary>
public sealed record HandOver(ServiceLevel From, string FromOffice, ServiceLevel To, string ToOffice, string Reason, DateTimeOffset At);

/// <summary>One complaint about a case, as its event recorded it.</summary>
public sealed record Complaint(string Complainant, string Text, DateTimeOffset At);

/// <summary>One escalation of a case after a breach, as its event recorded it.</summary>
public sealed record Escalation(string Key, int Level, string To, string Reason, DateTimeOffset At);

/// <summary>
/// How a case of any kind was served: its kind, the level it was accepted at and where it is now, its
/// hand-overs, complaints, deadlines and escalations. Kept per case by an inline projection of the
/// kinds' opening events and the core's deadline and case-wide events, in the same transaction as
/// they are appended, so a rebuild reproduces it; the district's on-time rate and a case's deadlines
/// are read from it (time left is worked out when read, never stored).
/// </summary>
public sealed record CaseService
{
    /// <summary>The case's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The kind's name (<c>work-order</c>, ...).</summary>
    public string Kind { get; init; } = "";

    public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>
    /// The level the case was accepted at: where its first hand-over came from; the district centre
    /// when it was never handed over (a case is taken where it is handled unless a hand-over says otherwise).
    /// </summary>
    public ServiceLevel AcceptedAt { get; init; } = ServiceLevel.DistrictCentre;

    /// <summary>The level the case is at now: where its last hand-over went to.</summary>
    public ServiceLevel Level { get; init; } = ServiceLevel.DistrictCentre;

    public IReadOnlyList<HandOver> HandOvers { get; init; } = [];

    public IReadOnlyList<Complaint> Complaints { get; init; } = [];

    public IReadOnlyList<Escalation> Escalations { get; init; } = [];

    public DeadlineBook Deadlines { get; init; } = DeadlineBook.Empty;

    /// <summary>
    /// The earliest due time of a deadline still running and not yet breached; null when there is none.
    /// Stored with the document (and indexed) so the sweep and passing time find what falls due.
    /// </summary>
    public DateTimeOffset? NextDue => Deadlines.NextDue;

    /// <summary>
    /// Folds one event. <paramref name="kindOfOpening"/> names the kind whose opening event this is,
    /// if it is one; other events leave the kind as it was.
    /// </summary>
    public static CaseService? Fold(CaseService? current, Guid caseId, object e, Func<Type, string?> kindOfOpening)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(kindOfOpening);
        if (kindOfOpening(e.GetType()) is { } kind && e is IOpensCase opening)
        {
            return (current ?? new CaseService { Id = caseId }) with { Kind = kind, OpenedAt = opening.OpenedAt };
        }

        var service = current ?? new CaseService { Id = caseId };
        return e switch
        {
            CaseHandedOver h => service with
            {
                Kind = h.Kind,
                AcceptedAt = service.HandOvers.Count == 0 ? h.From : service.AcceptedAt,
                Level = h.To,
                HandOvers = [.. service.HandOvers, new HandOver(h.From, h.FromOffice, h.To, h.ToOffice, h.Reason, h.HandedOverAt)],
            },
            ComplaintRecorded c => service with
            {
                Kind = c.Kind,
                Complaints = [.. service.Complaints, new Complaint(c.Complainant, c.Complaint, c.RecordedAt)],
            },
            CaseEscalated x => service with { Escalations = [.. service.Escalations, new Escalation(x.Key, x.Level, x.To, x.Reason, x.EscalatedAt)] },
            IDeadlineEvent => service with { Deadlines = service.Deadlines.Apply(e) },
            _ => current,
        };
    }

    /// <summary>
    /// Keeps these documents with an inline projection of every kind's opening events and the core's
    /// deadline and case-wide events, indexed by kind.
    /// </summary>
    internal static void Register(StoreOptions options, CaseKinds kinds)
    {
        var openings = kinds.All
            .SelectMany(k => k.EventTypes.Where(t => typeof(IOpensCase).IsAssignableFrom(t)).Select(t => (Type: t, k.Name)))
            .ToDictionary(o => o.Type, o => o.Name);
        var types = openings.Keys.Concat(DeadlineEvents.All.Select(e => e.Type)).Concat(ServiceEvents.All.Select(e => e.Type)).Distinct();
        options.Projections.Add(new CaseServiceProjection(openings, types), ProjectionLifecycle.Inline);
        options.Schema.For<CaseService>().Index(s => s.Kind).Index(s => s.NextDue);
    }
}

/// <summary>Folds <see cref="CaseService"/> per case with its pure fold, keyed by the stream (an opening event does not carry its case id).</summary>
public sealed class CaseServiceProjection : SingleStreamProjection<CaseService, Guid>
{
    private readonly IReadOnlyDictionary<Type, string> _openings;

    internal CaseServiceProjection(IReadOnlyDictionary<Type, string> openings, IEnumerable<Type> eventTypes)
    {
        _openings = openings;
        foreach (var type in eventTypes)
        {
            IncludeType(type);
        }
    }

    public override CaseService? Evolve(CaseService? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return CaseService.Fold(snapshot, id, e.Data, t => _openings.GetValueOrDefault(t));
    }
}
