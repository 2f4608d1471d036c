using System.Text.Json;
using JasperFx.Events;

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
}
