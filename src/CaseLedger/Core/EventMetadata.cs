using System.Text.Json;
using CaseLedger.Audit;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Core;

/// <summary>Reads CaseLedger's metadata off a Marten event.</summary>
public static class EventMetadata
{
    public static string? Header(IEvent e, string name)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                null => null,
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } j => j.GetString(),
                JsonElement { ValueKind: JsonValueKind.Null } => null,
                _ => value.ToString(),
            }
            : null;
    }

    /// <summary>What the hash chain covers of an event, with its data serialized as the store stores it.</summary>
    public static ChainedEvent ToChained(IEvent e, ISerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(serializer);
        return new ChainedEvent(e.StreamId, e.TenantId, e.Version, e.EventTypeName, ChainHashing.ToStoredPrecision(e.Timestamp),
            e.UserName, Header(e, CaseHeaders.OnBehalfOf), Header(e, CaseHeaders.Channel), Header(e, CaseHeaders.Rule),
            e.CorrelationId, e.CausationId, serializer.ToJson(e.Data));
    }
}
