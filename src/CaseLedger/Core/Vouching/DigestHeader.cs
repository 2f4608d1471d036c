using System.Text.Json;
using JasperFx.Events;

namespace CaseLedger.Core.Vouching;

/// <summary>
/// The digests an event records of what it leaves derived from it (its <c>digests</c> header, chained
/// with every other header): <see cref="Case"/>, the documents kept per case that it changed (the
/// state, each read model, the service record when it changed), by type name; and
/// <see cref="Documents"/>, each document the kind writes from it, by key <c>{type}:{id}</c>. Each
/// value is a <see cref="DocumentDigest"/>.
/// </summary>
public sealed record DigestHeader(IReadOnlyDictionary<string, string> Case, IReadOnlyDictionary<string, string> Documents)
{
    /// <summary>The header's name on an event.</summary>
    public const string Name = "digests";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The digests an event records, or null when it records none (it was appended before digests were kept, or outside the pipeline).</summary>
    public static DigestHeader? Of(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Headers?.TryGetValue(Name, out var value) == true ? From(value) : null;
    }

    /// <summary>Reads the header's value as an appended event holds it (this record) or as the store gives it back (JSON).</summary>
    public static DigestHeader? From(object? value) => value switch
    {
        DigestHeader header => header,
        JsonElement { ValueKind: JsonValueKind.Object } json => Normalized(json.Deserialize<DigestHeader>(Json)),
        string text when text.Length > 0 => Normalized(JsonSerializer.Deserialize<DigestHeader>(text, Json)),
        _ => null,
    };

    private static DigestHeader? Normalized(DigestHeader? header) =>
        header is null ? null : new DigestHeader(header.Case ?? new Dictionary<string, string>(), header.Documents ?? new Dictionary<string, string>());
}
