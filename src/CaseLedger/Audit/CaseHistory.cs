using CaseLedger.Core;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Audit;

/// <summary>One event of a case as the history shows it: what happened, when, by whom, for whom, how.</summary>
public sealed record CaseEventView(
    long Version,
    long Sequence,
    string Type,
    DateTimeOffset Timestamp,
    string? Actor,
    string? OnBehalfOf,
    string? Channel,
    string? Rule,
    string? CorrelationId,
    string? CausationId,
    object Data)
{
    /// <summary>The role the actor acted in (<c>clerk</c>, <c>partner</c>, ...).</summary>
    public string? Role { get; init; }

    /// <summary>The partner institution the actor acted for, on a partner's steps.</summary>
    public string? Institution { get; init; }
}

/// <summary>A case's whole event history, for any kind.</summary>
public sealed record CaseHistory(Guid CaseId, string? Kind, string District, long Version, IReadOnlyList<CaseEventView> Events);

/// <summary>Reads a case's whole history, whatever its kind.</summary>
public static class CaseHistories
{
    /// <summary>Reads a case's events with their metadata; null when the district has no such case.</summary>
    public static async Task<CaseHistory?> ReadAsync(IQuerySession session, CaseKinds kinds, Guid caseId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(kinds);
        var state = await session.Events.FetchStreamStateAsync(caseId, ct);
        if (state is null)
        {
            return null;
        }

        var events = await session.Events.FetchStreamAsync(caseId, token: ct);
        return new CaseHistory(caseId, kinds.ForStateType(state.AggregateType)?.Name, session.TenantId, state.Version,
            events.Select(View).ToList());
    }

    public static CaseEventView View(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new CaseEventView(e.Version, e.Sequence, e.EventTypeName, e.Timestamp, e.UserName,
            EventMetadata.Header(e, CaseHeaders.OnBehalfOf), EventMetadata.Header(e, CaseHeaders.Channel), EventMetadata.Header(e, CaseHeaders.Rule),
            e.CorrelationId, e.CausationId, e.Data)
        {
            Role = EventMetadata.Header(e, CaseHeaders.Role),
            Institution = EventMetadata.Header(e, CaseHeaders.Institution),
        };
    }
}
