using Marten.Services.BatchQuerying;

namespace CaseLedger.Core;

/// <summary>
/// A document of the case a command reads by an id worked out from the command (a ballot's unit).
/// Declared with <see cref="CommandDeclaration{TState,TCommand}.ReadsDocument{TDoc}"/>, it is loaded
/// in the same round trip as the case's lock, and handed to the decision as a fact.
/// </summary>
public abstract class DocumentRead
{
    /// <summary>The document's type.</summary>
    internal abstract Type Type { get; }

    /// <summary>The document's id; null when the command names none.</summary>
    internal abstract string? Id { get; }

    /// <summary>The document as the batch loaded it (null: none), once it ran.</summary>
    internal object? Loaded { get; private protected set; }

    /// <summary>The digest its writer recorded of it, loaded with it when the batch was asked to vouch for it.</summary>
    internal Vouching.VouchedDocument? Record { get; private protected set; }

    /// <summary>Sets what a load outside a batch found.</summary>
    internal void Found(object? loaded, Vouching.VouchedDocument? record) => (Loaded, Record) = (loaded, record);

    /// <summary>
    /// Whether the batch also loads the digest its writer recorded of the document (a document written
    /// from events, checked against it before the decision).
    /// </summary>
    internal bool Vouch { get; set; }

    /// <summary>
    /// Adds the reads to a batch (the one that takes the case's lock, or the held documents' after their
    /// locks): each document, and the digest records of those vouched for in one load by key; the
    /// returned task completes when the batch ran.
    /// </summary>
    internal static Task EnlistAsync(IBatchedQuery batch, IReadOnlyList<DocumentRead> reads, CommandContext context)
    {
        if (reads.Count == 0)
        {
            return Task.CompletedTask;
        }

        var vouched = reads.Where(r => r.Vouch && r.Key is not null).ToList();
        var records = vouched.Count == 0
            ? null
            : batch.LoadMany<Vouching.VouchedDocument>().ById(vouched.Select(r => r.Key!).Distinct(StringComparer.Ordinal).ToArray());
        return Task.WhenAll(reads.Select(r => r.EnlistAsync(batch, context)).Append(RecordsFoundAsync(records, vouched)));
    }

    private static async Task RecordsFoundAsync(Task<IReadOnlyList<Vouching.VouchedDocument>>? loading, List<DocumentRead> vouched)
    {
        if (loading is null)
        {
            return;
        }

        var records = (await loading).ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var read in vouched)
        {
            read.Record = records.GetValueOrDefault(read.Key!);
        }
    }

    /// <summary>Adds the document's load to a batch; the returned task completes when the batch ran.</summary>
    private protected abstract Task EnlistAsync(IBatchedQuery batch, CommandContext context);

    /// <summary>Reads where there is no batch (the in-memory ledger).</summary>
    internal abstract Task ReadAsync(IFactReader reader, CommandContext context, CancellationToken ct);

    /// <summary>
    /// The document's lock key, <c>{type}:{id}</c>, for a document the command holds (see
    /// <see cref="CommandDeclaration{TState,TCommand}.Holds{TDoc}"/>); null when the command names none.
    /// Held documents are locked in the ordinal order of these keys, so two commands never wait on each other in a cycle.
    /// </summary>
    internal abstract string? Key { get; }
}

internal sealed class DocumentRead<TDoc>(string? id) : DocumentRead where TDoc : class
{
    internal override Type Type => typeof(TDoc);

    internal override string? Id => id;

    internal override string? Key => id is null ? null : Derivation.DerivedDocument.KeyOf(typeof(TDoc), id);

    private protected override async Task EnlistAsync(IBatchedQuery batch, CommandContext context)
    {
        if (id is null)
        {
            context.SetFact(typeof(TDoc), null);
            return;
        }

        Loaded = await batch.Load<TDoc>(id);
        context.SetFact(typeof(TDoc), Loaded);
    }

    internal override async Task ReadAsync(IFactReader reader, CommandContext context, CancellationToken ct) =>
        context.SetFact(typeof(TDoc), id is null ? null : await reader.LoadAsync<TDoc>(id, ct));
}

/// <summary>
/// Implemented by the event of a decision that held shared documents (see
/// <see cref="CommandDeclaration{TState,TCommand}.Holds{TDoc}"/>): the documents as the decision read
/// them (none for one that did not exist yet), so a what-if replay of the case alone decides against
/// the same totals, not against the totals the store holds now (which count the case itself).
/// </summary>
public interface IRecordsHeldDocuments
{
    IEnumerable<object> HeldBefore { get; }
}
