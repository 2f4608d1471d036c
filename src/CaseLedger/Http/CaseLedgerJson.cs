using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseLedger.Http;

/// <summary>JSON conventions of CaseLedger's HTTP API: camelCase members, enums by name.</summary>
public static class CaseLedgerJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
    }
}
