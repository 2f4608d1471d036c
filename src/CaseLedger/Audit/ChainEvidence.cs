using CaseLedger.Core;
using CaseLedger.Core.Vouching;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CaseLedger.Audit;

/// <summary>
/// The hash chain as the pipeline's evidence (<see cref="ICaseEvidence"/>): the digests on record in
/// a case's chain head, the case's events checked link by link against its chain, and the newest
/// event that wrote a document, read from the events themselves.
/// </summary>
public sealed class ChainEvidence(IDocumentStore store, CaseKinds kinds) : ICaseEvidence
{
    private readonly EventTyping _typing = new(store);

    public async Task<IReadOnlyDictionary<string, string>?> CaseDigestsAsync(IDocumentSession session, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        // Preloaded with the case's lock, so this is read from the session's identity map.
        return await session.LoadAsync<ChainHead>(caseId, ct) is { Digests.Count: > 0 } head ? head.Digests : null;
    }

    public async Task<VerifiedHistory> VerifiedHistoryAsync(IDocumentSession session, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var district = session.TenantId;
        var rows = await StoredEvents.ReadCaseAsync((NpgsqlConnection)session.Connection!, store.Options.Events.DatabaseSchemaName, district, caseId, ct);
        var links = (await session.Query<ChainLink>().Where(l => l.CaseId == caseId).ToListAsync(ct)).OrderBy(l => l.Version).ToList();
        var checkedChain = ChainVerifier.Verify(caseId, district, rows, links, null);
        if (!checkedChain.Intact)
        {
            return new VerifiedHistory([], $"version {checkedChain.FirstBroken?.Version}: {checkedChain.FirstBroken?.What}");
        }

        if (await session.LoadAsync<ChainHead>(caseId, ct) is { } head && rows.Count > 0 && (head.Version != rows[^1].Chained.Version || head.Hash != checkedChain.Head))
        {
            return new VerifiedHistory([], $"the chain head (version {head.Version}) is not the chain's newest link (version {rows[^1].Chained.Version})");
        }

        return new VerifiedHistory(rows.Select(_typing.ToEvent).OfType<IEvent>().ToList(), null);
    }

    public async Task<Guid?> LastWriterAsync(IDocumentSession session, Type type, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(key);
        var connection = (NpgsqlConnection)session.Connection!;
        var schema = store.Options.Events.DatabaseSchemaName;
        await using (var recorded = connection.CreateCommand())
        {
            // The events that record a digest of the document name it in their digests header.
            recorded.CommandText = $"select stream_id from {schema}.mt_events where tenant_id = @district " +
                                   "and headers -> 'digests' -> 'documents' ? @key order by seq_id desc limit 1";
            recorded.Parameters.Add(new NpgsqlParameter("district", session.TenantId));
            recorded.Parameters.Add(new NpgsqlParameter("key", key));
            if (await recorded.ExecuteScalarAsync(ct) is Guid writer)
            {
                return writer;
            }
        }

        // Events appended before digests were kept name nothing: find the newest that writes the document.
        var id = key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var writing = kinds.All.Where(k => k.Documents.Any(d => d.Type == type)).SelectMany(k => k.EventNames.Values).Distinct().ToArray();
        await using var legacy = connection.CreateCommand();
        legacy.CommandText = $"select seq_id, id, stream_id, version, type, timestamp, data::text from {schema}.mt_events " +
                             "where tenant_id = @district and type = any(@types) and (headers is null or not headers ? 'digests') order by seq_id desc";
        legacy.Parameters.Add(new NpgsqlParameter("district", session.TenantId));
        legacy.Parameters.Add(new NpgsqlParameter("types", writing));
        await using var reader = await legacy.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = new ChainVerifier.StoredEvent(reader.GetInt64(0), reader.GetGuid(1), new ChainedEvent(reader.GetGuid(2), session.TenantId,
                reader.GetInt64(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), null, null, null, null, null, null, reader.GetString(6)));
            if (_typing.ToEvent(row) is { } e && kinds.ForEventType(e.Data.GetType()) is { } kind
                && kind.Documents.Where(d => d.Type == type).SelectMany(d => d.From(e.Data)).Any(d => d.Id == id))
            {
                return row.Chained.CaseId;
            }
        }

        return null;
    }
}
