using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Vouching;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Npgsql;
using NpgsqlTypes;

namespace CaseLedger.Import;

/// <summary>
/// Writes a batch of decided cases in one transaction with binary COPY, storing what the store's
/// inline projections would store for the same append, worked out with their own functions: the
/// sequence numbers are reserved first; the stream and event rows are copied with their recorded
/// times and headers; each case's chain links, head and receipts (<see cref="HashChainProjection.Extend"/>),
/// its audit entries (<see cref="AuditEntry.From"/>) and its documents kept per case (folded with
/// <see cref="Core.Derivation.CaseDerivation"/>, as the digests its events record) are copied too;
/// the documents written by id and their digest records, which other cases may already hold, are
/// upserted, with the summary cells and the deadlines' checks, through a session in the same transaction.
/// </summary>
/// <remarks>
/// The events are numbered as the inline writer's two appends number them (<see cref="InlineImportWriter"/>):
/// every case's own events, case after case, then the case-wide events that end some cases; a case
/// so ended gets a receipt for each of the two appends.
/// </remarks>
internal sealed class BulkImportWriter(IDocumentStore store, CaseKinds kinds, IDeadlineScheduler? scheduler) : IImportWriter
{
    private readonly StoreOptions _options = (StoreOptions)store.Options;
    private readonly SealKey? _receiptKey = ReceiptIssuing.KeyOf(store);
    private readonly VouchedDocumentsProjection? _vouched = Rebuilding.Rebuildable(store).Contains(VouchedDocumentsProjection.Name)
        ? new VouchedDocumentsProjection(kinds, store.Options.Serializer)
        : null;

    private bool _tablesMade;

    public async Task WriteAsync(string district, ImportBatch batch, CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        var tenant = await _options.Tenancy.GetTenantAsync(district);
        if (!_tablesMade)
        {
            await DocumentCopy.EnsureTablesAsync(tenant, kinds.All.SelectMany(k => k.Views.Select(v => v.Type).Append(k.StateType).Concat(k.Documents.Select(d => d.Type)))
                .Concat([typeof(Core.Service.CaseService), typeof(AuditEntry), typeof(ChainLink), typeof(ChainHead), typeof(IssuedReceipt), typeof(VouchedDocument)])
                .Distinct(), ct);
            _tablesMade = true;
        }

        var cases = batch.Cases.Select(c => Prepare(district, batch, c, serializer)).ToList();
        // Numbered as the inline writer's two appends number them: every case's own events, then the case-wide events that end some.
        var ordered = cases.SelectMany(c => c.Events.Take(c.Case.Own)).Concat(cases.SelectMany(c => c.Events.Skip(c.Case.Own))).ToList();

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var sequences = await ReserveAsync(connection, ordered.Count, ct);
        for (var i = 0; i < ordered.Count; i++)
        {
            ordered[i].Sequence = sequences[i];
        }

        await CopyStreamsAsync(connection, district, cases, ct);
        await CopyEventsAsync(connection, district, ordered, serializer, ct);

        var inserted = new List<object>(ordered.Count * 3);
        foreach (var prepared in cases)
        {
            Chain(district, prepared, serializer, inserted);
            inserted.AddRange(prepared.Events.Select(e => AuditEntry.From(e, kinds)));
            inserted.AddRange(prepared.Digests.KeptPerCase(kinds));
        }

        await DocumentCopy.InsertAsync(tenant, serializer, connection, inserted, ct);

        var options = SessionOptions.ForTransaction(transaction);
        options.TenantId = district;
        await using (var session = store.LightweightSession(options))
        {
            // Documents written by id, and the digest records, may be in the district already (another case wrote them): the newest event's are kept.
            session.StoreObjects(WrittenById(cases, ordered));
            Core.Summaries.SummaryStore.Queue(session, batch.Summaries);
            if (scheduler is not null && batch.Due.Count > 0)
            {
                await scheduler.ScheduleAsync(session, district, batch.Due, ct);
            }

            await session.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    private sealed record Prepared(DecidedCase Case, IReadOnlyList<IEvent> Events, DigestRecorder Digests, IReadOnlyList<IReadOnlyList<Core.Derivation.DerivedDocument>> ById);

    /// <summary>The case's events as Marten builds them for an append, with their versions, metadata and digests.</summary>
    private Prepared Prepare(string district, ImportBatch batch, DecidedCase decided, ISerializer serializer)
    {
        var kind = decided.Case.Kind;
        var events = StreamAction.Start((IEventRegistry)_options.Events, decided.Case.Id, decided.Events.Select(r => r.Data).ToArray()).Events;
        var digests = new DigestRecorder(kind, decided.Case.Id, serializer);
        var byId = new List<IReadOnlyList<Core.Derivation.DerivedDocument>>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var (e, recorded) = (events[i], decided.Events[i]);
            if (e.Id == Guid.Empty)
            {
                e.Id = Guid.CreateVersion7();
            }

            e.StreamId = decided.Case.Id;
            e.Version = recorded.Version;
            e.TenantId = district;
            batch.Stamp(e, recorded, kind, digests.Next(recorded.Version, recorded.Data));
            byId.Add(digests.Changed.Where(d => !d.PerCase).ToList());
        }

        return new Prepared(decided, events, digests, byId);
    }

    /// <summary>The case's chain links and head, and a receipt for each of the appends the inline writer makes.</summary>
    private void Chain(string district, Prepared prepared, ISerializer serializer, List<object> output)
    {
        var head = new ChainHead { Id = prepared.Case.Case.Id };
        foreach (var append in prepared.Case.Own < prepared.Events.Count
                     ? new[] { prepared.Events.Take(prepared.Case.Own), prepared.Events.Skip(prepared.Case.Own) }
                     : new[] { prepared.Events })
        {
            (var links, head) = HashChainProjection.Extend(head, append, serializer);
            output.AddRange(links);
            if (_receiptKey is not null)
            {
                output.Add(HashChainProjection.Receipt(_receiptKey, district, head));
            }
        }

        output.Add(head);
    }

    /// <summary>The documents the batch's events write by id and their digest records, each as the newest event (by sequence) left it.</summary>
    private IEnumerable<object> WrittenById(List<Prepared> cases, IReadOnlyList<IEvent> ordered)
    {
        var written = new Dictionary<(Type Type, string Id), (long Sequence, object Document)>();
        foreach (var prepared in cases)
        {
            for (var i = 0; i < prepared.Events.Count; i++)
            {
                var e = prepared.Events[i];
                foreach (var document in prepared.ById[i])
                {
                    Keep(written, (document.Type, document.Id), e.Sequence, document.Document);
                }

                foreach (var record in _vouched?.RecordsOf(e) ?? [])
                {
                    Keep(written, (typeof(VouchedDocument), record.Id), e.Sequence, record);
                }
            }
        }

        return written.Values.OrderBy(w => w.Sequence).Select(w => w.Document);

        static void Keep(Dictionary<(Type, string), (long Sequence, object Document)> written, (Type, string) key, long sequence, object document)
        {
            if (!written.TryGetValue(key, out var held) || held.Sequence < sequence)
            {
                written[key] = (sequence, document);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> numbers of the store's event sequence, as an append draws them.</summary>
    private async Task<long[]> ReserveAsync(NpgsqlConnection connection, int count, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select nextval('{_options.Events.DatabaseSchemaName}.mt_events_sequence') from generate_series(1, @count)", connection);
        command.Parameters.AddWithValue("count", count);
        var sequences = new long[count];
        await using var reader = await command.ExecuteReaderAsync(ct);
        for (var i = 0; await reader.ReadAsync(ct); i++)
        {
            sequences[i] = reader.GetInt64(0);
        }

        return sequences;
    }

    private async Task CopyStreamsAsync(NpgsqlConnection connection, string district, List<Prepared> cases, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            $"copy {_options.Events.DatabaseSchemaName}.mt_streams (tenant_id, id, type, version, is_archived) from stdin (format binary)", ct);
        foreach (var prepared in cases)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(district, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(prepared.Case.Case.Id, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(((Marten.Events.EventGraph)_options.Events).AggregateAliasFor(prepared.Case.Case.Kind.StateType), NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync((long)prepared.Events.Count, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(false, NpgsqlDbType.Boolean, ct);
        }

        await writer.CompleteAsync(ct);
    }

    private async Task CopyEventsAsync(NpgsqlConnection connection, string district, IReadOnlyList<IEvent> events, ISerializer serializer, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            $"copy {_options.Events.DatabaseSchemaName}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, " +
            "is_archived, correlation_id, causation_id, headers, user_name) from stdin (format binary)", ct);
        foreach (var e in events)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(e.Sequence, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(e.Id, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(e.StreamId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(e.Version, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(serializer.ToJson(e.Data), NpgsqlDbType.Jsonb, ct);
            await writer.WriteAsync(e.EventTypeName, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(e.Timestamp, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(district, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(e.DotNetTypeName, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(false, NpgsqlDbType.Boolean, ct);
            await WriteNullableAsync(writer, e.CorrelationId, ct);
            await WriteNullableAsync(writer, e.CausationId, ct);
            if (e.Headers is { Count: > 0 } headers)
            {
                await writer.WriteAsync(serializer.ToJson(headers), NpgsqlDbType.Jsonb, ct);
            }
            else
            {
                await writer.WriteNullAsync(ct);
            }

            await WriteNullableAsync(writer, e.UserName, ct);
        }

        await writer.CompleteAsync(ct);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken ct)
    {
        if (value is null)
        {
            await writer.WriteNullAsync(ct);
        }
        else
        {
            await writer.WriteAsync(value, NpgsqlDbType.Varchar, ct);
        }
    }
}
