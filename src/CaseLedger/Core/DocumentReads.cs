using Marten.Services.BatchQuerying;

namespace CaseLedger.Core;

/// <summary>
/// A document of the case a command reads by an id worked out from the command (a ballot's unit).
/// Declared with <see cref="CommandDeclaration{TState,TCommand}.ReadsDocument{TDoc}"/>, it is loaded
/// in the same round trip as the case's lock, and handed to the decision as a fact.
/// </summary>
public abstract class DocumentRead
{
    /// <summary>Adds the read to the batch that takes the case's lock; the returned task completes when the batch ran.</summary>
    internal abstract Task EnlistAsync(IBatchedQuery batch, CommandContext context);

    /// <summary>Reads where there is no batch (the in-memory ledger).</summary>
    internal abstract Task ReadAsync(IFactReader reader, CommandContext context, CancellationToken ct);
}

internal sealed class DocumentRead<TDoc>(string? id) : DocumentRead where TDoc : class
{
    internal override async Task EnlistAsync(IBatchedQuery batch, CommandContext context) =>
        context.SetFact(typeof(TDoc), id is null ? null : await batch.Load<TDoc>(id));

    internal override async Task ReadAsync(IFactReader reader, CommandContext context, CancellationToken ct) =>
        context.SetFact(typeof(TDoc), id is null ? null : await reader.LoadAsync<TDoc>(id, ct));
}
