using System.Text.Json;
using CaseLedger.Core;
using Marten;
using Npgsql;

namespace CaseLedger.Audit;

/// <summary>Where a case's chain first breaks, and what differs there.</summary>
public sealed record BrokenLink(long Version, string What, string? Recorded, string? Found);

/// <summary>The result of recomputing one case's chain from its stored events.</summary>
public sealed record CaseVerification(
    Guid CaseId,
    string District,
    long Events,
    bool Intact,
    BrokenLink? FirstBroken,
    string? Head,
    long? SealNumber,
    bool? MatchesSeal);

/// <summary>The result for every case of a district, and for its latest seal.</summary>
public sealed record DistrictVerification(
    string District,
    int Cases,
    int Intact,
    IReadOnlyList<CaseVerification> Broken,
    long? SealNumber,
    bool? SealRootMatches,
    string? SealProblem)
{
    public bool AllIntact => Broken.Count == 0 && SealRootMatches != false;
}

/// <summary>
/// Recomputes hash chains from the event rows as PostgreSQL holds them, bypassing every cache, and
/// compares them with the links recorded at append time and with the district's latest seal.
/// </summary>
public static class ChainVerifier
{
    /// <summary>A stored event row, read with plain SQL.</summary>
    public sealed record StoredEvent(long Sequence, Guid Id, ChainedEvent Chained);

    public static async Task<CaseVerification?> VerifyCaseAsync(IDocumentStore store, string district, Guid caseId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.QuerySession(district);
        var rows = await ReadEventsAsync(store, district, caseId, ct);
        var links = (await session.Query<ChainLink>().Where(l => l.CaseId == caseId).ToListAsync(ct)).OrderBy(l => l.Version).ToList();
        if (rows.Count == 0 && links.Count == 0)
        {
            return null;
        }

        var covering = await DistrictSeals.LatestCoveringAsync(session, caseId, ct);
        return Verify(caseId, district, rows, links, covering?.Head, covering?.Seal.Number);
    }

    public static async Task<DistrictVerification> VerifyDistrictAsync(IDocumentStore store, string district, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.QuerySession(district);
        var all = await ReadEventsAsync(store, district, null, ct);
        var links = (await session.Query<ChainLink>().ToListAsync(ct)).ToLookup(l => l.CaseId);
        var seal = await DistrictSeals.LatestAsync(session, ct);
        var sealedHeads = seal?.Heads.ToDictionary(h => h.CaseId) ?? [];
        var rowsByCase = all.ToLookup(r => r.Chained.CaseId);
        var caseIds = rowsByCase.Select(g => g.Key).Concat(links.Select(g => g.Key)).Distinct().ToList();
        var results = caseIds
            .Select(id => Verify(id, district, rowsByCase[id].OrderBy(r => r.Chained.Version).ToList(),
                links[id].OrderBy(l => l.Version).ToList(), sealedHeads.GetValueOrDefault(id), seal?.Number))
            .ToList();

        bool? rootMatches = null;
        string? problem = null;
        if (seal is not null)
        {
            rootMatches = Merkle.Root(Merkle.Order(seal.Heads)) == seal.MerkleRoot;
            var recorded = await ReadSealEventAsync(store, district, seal.Number, ct);
            if (!rootMatches.Value)
            {
                problem = "the seal's manifest no longer hashes to its recorded root";
            }
            else if (recorded is null)
            {
                problem = $"seal {seal.Number} has no event in the seal stream";
                rootMatches = false;
            }
            else if (recorded.MerkleRoot != seal.MerkleRoot)
            {
                problem = $"seal {seal.Number}: the manifest's root differs from the sealed event's";
                rootMatches = false;
            }
        }

        var broken = results.Where(r => !r.Intact || r.MatchesSeal == false).ToList();
        return new DistrictVerification(district, results.Count, results.Count - broken.Count, broken, seal?.Number, rootMatches, problem);
    }

    /// <summary>Recomputes one chain and compares it, link by link, with what was recorded.</summary>
    public static CaseVerification Verify(Guid caseId, string district, IReadOnlyList<StoredEvent> rows, IReadOnlyList<ChainLink> links,
        SealedHead? sealedHead, long? sealNumber)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(links);
        var byVersion = rows.ToDictionary(r => r.Chained.Version);
        var linkByVersion = links.ToDictionary(l => l.Version);
        var last = Math.Max(rows.Count == 0 ? 0 : rows.Max(r => r.Chained.Version), links.Count == 0 ? 0 : links.Max(l => l.Version));
        var previous = ChainHashing.Genesis;
        string? sealedHashRecomputed = null;
        for (var version = 1L; version <= last; version++)
        {
            var row = byVersion.GetValueOrDefault(version);
            var link = linkByVersion.GetValueOrDefault(version);
            var hash = row is null ? null : ChainHashing.Link(previous, row.Chained);
            if (row is null || link is null || hash != link.Hash || link.Previous != previous || row.Id != link.EventId || row.Sequence != link.Sequence)
            {
                // Only a mismatch needs the finer hashes that say what differs.
                var broken = Compare(version, previous, row, link, hash);
                return new CaseVerification(caseId, district, rows.Count, false, broken, null, sealNumber,
                    sealedHead is null ? null : sealedHead.Version < version && sealedHashRecomputed == sealedHead.Hash);
            }

            previous = hash;
            if (sealedHead?.Version == version)
            {
                sealedHashRecomputed = previous;
            }
        }

        bool? matchesSeal = sealedHead is null ? null : sealedHashRecomputed == sealedHead.Hash;
        var sealBreak = matchesSeal == false
            ? new BrokenLink(sealedHead!.Version, $"the chain no longer matches seal {sealNumber}: history up to this version was rewritten", sealedHead.Hash, sealedHashRecomputed)
            : null;
        return new CaseVerification(caseId, district, rows.Count, sealBreak is null, sealBreak, previous, sealNumber, matchesSeal);
    }

    private static BrokenLink Compare(long version, string previous, StoredEvent? row, ChainLink? link, string? hash)
    {
        if (row is null)
        {
            return new BrokenLink(version, "the event at this version is missing (deleted)", link?.EventId.ToString(), null);
        }

        if (link is null)
        {
            return new BrokenLink(version, "this event has no chain link: it was written outside CaseLedger", null, row.Id.ToString());
        }

        if (row.Id != link.EventId)
        {
            return new BrokenLink(version, "a different event stands at this version (events were reordered or replaced)",
                link.EventId.ToString(), row.Id.ToString());
        }

        if (row.Sequence != link.Sequence)
        {
            return new BrokenLink(version, "the event's global sequence changed (events were reordered)",
                link.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (row.Chained.Type != link.Type)
        {
            return new BrokenLink(version, "the event type changed", link.Type, row.Chained.Type);
        }

        if (ChainHashing.DataHash(row.Chained) != link.DataHash)
        {
            return new BrokenLink(version, "the event's data changed", link.DataHash, ChainHashing.DataHash(row.Chained));
        }

        if (ChainHashing.ToStoredPrecision(row.Chained.Time) != link.Time)
        {
            return new BrokenLink(version, "the event's time changed", ChainHashing.FormatTime(link.Time), ChainHashing.FormatTime(row.Chained.Time));
        }

        if (ChainHashing.MetadataHash(row.Chained) != link.MetadataHash)
        {
            return new BrokenLink(version, "the event's metadata (actor, on behalf of, channel, rule, correlation) changed",
                link.MetadataHash, ChainHashing.MetadataHash(row.Chained));
        }

        if (link.Previous != previous)
        {
            return new BrokenLink(version, "the recorded link does not follow from the events before it", link.Previous, previous);
        }

        return new BrokenLink(version, "the recorded link was altered", link.Hash, hash);
    }

    /// <summary>Reads event rows with plain SQL: a whole district, or one case.</summary>
    public static async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(IDocumentStore store, string district, Guid? caseId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var schema = store.Options.Events.DatabaseSchemaName;
        command.CommandText =
            $"select seq_id, id, stream_id, version, type, timestamp, data::text, headers::text, user_name, correlation_id, causation_id " +
            $"from {schema}.mt_events where tenant_id = @district" + (caseId is null ? "" : " and stream_id = @case") + " order by stream_id, version";
        command.Parameters.Add(new NpgsqlParameter("district", district));
        if (caseId is { } id)
        {
            command.Parameters.Add(new NpgsqlParameter("case", id));
        }

        var rows = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var headerDocument = reader.IsDBNull(7) ? null : JsonDocument.Parse(reader.GetString(7));
            JsonElement? headers = headerDocument?.RootElement;
            string? Header(string name) =>
                headers is { ValueKind: JsonValueKind.Object } h && h.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(new StoredEvent(reader.GetInt64(0), reader.GetGuid(1), new ChainedEvent(
                reader.GetGuid(2), district, reader.GetInt64(3), reader.GetString(4),
                ChainHashing.ToStoredPrecision(reader.GetFieldValue<DateTimeOffset>(5)),
                Text(8), Header(CaseHeaders.OnBehalfOf), Header(CaseHeaders.Channel), Header(CaseHeaders.Rule), Text(9), Text(10),
                reader.GetString(6))
            {
                Role = Header(CaseHeaders.Role),
                Issuer = Header(CaseHeaders.Issuer),
            }));
        }

        return rows;
    }

    private static async Task<DistrictSealed?> ReadSealEventAsync(IDocumentStore store, string district, long number, CancellationToken ct)
    {
        await using var session = store.QuerySession(district);
        var events = await session.Events.FetchStreamAsync(DistrictSeals.StreamFor(district), number, token: ct);
        return events.Count >= number ? events[(int)number - 1].Data as DistrictSealed : null;
    }
}
