using System.Runtime.CompilerServices;
using System.Text.Json;
using CaseLedger.Core;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CaseLedger.Audit;

/// <summary>
/// Event rows read with plain SQL, as PostgreSQL holds them, bypassing every cache and Marten's own
/// filters (an archived event is read too): what the chain is checked against, and, turned into
/// typed events, what verification and the pipeline fold documents from again.
/// </summary>
public static class StoredEvents
{
    private const string Columns =
        "seq_id, id, stream_id, version, type, timestamp, data::text, headers::text, user_name, correlation_id, causation_id, is_archived";

    /// <summary>One case's rows in version order, on an open connection (inside its transaction, if it has one).</summary>
    public static async Task<IReadOnlyList<ChainVerifier.StoredEvent>> ReadCaseAsync(NpgsqlConnection connection, string schema, string district,
        Guid caseId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var rows = new List<ChainVerifier.StoredEvent>();
        await foreach (var row in ReadAsync(connection, schema, district, caseId, ct))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The district's rows (or one case's), ordered by case and version, streamed from the server as they are read.</summary>
    public static async IAsyncEnumerable<ChainVerifier.StoredEvent> ReadAsync(NpgsqlConnection connection, string schema, string district, Guid? caseId,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var row in ReadRowsAsync(connection, schema, district, caseId, ct))
        {
            yield return row.ToStoredEvent();
        }
    }

    /// <summary>
    /// The rows as read, nothing parsed (<see cref="StoredRow"/>): what one connection streams to the workers of a district's
    /// verification or rebuild, which parse them, each its own cases, on every core.
    /// </summary>
    internal static async IAsyncEnumerable<StoredRow> ReadRowsAsync(NpgsqlConnection connection, string schema, string district, Guid? caseId,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select {Columns} from {schema}.mt_events where tenant_id = @district"
                              + (caseId is null ? "" : " and stream_id = @case") + " order by stream_id, version";
        command.Parameters.Add(new NpgsqlParameter("district", district));
        if (caseId is { } id)
        {
            command.Parameters.Add(new NpgsqlParameter("case", id));
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            yield return new StoredRow(district, reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), Text(7), Text(8), Text(9), Text(10), !reader.IsDBNull(11) && reader.GetBoolean(11));
        }
    }

    /// <summary>The header names CaseLedger writes, so reading a row's headers allocates no name of its own for them.</summary>
    private static readonly string[] KnownHeaders =
    [
        CaseHeaders.Kind, CaseHeaders.Role, CaseHeaders.Rule, CaseHeaders.Channel, CaseHeaders.OnBehalfOf, CaseHeaders.Issuer,
        CaseHeaders.Institution, CaseHeaders.Actor, CaseHeaders.Imported, Core.Vouching.DigestHeader.Name,
    ];

    /// <summary>
    /// A headers column's JSON by name: a text value as a string (what <see cref="EventMetadata.Header"/> reads with nothing
    /// more to allocate), any other value as a JSON element; null when it is not a JSON object (a row edited by hand is
    /// still read, and its chain then fails).
    /// </summary>
    internal static Dictionary<string, object>? ParseHeaders(string json)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var reader = new Utf8JsonReader(rented.AsSpan(0, System.Text.Encoding.UTF8.GetBytes(json, rented)));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var headers = new Dictionary<string, object>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = KnownName(ref reader) ?? reader.GetString()!;
                reader.Read();
                // A name given twice: the last, as a dictionary deserialized reads it. The digests stay JSON whatever they hold, as
                // DigestHeader reads them (a text there would be read as the digests' JSON).
                headers[name] = reader.TokenType == JsonTokenType.String && name != Core.Vouching.DigestHeader.Name
                    ? reader.GetString()!
                    : JsonElement.ParseValue(ref reader);
            }

            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? headers : null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static string? KnownName(ref Utf8JsonReader reader)
    {
        foreach (var known in KnownHeaders)
        {
            if (reader.ValueTextEquals(known))
            {
                return known;
            }
        }

        return null;
    }
}

/// <summary>
/// Turns stored rows into typed events (<see cref="IEvent"/>, with their data deserialized as the
/// store would and their headers and metadata), by the event type names the store maps.
/// </summary>
public sealed class EventTyping
{
    private readonly IReadOnlyDictionary<string, Type> _types;
    private readonly ISerializer _serializer;

    public EventTyping(IDocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _types = store.Options.Events.AllKnownEventTypes()
            .GroupBy(t => t.EventTypeName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().EventType, StringComparer.Ordinal);
        _serializer = store.Options.Serializer();
    }

    /// <summary>
    /// The event types of these kinds and of the core (deadlines, hand-overs, complaints), by their stored
    /// names, for reading events with no store (a bundle checked offline).
    /// </summary>
    public EventTyping(CaseKinds kinds, ISerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        _types = kinds.All.SelectMany(k => k.EventNames).Select(e => (Name: e.Value, Type: e.Key))
            .Concat(Core.Service.ServiceEvents.All.Select(e => (e.Name, e.Type)))
            .GroupBy(e => e.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
    }

    /// <summary>The type an event type name maps to, if the store knows it.</summary>
    public Type? TypeOf(string name) => _types.GetValueOrDefault(name);

    /// <summary>The row as a typed event; null when its type name is not one the store maps (a tombstone, say).</summary>
    public IEvent? ToEvent(ChainVerifier.StoredEvent row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (TypeOf(row.Chained.Type) is not { } type)
        {
            return null;
        }

        var data = Deserialize(type, row.Chained.DataJson);
        var e = new ReadBackEvent(data);
        e.Id = row.Id;
        e.Sequence = row.Sequence;
        e.Version = row.Chained.Version;
        e.StreamId = row.Chained.CaseId;
        e.TenantId = row.Chained.District;
        e.Timestamp = row.Chained.Time;
        e.EventTypeName = row.Chained.Type;
        e.UserName = row.Chained.Actor;
        e.CorrelationId = row.Chained.CorrelationId;
        e.CausationId = row.Chained.CausationId;
        e.IsArchived = row.Archived;
        if (row.Chained.Headers is { } headers
            && (row.ParsedHeaders ?? StoredEvents.ParseHeaders(headers) ?? throw new JsonException("The event's headers are not a JSON object.")) is { } parsed)
        {
            foreach (var (name, value) in parsed)
            {
                e.SetHeader(name, value);
            }
        }

        return e;
    }

    [ThreadStatic]
    private static byte[]? _utf8;

    /// <summary>An event's data read as the store reads it, from its UTF-8 written into a buffer the thread reuses (every event of a district is read).</summary>
    private object Deserialize(Type type, string json)
    {
        var length = System.Text.Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_utf8 is null || _utf8.Length < length)
        {
            _utf8 = new byte[Math.Max(length, 16 * 1024)];
        }

        var written = System.Text.Encoding.UTF8.GetBytes(json, _utf8);
        return _serializer.FromJson(type, new MemoryStream(_utf8, 0, written, writable: false, publiclyVisible: true));
    }
}
