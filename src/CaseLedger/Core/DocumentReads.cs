using System.Linq.Expressions;
using Marten;
using Marten.Services.BatchQuerying;

namespace CaseLedger.Core;

/// <summary>
/// A document of the case a command reads by an id worked out from the command (a ballot's unit),
/// optionally with a second document whose id the first holds (the unit's voting member). Declared
/// with <see cref="CommandDeclaration{TState,TCommand}.ReadsDocument{TDoc}"/>, it is loaded in the
/// same round trip as the case's lock, and handed to the decision as facts.
/// </summary>
public abstract class DocumentRead
{
    /// <summary>Adds the read to the batch that takes the case's lock; the returned task completes when the batch ran.</summary>
    internal abstract Task EnlistAsync(IBatchedQuery batch, CommandContext context);

    /// <summary>Reads one by one, where there is no batch (the in-memory ledger).</summary>
    internal abstract Task ReadAsync(IFactReader reader, CommandContext context, CancellationToken ct);
}

internal sealed class DocumentRead<TDoc, TRelated>(string? id, Expression<Func<TDoc, object>>? relatedId) : DocumentRead
    where TDoc : class
    where TRelated : class
{
    private static readonly Dictionary<Expression, Func<TDoc, object>> Compiled = [];

    internal override async Task EnlistAsync(IBatchedQuery batch, CommandContext context)
    {
        if (id is null)
        {
            return;
        }

        if (relatedId is null)
        {
            var doc = batch.Load<TDoc>(id);
            context.SetFact(typeof(TDoc), await doc);
            return;
        }

        var related = new List<TRelated>();
        var parameter = Expression.Parameter(typeof(TDoc), "d");
        var byId = Expression.Lambda<Func<TDoc, bool>>(
            Expression.Equal(Expression.Property(parameter, "Id"), Expression.Constant(id)), parameter);
        var docs = batch.Query<TDoc>().Include(relatedId, related).Where(byId).ToList();
        var found = await docs;
        context.SetFact(typeof(TDoc), found.Count > 0 ? found[0] : null);
        context.SetFact(typeof(TRelated), related.Count > 0 ? related[0] : null);
    }

    internal override async Task ReadAsync(IFactReader reader, CommandContext context, CancellationToken ct)
    {
        var doc = id is null ? null : await reader.LoadAsync<TDoc>(id, ct);
        context.SetFact(typeof(TDoc), doc);
        if (relatedId is not null)
        {
            Func<TDoc, object> related;
            lock (Compiled)
            {
                if (!Compiled.TryGetValue(relatedId, out related!))
                {
                    related = relatedId.Compile();
                    Compiled[relatedId] = related;
                }
            }

            context.SetFact(typeof(TRelated), doc is null ? null : await reader.LoadAsync<TRelated>((string)related(doc), ct));
        }
    }
}
