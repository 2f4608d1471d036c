using CaseLedger.Core;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace CaseLedger.Audit;

/// <summary>
/// One entry of the cross-case audit trail: one per event of any case, saying what happened, when,
/// who acted, on whose behalf, through which channel and, for decisions, under which rule version.
/// Everything in it comes from the event and its metadata, so a rebuild reproduces it exactly.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>The event's id.</summary>
    public Guid Id { get; init; }

    public Guid CaseId { get; init; }

    public string Kind { get; init; } = "";

    public string District { get; init; } = "";

    public long Version { get; init; }

    public long Sequence { get; init; }

    public DateTimeOffset Time { get; init; }

    public string? Actor { get; init; }

    /// <summary>The role the actor acted in (<c>resident</c>, <c>clerk</c>, ...), as the event records it.</summary>
    public string? Role { get; init; }

    public string? OnBehalfOf { get; init; }

    public string? Channel { get; init; }

    /// <summary>The partner institution the actor acted for, on a partner's steps.</summary>
    public string? Institution { get; init; }

    public string EventType { get; init; } = "";

    public string Summary { get; init; } = "";

    /// <summary>The rule version applied, on entries that record a decision.</summary>
    public string? Rule { get; init; }

    public static AuditEntry From(IEvent e, CaseKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(kinds);
        // A core event is shared by kinds: a case-wide event (a hand-over, a complaint) names the kind of its case
        // itself, a deadline's event in its header.
        var kind = e.Data is Core.Service.ICaseWideEvent wide ? kinds.Named(wide.Kind)
            : EventMetadata.Header(e, CaseHeaders.Kind) is { } named && kinds.Named(named) is { } stamped ? stamped
            : kinds.ForEventType(e.EventType);
        var description = Core.Service.ServiceEvents.Describe(e.Data) ?? kind?.Describe(e.Data) ?? DistrictSeals.Describe(e);
        var role = EventMetadata.Header(e, CaseHeaders.Role);
        var onBehalfOf = EventMetadata.Header(e, CaseHeaders.OnBehalfOf);
        return new AuditEntry
        {
            Id = e.Id,
            CaseId = e.StreamId,
            Kind = kind?.Name ?? (DistrictSeals.IsSeal(e.Data) ? "district-seal" : ""),
            District = e.TenantId,
            Version = e.Version,
            Sequence = e.Sequence,
            // As stored (whole microseconds), so a rebuilt entry is identical to the live one.
            Time = ChainHashing.ToStoredPrecision(e.Timestamp),
            Actor = e.UserName,
            Role = role,
            OnBehalfOf = onBehalfOf,
            Channel = EventMetadata.Header(e, CaseHeaders.Channel),
            Institution = EventMetadata.Header(e, CaseHeaders.Institution),
            EventType = e.EventTypeName,
            Summary = ActedFor(description?.Summary ?? e.EventTypeName, e.UserName, role, onBehalfOf),
            Rule = description is { IsDecision: true } ? EventMetadata.Header(e, CaseHeaders.Rule) : null,
        };
    }

    /// <summary>
    /// The entry's sentence: what happened, and, when someone acted for another person (proxy staff, a
    /// clerk entering a paper ballot), who did it, in which role, and for whom. The kind's line often
    /// names only the person the step was for ("O2 voted No"), and a reader of the trail should not have
    /// to look beside it to learn that staff cast it. Built from the event's metadata alone, as the rest.
    /// </summary>
    private static string ActedFor(string summary, string? actor, string? role, string? onBehalfOf)
    {
        if (string.IsNullOrWhiteSpace(onBehalfOf) || onBehalfOf == actor)
        {
            return summary;
        }

        var who = string.IsNullOrWhiteSpace(actor) ? "someone unnamed" : actor;
        return $"{summary} ({who}{(string.IsNullOrWhiteSpace(role) ? "" : $", {role},")} acted on behalf of {onBehalfOf})";
    }
}

/// <summary>Writes an <see cref="AuditEntry"/> for every appended event, in the append's transaction.</summary>
public sealed class AuditTrailProjection(CaseKinds kinds) : IProjection
{
    public const string Name = "AuditTrail";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            operations.Store(AuditEntry.From(e, kinds));
        }

        return Task.CompletedTask;
    }
}
