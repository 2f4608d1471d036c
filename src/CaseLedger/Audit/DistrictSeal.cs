using System.Security.Cryptography;
using System.Text;
using CaseLedger.Core;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Audit;

/// <summary>
/// A district's chain heads were sealed: the Merkle root over every case's newest link at that moment.
/// Recorded as an event in the district's seal stream (itself hash-chained), so rewriting any sealed
/// history afterwards no longer matches the root an auditor holds.
/// </summary>
public sealed record DistrictSealed(string District, long Number, DateTimeOffset SealedAt, int Cases, string MerkleRoot, string? PreviousRoot);

/// <summary>The heads a seal covered, kept so a whole district can be re-verified and proofs drawn.</summary>
public sealed record SealManifest
{
    /// <summary><c>seal-{number}</c>.</summary>
    public string Id { get; init; } = "";

    public long Number { get; init; }

    public DateTimeOffset SealedAt { get; init; }

    public string MerkleRoot { get; init; } = "";

    public IReadOnlyList<SealedHead> Heads { get; init; } = [];

    public static string IdFor(long number) => $"seal-{number}";
}

public static class DistrictSeals
{
    public const string EventName = "ledger.district_sealed.v1";
    public const string SealerActor = "caseledger:sealer";

    /// <summary>The seal stream of a district: a fixed id derived from the district's name.</summary>
    public static Guid StreamFor(string district)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("caseledger-seal-stream:" + district)).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // mark as a name-derived id, not a random one
        return new Guid(bytes);
    }

    /// <summary>
    /// Seals the district's current chain heads, unless nothing changed since the last seal or the
    /// district has no case yet (then returns null). A concurrent seal makes this one fail with a concurrency error; nothing is lost.
    /// </summary>
    public static async Task<DistrictSealed?> SealAsync(IDocumentStore store, string district, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stream = StreamFor(district);
        await using var session = store.LightweightSession(district);
        var heads = Merkle.Order((await session.Query<ChainHead>().Where(h => h.Id != stream).ToListAsync(ct))
            .Select(h => new SealedHead(h.Id, h.Version, h.Hash)));
        var previous = await LatestAsync(session, ct);
        if (previous is null ? heads.Count == 0 : previous.Heads.SequenceEqual(heads))
        {
            return null;
        }

        var number = (previous?.Number ?? 0) + 1;
        var root = Merkle.Root(heads);
        var sealedEvent = new DistrictSealed(district, number, now, heads.Count, root, previous?.MerkleRoot);
        new Acting(SealerActor, Channel.System, Role.Administrator).ApplyTo(session);
        if (previous is null)
        {
            session.Events.StartStream(stream, sealedEvent);
        }
        else
        {
            session.Events.Append(stream, number, sealedEvent);
        }

        session.Store(new SealManifest { Id = SealManifest.IdFor(number), Number = number, SealedAt = now, MerkleRoot = root, Heads = heads });
        await session.SaveChangesAsync(ct);
        return sealedEvent;
    }

    public static async Task<SealManifest?> LatestAsync(IQuerySession session, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.Query<SealManifest>().OrderByDescending(m => m.Number).FirstOrDefaultAsync(ct);
    }

    /// <summary>The latest seal covering the given case, with the head it sealed.</summary>
    public static async Task<(SealManifest Seal, SealedHead Head)?> LatestCoveringAsync(IQuerySession session, Guid caseId, CancellationToken ct = default)
    {
        var latest = await LatestAsync(session, ct);
        return latest?.Heads.FirstOrDefault(h => h.CaseId == caseId) is { } head ? (latest, head) : null;
    }

    /// <summary>Every district that has a case, read across tenants.</summary>
    public static async Task<IReadOnlyList<string>> DistrictsAsync(IDocumentStore store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select distinct tenant_id from {store.Options.Events.DatabaseSchemaName}.mt_streams order by tenant_id";
        var districts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            districts.Add(reader.GetString(0));
        }

        return districts;
    }

    internal static void Register(StoreOptions options)
    {
        options.Events.MapEventType<DistrictSealed>(EventName);
        options.Schema.For<SealManifest>().Index(m => m.Number);
    }

    /// <summary>The seal stream's events are not a case; the audit trail still lists them.</summary>
    internal static EventDescription? Describe(IEvent e) => e.Data is DistrictSealed s
        ? new EventDescription($"District {s.District} sealed (seal {s.Number}): {s.Cases} case chains under root {s.MerkleRoot[..16]}…")
        : null;
}
