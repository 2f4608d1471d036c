using System.Collections.Concurrent;
using CaseLedger.Core;
using CaseLedger.Core.Derivation;
using CaseLedger.Core.Vouching;
using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;

namespace CaseLedger.Audit;

/// <summary>
/// Rebuilds every read model kept from the events (each kind's state and read models, the service
/// records, the documents kinds write by id, the audit trail and the digest records) in one pass:
/// each district's events are read once in case order, as the server streams them; batches of whole
/// cases go to a worker per core, which folds each case with the same pure functions the inline
/// projections and verification fold with (<see cref="CaseDerivation"/>), and writes the documents with
/// binary COPY (Marten's bulk insert). The hash chain is not touched.
/// </summary>
/// <remarks>
/// For its whole run the rebuild holds PostgreSQL's EXCLUSIVE lock on the streams and events tables:
/// every command (which locks its case's stream row before it reads the case's documents) and every
/// append, of every district, waits until it ends, so no command decides on a document half rebuilt
/// and no case changes under it. Plain reads go on, and see the rebuilt tables emptied and refilled
/// case by case (docs/rebuild.md).
/// </remarks>
internal sealed class SinglePassRebuild(IDocumentStore store, CaseKinds kinds)
{
    /// <summary>Cases per batch handed to a worker and written in one bulk insert.</summary>
    private const int BatchCases = 500;

    private readonly EventTyping _typing = new(store);
    private readonly VouchedDocumentsProjection? _vouched = Rebuilding.Rebuildable(store).Contains(VouchedDocumentsProjection.Name)
        ? new VouchedDocumentsProjection(kinds, store.Options.Serializer)
        : null;

    private long _replayed;
    private long _unreadable;
    private long _total;

    /// <summary>The document types a rebuild empties and writes again.</summary>
    public IReadOnlyList<Type> DocumentTypes() =>
        kinds.All.SelectMany(k => k.Views.Select(v => v.Type).Append(k.StateType).Concat(k.Documents.Select(d => d.Type)))
            .Append(typeof(Core.Service.CaseService))
            .Append(typeof(AuditEntry))
            .Concat(_vouched is null ? [] : [typeof(VouchedDocument)])
            .Distinct()
            .ToList();

    /// <summary>Rebuilds every district's read models; returns the events replayed.</summary>
    public async Task<long> RunAsync(IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var gate = store.Storage.Database.CreateConnection();
        await gate.OpenAsync(ct);
        await using var hold = await gate.BeginTransactionAsync(ct);
        // Streams first: a command locks its case's stream row before it reads the case's documents, so it
        // waits here before it could read one half rebuilt; an append waits on the events.
        await ExecuteAsync(gate, $"lock table {schema}.mt_streams, {schema}.mt_events in exclusive mode", ct);
        _total = await ScalarAsync<long>(gate, $"select count(*) from {schema}.mt_events", ct);
        var districts = new List<string>();
        await using (var command = new NpgsqlCommand($"select distinct tenant_id from {schema}.mt_events", gate))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                districts.Add(reader.GetString(0));
            }
        }

        // A table Marten has not made yet (no document of its type written so far) is made now, as a write would.
        foreach (var type in DocumentTypes())
        {
            await store.Storage.Database.EnsureStorageExistsAsync(type, ct);
        }

        foreach (var district in districts)
        {
            await EmptyAsync(district, ct);
            await RebuildDistrictAsync(district, progress, ct);
        }

        await hold.CommitAsync(ct);
        progress?.Report(new RebuildProgress(Rebuilding.All, _replayed, _replayed));
        return _replayed;
    }

    private async Task RebuildDistrictAsync(string district, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        // Documents written by id may be written by several cases: the one the latest event wrote is kept.
        var written = new ConcurrentDictionary<(Type Type, string Id), (object Document, long Sequence)>();
        var vouched = new ConcurrentDictionary<string, VouchedDocument>(StringComparer.Ordinal);
        var batches = System.Threading.Channels.Channel.CreateBounded<List<List<StoredRow>>>(new System.Threading.Channels.BoundedChannelOptions(Environment.ProcessorCount * 4)
        {
            SingleWriter = true,
        });
        // Two workers a core: while one waits for PostgreSQL to take its batch's COPY, the other folds, so the cores stay busy.
        var workers = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount * 2)).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                var documents = new List<object>();
                var events = 0;
                foreach (var rows in batch)
                {
                    Fold(rows, documents, written, vouched);
                    events += rows.Count;
                }

                await store.BulkInsertDocumentsAsync(district, documents, BulkInsertMode.InsertsOnly, 10_000, ct);
                var replayed = Interlocked.Add(ref _replayed, events);
                progress?.Report(new RebuildProgress(Rebuilding.All, replayed, _total));
            }
        }, ct)).ToList();

        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(ct);
            var batch = new List<List<StoredRow>>(BatchCases);
            List<StoredRow>? current = null;
            await foreach (var row in StoredEvents.ReadRowsAsync(connection, schema, district, null, ct))
            {
                if (current is null || row.CaseId != current[0].CaseId)
                {
                    if (batch.Count == BatchCases)
                    {
                        await batches.Writer.WriteAsync(batch, ct);
                        batch = new List<List<StoredRow>>(BatchCases);
                    }

                    current = [];
                    batch.Add(current);
                }

                current.Add(row);
            }

            if (batch.Count > 0)
            {
                await batches.Writer.WriteAsync(batch, ct);
            }
        }
        finally
        {
            batches.Writer.TryComplete();
        }

        await Task.WhenAll(workers);
        var last = written.Select(w => w.Value.Document).Concat(vouched.Values).ToList();
        if (last.Count > 0)
        {
            await store.BulkInsertDocumentsAsync(district, last, BulkInsertMode.InsertsOnly, 10_000, ct);
        }
    }

    /// <summary>
    /// One case's events folded as the inline projections fold them: its audit entries, its per-case
    /// documents as the last event left them, and the documents written by id and their digest records,
    /// kept where this case wrote them later than any other case did.
    /// </summary>
    private void Fold(List<StoredRow> rows, List<object> output, ConcurrentDictionary<(Type Type, string Id), (object Document, long Sequence)> written,
        ConcurrentDictionary<string, VouchedDocument> vouched)
    {
        var events = new List<IEvent>(rows.Count);
        foreach (var row in rows)
        {
            try
            {
                // Parsed here, on the worker, so the rows waiting for one are only the text the server sent.
                if (_typing.ToEvent(row.ToStoredEvent()) is { } e)
                {
                    events.Add(e);
                }
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
            {
                // An event edited into a shape its type cannot read folds into nothing, as in the daemon's
                // rebuild; verification reports the case.
                Interlocked.Increment(ref _unreadable);
            }
        }

        if (events.Count == 0)
        {
            return;
        }

        var caseId = events[0].StreamId;
        var id = caseId.ToString("D");
        CaseKind? kind = null;
        foreach (var e in events)
        {
            if (kinds.ForEventType(e.Data.GetType()) is { } k)
            {
                kind = k;
                break;
            }
        }

        var documents = new Dictionary<(Type Type, string Id), object>();
        foreach (var e in events)
        {
            output.Add(AuditEntry.From(e, kinds));
            if (_vouched is not null)
            {
                foreach (var record in _vouched.RecordsOf(e))
                {
                    vouched.AddOrUpdate(record.Id, record, (_, held) => held.Sequence > record.Sequence ? held : record);
                }
            }

            if (kind is null)
            {
                continue;
            }

            foreach (var document in CaseDerivation.Apply(kind, caseId, e.Version, e.Data, (type, documentId) => documents.GetValueOrDefault((type, documentId))))
            {
                documents[(document.Type, document.Id)] = document.Document;
                if (!document.PerCase)
                {
                    var entry = (document.Document, e.Sequence);
                    written.AddOrUpdate((document.Type, document.Id), entry, (_, held) => held.Sequence > entry.Sequence ? held : entry);
                }
            }
        }

        foreach (var ((type, documentId), document) in documents)
        {
            if (documentId == id && kinds.IsKeptPerCase(type))
            {
                output.Add(document);
            }
        }
    }

    /// <summary>
    /// Deletes the district's rebuilt documents, on a connection of its own and committed at once, so the
    /// bulk inserts that follow see the tables empty. A delete, not a truncate: a truncate would wait for
    /// every open reader of the tables, and a command that has read them is itself waiting for the lock
    /// this rebuild holds.
    /// </summary>
    private async Task EmptyAsync(string district, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        foreach (var type in DocumentTypes())
        {
            await using var command = new NpgsqlCommand(
                $"delete from {store.Options.FindOrResolveDocumentType(type).TableName.QualifiedName} where tenant_id = @district", connection);
            command.Parameters.Add(new NpgsqlParameter("district", district));
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
