using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace CaseLedger.Core.Vouching;

/// <summary>
/// The digest the newest event that wrote a document recorded of it (<see cref="DigestHeader.Documents"/>),
/// kept per document so a command that reads or holds the document can check it in the same round
/// trip as it loads it. A copy of what the chain holds: verification compares it with the events.
/// </summary>
public sealed record VouchedDocument
{
    /// <summary>The document's key, <c>{type}:{id}</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>The case whose event wrote it last.</summary>
    public Guid CaseId { get; init; }

    /// <summary>That event's version in its case.</summary>
    public long Version { get; init; }

    /// <summary>That event's global sequence.</summary>
    public long Sequence { get; init; }

    public string Digest { get; init; } = "";
}

/// <summary>
/// Keeps a <see cref="VouchedDocument"/> per document from the digests each event records; reads
/// nothing, so it adds no round trip. An event appended before digests were kept records none: for it
/// the digests are taken of the documents its kind writes from it, so rebuilding this projection once
/// puts on record the documents of an older store.
/// </summary>
public sealed class VouchedDocumentsProjection(CaseKinds kinds, Func<ISerializer> serializer) : IProjection
{
    public const string Name = "VouchedDocuments";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            foreach (var record in RecordsOf(e))
            {
                operations.Store(record);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The digest records an event puts on record, one per document it wrote by id (the single-pass rebuild keeps them the same way).</summary>
    public IEnumerable<VouchedDocument> RecordsOf(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var documents = DigestHeader.Of(e)?.Documents ?? Written(e.Data);
        foreach (var (key, digest) in documents)
        {
            yield return new VouchedDocument { Id = key, CaseId = e.StreamId, Version = e.Version, Sequence = e.Sequence, Digest = digest };
        }
    }

    private Dictionary<string, string> Written(object data) =>
        kinds.ForEventType(data.GetType()) is { } kind
            ? kind.Documents.SelectMany(d => d.From(data).Select(w => (Key: Derivation.DerivedDocument.KeyOf(d.Type, w.Id), w.Document)))
                .GroupBy(w => w.Key).ToDictionary(g => g.Key, g => DocumentDigest.Of(g.Last().Document, serializer()))
            : [];
}
