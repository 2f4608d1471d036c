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
/// times and headers; each case's chain links, head and receipts (<c>HashChainProjection.Extend</c>),
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

    public async Task WriteAsync(string district, ImportBatch batch, CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        var tenant = await _options.Tenancy.GetTenantAsync(district);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var sequences = await ReserveAsync(connection, (int)batch.Events, ct);

        // Numbered as the inline writer's two appends number them: every case's own events, case after
        // case, then the case-wide events that end some cases. Each case is then prepared on its own, on
        // every core: its events, digests, chain and documents depend on nothing of the other cases'.
        var (own, trailing) = (new int[batch.Cases.Count], new int[batch.Cases.Count]);
        var next = 0;
        for (var i = 0; i < batch.Cases.Count; i++)
        {
            own[i] = next;
            next += batch.Cases[i].Own;
        }

        for (var i = 0; i < batch.Cases.Count; i++)
        {
            trailing[i] = next - batch.Cases[i].Own;
            next += batch.Cases[i].Events.Count - batch.Cases[i].Own;
        }

        var cases = new Prepared[batch.Cases.Count];
        // One worker a core: more only contend for the collector, as the cases' digests allocate much.
        Parallel.For(0, cases.Length, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            cases[i] = Prepare(district, batch, batch.Cases[i], version => sequences[(version <= batch.Cases[i].Own ? own[i] : trailing[i]) + (int)version - 1], serializer));

        var ordered = new (IEvent Event, ChainedEvent Chained)[sequences.Length];
        foreach (var prepared in cases)
        {
            foreach (var e in prepared.Events)
            {
                ordered[Array.BinarySearch(sequences, e.Event.Sequence)] = e;
            }
        }

        await CopyStreamsAsync(connection, district, cases, ct);
        await CopyEventsAsync(connection, district, ordered, ct);
        await DocumentCopy.InsertAsync(tenant, serializer, connection, cases.SelectMany(c => c.Documents), ct);

        var options = SessionOptions.ForTransaction(transaction);
        options.TenantId = district;
        await using (var session = store.LightweightSession(options))
        {
            // Documents written by id, and the digest records, may be in the district already (another case wrote them): the newest event's are kept.
            session.StoreObjects(WrittenById(cases));
            Core.Summaries.SummaryStore.Queue(session, batch.Summaries);
            if (scheduler is not null && batch.Due.Count > 0)
            {
                await scheduler.ScheduleAsync(session, district, batch.Due, ct);
            }

            await session.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// A case ready to copy: its events as they are stored with what the chain covers of each (their
    /// data and headers serialized once, for the chain and the rows), the documents it adds (chain
    /// links, head and receipts, audit entries, documents kept per case), and, event by event, the
    /// documents written by id.
    /// </summary>
    private sealed record Prepared(DecidedCase Case, IReadOnlyList<(IEvent Event, ChainedEvent Chained)> Events, IReadOnlyList<object> Documents,
        IReadOnlyList<IReadOnlyList<Core.Derivation.DerivedDocument>> ById);

    /// <summary>The case's events as Marten builds them for an append, with their versions, sequences, metadata and digests, and what they add.</summary>
    private Prepared Prepare(string district, ImportBatch batch, DecidedCase decided, Func<long, long> sequenceOf, ISerializer serializer)
    {
        var kind = decided.Case.Kind;
        var built = StreamAction.Start((IEventRegistry)_options.Events, decided.Case.Id, decided.Events.Select(r => r.Data).ToArray()).Events;
        var digests = new DigestRecorder(kind, decided.Case.Id, serializer, decided.Events);
        var events = new List<(IEvent, ChainedEvent)>(built.Count);
        var byId = new List<IReadOnlyList<Core.Derivation.DerivedDocument>>(built.Count);
        foreach (var (e, recorded) in built.Zip(decided.Events))
        {
            if (e.Id == Guid.Empty)
            {
                e.Id = Guid.CreateVersion7();
            }

            e.StreamId = decided.Case.Id;
            e.Version = recorded.Version;
            e.Sequence = sequenceOf(recorded.Version);
            e.TenantId = district;
            batch.Stamp(e, recorded, kind, digests.HeaderOf(recorded.Version));
            events.Add((e, ChainHashing.FromEvent(e, serializer)));
            byId.Add(digests.ChangedBy(recorded.Version).Where(d => !d.PerCase).ToList());
        }

        var documents = new List<object>(events.Count * 2 + 4);
        Chain(district, decided, events, documents);
        documents.AddRange(events.Select(e => AuditEntry.From(e.Item1, kinds)));
        documents.AddRange(digests.KeptPerCase(kinds));
        return new Prepared(decided, events, documents, byId);
    }

    /// <summary>The case's chain links and head, and a receipt for each of the appends the inline writer makes.</summary>
    private void Chain(string district, DecidedCase decided, List<(IEvent, ChainedEvent)> events, List<object> output)
    {
        var head = new ChainHead { Id = decided.Case.Id };
        foreach (var append in decided.Own < events.Count ? new[] { events.Take(decided.Own), events.Skip(decided.Own) } : new[] { events.AsEnumerable() })
        {
            (var links, head) = HashChainProjection.Extend(head, append);
            output.AddRange(links);
            if (_receiptKey is not null)
            {
                output.Add(HashChainProjection.Receipt(_receiptKey, district, head));
            }
        }

        output.Add(head);
    }

    /// <summary>The documents the batch's events write by id and their digest records, each as the newest event (by sequence) left it.</summary>
    private IEnumerable<object> WrittenById(IEnumerable<Prepared> cases)
    {
        var written = new Dictionary<(Type Type, string Id), (long Sequence, object Document)>();
        foreach (var prepared in cases)
        {
            for (var i = 0; i < prepared.Events.Count; i++)
            {
                var e = prepared.Events[i].Event;
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

    private async Task CopyStreamsAsync(NpgsqlConnection connection, string district, IEnumerable<Prepared> cases, CancellationToken ct)
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

    private async Task CopyEventsAsync(NpgsqlConnection connection, string district, IEnumerable<(IEvent Event, ChainedEvent Chained)> events, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            $"copy {_options.Events.DatabaseSchemaName}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, " +
            "is_archived, correlation_id, causation_id, headers, user_name) from stdin (format binary)", ct);
        foreach (var (e, chained) in events)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(e.Sequence, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(e.Id, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(e.StreamId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(e.Version, NpgsqlDbType.Bigint, ct);
            // The data and headers as the chain covers them: serialized once, as the store serializes them.
            await writer.WriteAsync(chained.DataJson, NpgsqlDbType.Jsonb, ct);
            await writer.WriteAsync(e.EventTypeName, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(e.Timestamp, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(district, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(e.DotNetTypeName, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(false, NpgsqlDbType.Boolean, ct);
            await WriteNullableAsync(writer, e.CorrelationId, NpgsqlDbType.Varchar, ct);
            await WriteNullableAsync(writer, e.CausationId, NpgsqlDbType.Varchar, ct);
            await WriteNullableAsync(writer, chained.Headers, NpgsqlDbType.Jsonb, ct);
            await WriteNullableAsync(writer, e.UserName, NpgsqlDbType.Varchar, ct);
        }

        await writer.CompleteAsync(ct);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null)
        {
            await writer.WriteNullAsync(ct);
        }
        else
        {
            await writer.WriteAsync(value, type, ct);
        }
    }
}
