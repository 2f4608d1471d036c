using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CaseLedger.Core;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Audit;

/// <summary>
/// Everything a chain link covers, read either from an event being appended or from a stored row.
/// <paramref name="Time"/> is truncated to whole microseconds, the precision PostgreSQL stores.
/// </summary>
public sealed record ChainedEvent(
    Guid CaseId,
    string District,
    long Version,
    string Type,
    DateTimeOffset Time,
    string? Actor,
    string? OnBehalfOf,
    string? Channel,
    string? Rule,
    string? CorrelationId,
    string? CausationId,
    string DataJson)
{
    /// <summary>The role the actor acted in; events recorded before roles were kept have none (and a v1 link).</summary>
    public string? Role { get; init; }

    /// <summary>The issuer of the token the actor signed in with, when there was one.</summary>
    public string? Issuer { get; init; }

    /// <summary>Every header of the event, as a JSON object (null: none); all of them are chained in the v3 format.</summary>
    public string? Headers { get; init; }

    /// <summary>The event's global sequence number; chained in the v3 format.</summary>
    public long Sequence { get; init; }
}

/// <summary>
/// The hash chain of a case: each link is SHA-256 over the previous link and the canonical form of
/// one event (its case, district, version, type, time, metadata and data). Changing, removing or
/// reordering any event changes every link from there on. The exact byte layout is documented in
/// docs/tamper-evidence.md so that anyone can recompute it.
/// </summary>
public static class ChainHashing
{
    /// <summary>
    /// The link format of events appended now: every header (whatever its name, so a header added
    /// later is covered with no change of format) and the event's global sequence are chained.
    /// </summary>
    public const string Format = "caseledger-chain-v3";

    /// <summary>The link format of events that recorded the actor's role and issuer, before every header was chained.</summary>
    public const string FormatWithRoles = "caseledger-chain-v2";

    /// <summary>The link format of events recorded before roles were kept: no role, no issuer.</summary>
    public const string FormatWithoutRoles = "caseledger-chain-v1";

    /// <summary>The "previous link" of a case's first event.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>What the hash chain covers of an event, with its data and headers serialized as the store stores them.</summary>
    public static ChainedEvent FromEvent(IEvent e, ISerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(serializer);
        return new ChainedEvent(e.StreamId, e.TenantId, e.Version, e.EventTypeName, ToStoredPrecision(e.Timestamp),
            e.UserName, EventMetadata.Header(e, CaseHeaders.OnBehalfOf), EventMetadata.Header(e, CaseHeaders.Channel),
            EventMetadata.Header(e, CaseHeaders.Rule), e.CorrelationId, e.CausationId, serializer.ToJson(e.Data))
        {
            Role = EventMetadata.Header(e, CaseHeaders.Role),
            Issuer = EventMetadata.Header(e, CaseHeaders.Issuer),
            Headers = e.Headers is { Count: > 0 } headers ? serializer.ToJson(headers) : null,
            Sequence = e.Sequence,
        };
    }

    /// <summary>The link of an event appended now (<see cref="Format"/>).</summary>
    public static string Link(string previous, ChainedEvent e) => Link(previous, e, Format);

    /// <summary>The link of an event in the given format (a link records the format it was made in; links made before formats were recorded are v1 or v2).</summary>
    public static string Link(string previous, ChainedEvent e, string format)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(e);
        if (format != Format)
        {
            return Sha256(previous + "\n" + Canonical(e, format));
        }

        // The v3 form written straight to UTF-8 bytes (the same bytes as Canonical), as appending and
        // verifying hash every event.
        var writer = Writer;
        writer.Clear();
        writer.Raw(previous);
        writer.Raw("\n");
        WriteV3(writer, e);
        return Convert.ToHexStringLower(SHA256.HashData(writer.Written));
    }

    [ThreadStatic]
    private static CanonicalWriter? _writer;

    private static CanonicalWriter Writer => _writer ??= new CanonicalWriter();

    private static void WriteV3(CanonicalWriter w, ChainedEvent e)
    {
        var parts = Parts;
        parts.Clear();
        parts.Json(e.DataJson);
        var data = parts.Written.Length;
        WriteHeaders(parts, e);
        WriteV3(w, e, parts.Written[..data], parts.Written[data..]);
    }

    /// <summary>The v3 form, given the canonical data and headers already written.</summary>
    private static void WriteV3(CanonicalWriter w, ChainedEvent e, ReadOnlySpan<byte> data, ReadOnlySpan<byte> headers)
    {
        w.Raw("{\"case\":");
        w.Text(e.CaseId.ToString("D"));
        w.Raw(",\"data\":");
        w.Canonical(data);
        w.Raw(",\"district\":");
        w.Text(e.District);
        w.Raw(",\"format\":");
        w.Text(Format);
        w.Raw(",\"headers\":");
        w.Canonical(headers);
        w.Raw(",\"metadata\":");
        WriteMetadataV3(w, e);
        w.Raw(",\"sequence\":");
        w.Raw(e.Sequence.ToString(CultureInfo.InvariantCulture));
        w.Raw(",\"type\":");
        w.Text(e.Type);
        w.Raw(",\"version\":");
        w.Raw(e.Version.ToString(CultureInfo.InvariantCulture));
        w.Raw("}");
    }

    private static void WriteHeaders(CanonicalWriter w, ChainedEvent e)
    {
        if (e.Headers is { Length: > 0 } headers)
        {
            w.Json(headers);
        }
        else
        {
            w.Raw("{}");
        }
    }

    private static void WriteMetadataV3(CanonicalWriter w, ChainedEvent e)
    {
        w.Raw("{\"actor\":");
        w.TextOrNull(e.Actor);
        w.Raw(",\"causationId\":");
        w.TextOrNull(e.CausationId);
        w.Raw(",\"correlationId\":");
        w.TextOrNull(e.CorrelationId);
        w.Raw(",\"time\":");
        w.Text(FormatTime(e.Time));
        w.Raw("}");
    }

    [ThreadStatic]
    private static CanonicalWriter? _parts;

    /// <summary>A second writer per thread, for the canonical data and headers an event's three hashes share.</summary>
    private static CanonicalWriter Parts => _parts ??= new CanonicalWriter();

    /// <summary>
    /// An event's link (v3), data hash and metadata hash at once, each the same as <see cref="Link(string, ChainedEvent)"/>,
    /// <see cref="DataHash"/> and <see cref="MetadataHash(ChainedEvent)"/> give: its data and headers are put in
    /// canonical form once for the three, as appending hashes every event.
    /// </summary>
    public static (string Link, string DataHash, string MetadataHash) Hashes(string previous, ChainedEvent e)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(e);
        var parts = Parts;
        parts.Clear();
        parts.Json(e.DataJson);
        var dataLength = parts.Written.Length;
        WriteHeaders(parts, e);
        var data = parts.Written[..dataLength];
        var headers = parts.Written[dataLength..];
        var dataHash = Convert.ToHexStringLower(SHA256.HashData(data));

        var w = Writer;
        w.Clear();
        w.Raw("{\"headers\":");
        w.Canonical(headers);
        w.Raw(",\"metadata\":");
        WriteMetadataV3(w, e);
        w.Raw("}");
        var metadataHash = Convert.ToHexStringLower(SHA256.HashData(w.Written));

        w.Clear();
        w.Raw(previous);
        w.Raw("\n");
        WriteV3(w, e, data, headers);
        return (Convert.ToHexStringLower(SHA256.HashData(w.Written)), dataHash, metadataHash);
    }

    /// <summary>The format a stored link was made in: the one it records, else v2 for an event that recorded a role, v1 before.</summary>
    public static string FormatOf(ChainLink link, ChainedEvent e)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(e);
        return link.Format is { Length: > 0 } recorded ? recorded : e.Role is null ? FormatWithoutRoles : FormatWithRoles;
    }

    /// <summary>The hash of the data alone, kept beside each link so a verifier can tell a changed payload from changed metadata.</summary>
    public static string DataHash(ChainedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var writer = Writer;
        writer.Clear();
        writer.Json(e.DataJson);
        return Convert.ToHexStringLower(SHA256.HashData(writer.Written));
    }

    /// <summary>The hash of the metadata alone (time and who/how; in v3 also every header), for the same reason.</summary>
    public static string MetadataHash(ChainedEvent e) => MetadataHash(e, Format);

    /// <summary>The hash of the metadata alone in the given format.</summary>
    public static string MetadataHash(ChainedEvent e, string format) =>
        Sha256(format == Format ? "{\"headers\":" + HeadersOf(e) + ",\"metadata\":" + Metadata(e, format) + "}" : Metadata(e, format));

    /// <summary>The canonical text of one event appended now.</summary>
    public static string Canonical(ChainedEvent e) => Canonical(e, Format);

    /// <summary>The canonical text of one event in the given format: a JSON object in canonical form.</summary>
    public static string Canonical(ChainedEvent e, string format)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(format);
        if (format == Format)
        {
            return CanonicalV3(e);
        }

        var builder = new StringBuilder();
        builder.Append('{');
        Field(builder, "case", e.CaseId.ToString("D"), first: true);
        builder.Append(",\"data\":").Append(CanonicalJson.Canonicalize(e.DataJson));
        Field(builder, "district", e.District);
        builder.Append(",\"format\":");
        CanonicalJson.AppendString(builder, format);
        builder.Append(",\"metadata\":").Append(Metadata(e, format));
        Field(builder, "type", e.Type);
        builder.Append(",\"version\":").Append(e.Version.ToString(CultureInfo.InvariantCulture));
        builder.Append('}');
        return builder.ToString();
    }

    /// <summary>Truncates an instant to the microsecond, as PostgreSQL stores it, in UTC.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    public static string FormatTime(DateTimeOffset time) =>
        ToStoredPrecision(time).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Sha256(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// v3: the event with every header as stored (a JSON object, <c>{}</c> when there is none) and its
    /// global sequence; the metadata keeps only what is not a header (actor, correlation, causation, time).
    /// </summary>
    private static string CanonicalV3(ChainedEvent e)
    {
        var builder = new StringBuilder();
        builder.Append('{');
        Field(builder, "case", e.CaseId.ToString("D"), first: true);
        builder.Append(",\"data\":").Append(CanonicalJson.Canonicalize(e.DataJson));
        Field(builder, "district", e.District);
        Field(builder, "format", Format);
        builder.Append(",\"headers\":").Append(HeadersOf(e));
        builder.Append(",\"metadata\":").Append(Metadata(e, Format));
        builder.Append(",\"sequence\":").Append(e.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(builder, "type", e.Type);
        builder.Append(",\"version\":").Append(e.Version.ToString(CultureInfo.InvariantCulture));
        builder.Append('}');
        return builder.ToString();
    }

    private static string HeadersOf(ChainedEvent e) => e.Headers is { Length: > 0 } headers ? CanonicalJson.Canonicalize(headers) : "{}";

    private static string Metadata(ChainedEvent e, string format)
    {
        // Members in ordinal order; absent values are written as null so every link has the same shape.
        var builder = new StringBuilder();
        builder.Append('{');
        Optional(builder, "actor", e.Actor, first: true);
        Optional(builder, "causationId", e.CausationId);
        if (format == Format)
        {
            // v3: channel, role, issuer, on behalf of and rule are headers, chained with all the others.
            Optional(builder, "correlationId", e.CorrelationId);
            Field(builder, "time", FormatTime(e.Time));
            builder.Append('}');
            return builder.ToString();
        }

        Optional(builder, "channel", e.Channel);
        Optional(builder, "correlationId", e.CorrelationId);
        if (format == FormatWithRoles)
        {
            // v2: who vouched for the actor, and in which role they acted, are part of what is chained.
            Optional(builder, "issuer", e.Issuer);
        }

        Optional(builder, "onBehalfOf", e.OnBehalfOf);
        if (format == FormatWithRoles)
        {
            Optional(builder, "role", e.Role);
        }

        Optional(builder, "rule", e.Rule);
        Field(builder, "time", FormatTime(e.Time));
        builder.Append('}');
        return builder.ToString();
    }

    private static void Field(StringBuilder builder, string name, string value, bool first = false)
    {
        if (!first)
        {
            builder.Append(',');
        }

        CanonicalJson.AppendString(builder, name);
        builder.Append(':');
        CanonicalJson.AppendString(builder, value);
    }

    private static void Optional(StringBuilder builder, string name, string? value, bool first = false)
    {
        if (!first)
        {
            builder.Append(',');
        }

        CanonicalJson.AppendString(builder, name);
        builder.Append(':');
        if (value is null)
        {
            builder.Append("null");
        }
        else
        {
            CanonicalJson.AppendString(builder, value);
        }
    }
}
