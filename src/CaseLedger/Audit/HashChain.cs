using CaseLedger.Core;
using CaseLedger.Core.Vouching;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace CaseLedger.Audit;

/// <summary>One link of a case's hash chain, stored beside the event it covers.</summary>
public sealed record ChainLink
{
    /// <summary><c>{caseId}:{version}</c>.</summary>
    public string Id { get; init; } = "";

    public Guid CaseId { get; init; }

    public long Version { get; init; }

    public long Sequence { get; init; }

    public Guid EventId { get; init; }

    public string Type { get; init; } = "";

    public DateTimeOffset Time { get; init; }

    public string Previous { get; init; } = ChainHashing.Genesis;

    public string Hash { get; init; } = "";

    /// <summary>The hash of the data alone, so a verifier can tell a changed payload from changed metadata.</summary>
    public string DataHash { get; init; } = "";

    public string MetadataHash { get; init; } = "";

    /// <summary>The format the link was made in (<see cref="ChainHashing.Format"/>); empty on links made before formats were recorded (v1 or v2).</summary>
    public string Format { get; init; } = "";

    public static string IdFor(Guid caseId, long version) => $"{caseId:D}:{version}";
}

/// <summary>The newest link of a case's chain; what a district seal covers.</summary>
public sealed record ChainHead
{
    public Guid Id { get; init; }

    public long Version { get; init; }

    public string Hash { get; init; } = ChainHashing.Genesis;

    public DateTimeOffset Time { get; init; }

    /// <summary>
    /// The digests the case's events recorded of its documents kept per case (state, read models,
    /// service record), by type name, each as its newest event to change the document recorded it
    /// (<see cref="Core.Vouching.DigestHeader.Case"/>): what a command compares the documents it
    /// loads with before it decides.
    /// </summary>
    public IReadOnlyDictionary<string, string> Digests { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Binds every appended event into its case's hash chain, in the same transaction as the append: a
/// <see cref="ChainLink"/> per event and the case's <see cref="ChainHead"/>.
/// </summary>
/// <remarks>
/// Given the host's seal key, it also issues the write's signed receipt (<see cref="Receipts"/>) for
/// each case's newest event of the append, and keeps it as an <see cref="IssuedReceipt"/>.
/// </remarks>
public sealed class HashChainProjection(Func<ISerializer> serializer, SealKey? receiptKey = null) : IProjection
{
    public const string Name = "HashChain";

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            // A case being opened has no chain yet (its first event is version 1): nothing to ask the database.
            var opening = stream.Min(e => e.Version) == 1;
            var head = (opening ? null : await operations.LoadAsync<ChainHead>(stream.Key, cancellation)) ?? new ChainHead { Id = stream.Key };
            (var links, head) = Extend(head, stream.OrderBy(e => e.Version), serializer());
            foreach (var link in links)
            {
                operations.Store(link);
            }

            operations.Store(head);
            if (receiptKey is not null && head.Version > 0)
            {
                operations.Store(Receipt(receiptKey, stream.First().TenantId, head));
            }
        }
    }

    /// <summary>
    /// The links of a case's new events (in version order, their sequences, times and headers set as
    /// they are stored) and the case's head after them, from its head before them: what this projection
    /// stores for an append, and what an import writing its rows itself stores the same way.
    /// </summary>
    public static (IReadOnlyList<ChainLink> Links, ChainHead Head) Extend(ChainHead head, IEnumerable<IEvent> events, ISerializer serializer) =>
        Extend(head, events.Select(e => (e, ChainHashing.FromEvent(e, serializer))));

    /// <summary>As <see cref="Extend(ChainHead, IEnumerable{IEvent}, ISerializer)"/>, each event given with what the chain covers of it, already serialized.</summary>
    public static (IReadOnlyList<ChainLink> Links, ChainHead Head) Extend(ChainHead head, IEnumerable<(IEvent Event, ChainedEvent Chained)> events)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(events);
        var links = new List<ChainLink>();
        foreach (var (e, chained) in events)
        {
            var (hash, dataHash, metadataHash) = ChainHashing.Hashes(head.Hash, chained);
            links.Add(new ChainLink
            {
                Id = ChainLink.IdFor(e.StreamId, e.Version),
                CaseId = e.StreamId,
                Version = e.Version,
                Sequence = e.Sequence,
                EventId = e.Id,
                Type = e.EventTypeName,
                Time = chained.Time,
                Previous = head.Hash,
                Hash = hash,
                DataHash = dataHash,
                MetadataHash = metadataHash,
                Format = ChainHashing.Format,
            });
            head = head with { Version = e.Version, Hash = hash, Time = chained.Time, Digests = Merged(head.Digests, Core.Vouching.DigestHeader.Of(e)) };
        }

        return (links, head);
    }

    /// <summary>The signed receipt of a write that left the case at <paramref name="head"/>, as the district keeps it.</summary>
    public static IssuedReceipt Receipt(SealKey key, string district, ChainHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return new IssuedReceipt
        {
            Id = IssuedReceipt.IdFor(head.Id, head.Version),
            CaseId = head.Id,
            Version = head.Version,
            Receipt = Receipts.Sign(key, district, head.Id, head.Version, head.Hash, head.Time),
        };
    }

    private static IReadOnlyDictionary<string, string> Merged(IReadOnlyDictionary<string, string> before, Core.Vouching.DigestHeader? recorded)
    {
        if (recorded is not { Case.Count: > 0 })
        {
            return before;
        }

        var merged = new Dictionary<string, string>(before, StringComparer.Ordinal);
        foreach (var (type, digest) in recorded.Case)
        {
            merged[type] = digest;
        }

        return merged;
    }
}
