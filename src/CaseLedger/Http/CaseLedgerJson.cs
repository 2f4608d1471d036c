using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseLedger.Http;

/// <summary>JSON conventions of CaseLedger's HTTP API: camelCase members, enums by name.</summary>
public static class CaseLedgerJson
{
    /// <summary>Options with these conventions, for code that serializes outside ASP.NET (seeds, diffs, commands).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }

    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
    }
}
