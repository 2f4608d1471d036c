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

    /// <summary>
    /// The header an event records of the documents it changed (<paramref name="changed"/>, as
    /// <see cref="Derivation.CaseDerivation.Apply"/> folds them): those kept per case by type name, those
    /// written by id by key; <paramref name="perCase"/> holds any digests of the case's documents already
    /// to be recorded with them.
    /// </summary>
    public static DigestHeader Of(IEnumerable<Derivation.DerivedDocument> changed, Marten.ISerializer serializer, Dictionary<string, string>? perCase = null)
    {
        ArgumentNullException.ThrowIfNull(changed);
        perCase ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var document in changed)
        {
            var digest = DocumentDigest.Of(document.Document, serializer);
            if (document.PerCase)
            {
                perCase[document.Type.Name] = digest;
            }
            else
            {
                documents[document.Key] = digest;
            }
        }

        return new DigestHeader(perCase, documents);
    }

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
