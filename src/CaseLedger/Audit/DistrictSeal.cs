using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CaseLedger.Core;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CaseLedger.Audit;

/// <summary>
/// A district was sealed: its seal log, every chain link sealed so far in the order sealed, had
/// <paramref name="TreeSize"/> leaves with <paramref name="Root"/>, signed with the key
/// <paramref name="KeyId"/>. Recorded in the district's seal stream for the audit trail; the signed
/// seal itself is a <see cref="SealRecord"/> and a file in the witness folder.
/// </summary>
public sealed record DistrictSealed(string District, long Number, DateTimeOffset SealedAt, long TreeSize, string Root, long NewLinks, string KeyId,
    string Signature);

/// <summary>
/// A seal of the first design (unsigned, one leaf per case head). Kept readable so that seal streams
/// recorded before signed seals still load; verification no longer relies on them.
/// </summary>
public sealed record LegacyDistrictSealed(string District, long Number, DateTimeOffset SealedAt, int Cases, string MerkleRoot, string? PreviousRoot);

/// <summary>A signed seal as the database keeps it, by number.</summary>
public sealed record SealRecord
{
    /// <summary><c>seal-{number}</c>.</summary>
    public string Id { get; init; } = "";

    public long Number { get; init; }

    public SealFile File { get; init; } = null!;

    /// <summary>
    /// Recorded, but not yet written to the witness folder: no witness has seen it, so it does not count
    /// as published, and the next seal publishes it first. False for seals recorded before this was kept.
    /// </summary>
    public bool AwaitingPublication { get; init; }

    public static string IdFor(long number) => $"seal-{number.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>One leaf of a district's seal log: a chain link, at its place in the order sealed.</summary>
public sealed record SealedLink
{
    /// <summary>The leaf's index, in decimal.</summary>
    public string Id { get; init; } = "";

    public long Index { get; init; }

    public Guid CaseId { get; init; }

    public long Version { get; init; }

    /// <summary>The chain link (hash) sealed.</summary>
    public string Link { get; init; } = "";

    /// <summary>The seal that first covered it.</summary>
    public long Seal { get; init; }

    public static string IdFor(long index) => index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A complete inner subtree of the seal log (level 1 and up), kept so proofs need no recomputation.</summary>
public sealed record SealTreeNode
{
    /// <summary><c>{level}:{index}</c>.</summary>
    public string Id { get; init; } = "";

    public string Hash { get; init; } = "";

    public static string IdFor(int level, long index) => string.Create(CultureInfo.InvariantCulture, $"{level}:{index}");
}

/// <summary>How far a case's chain is sealed: its newest sealed link and where it stands in the log.</summary>
public sealed record SealCursor
{
    /// <summary>The case id.</summary>
    public Guid Id { get; init; }

    public long Version { get; init; }

    public string Link { get; init; } = "";

    public long LeafIndex { get; init; }

    public long Seal { get; init; }
}

/// <summary>Why a case was left out of a seal.</summary>
public enum WithholdingReason
{
    /// <summary>Its chain head is below the version that was sealed: its newest sealed events are gone.</summary>
    CutBack,

    /// <summary>Its chain head stands at the sealed version with another link: the history the seal covered was rewritten.</summary>
    Rewritten,

    /// <summary>A chain link between the sealed version and the head is missing.</summary>
    LinkMissing,

    /// <summary>A chain link between the sealed version and the head does not follow from the one before it.</summary>
    LinkBroken,

    /// <summary>The chain head does not name the case's newest link.</summary>
    HeadMismatch,
}

/// <summary>A case a seal left out, because its chain no longer extends what was sealed of it, and why.</summary>
public sealed record WithheldCase(Guid CaseId, WithholdingReason Reason, string Detail);

/// <summary>
/// What a request to seal did: the seal made (null when there was nothing new); the cases left out
/// because their chain no longer extends what was sealed; the latest seal; the seals it published to
/// the witness folder (earlier ones that had waited, then its own), and those still recorded but not
/// published, with why (<see cref="WitnessProblem"/>). A seal is published only once its file is in
/// the witness folder.
/// </summary>
public sealed record SealOutcome(
    SealFile? Seal,
    IReadOnlyList<WithheldCase> Withheld,
    long? Latest,
    IReadOnlyList<long> Published,
    IReadOnlyList<long> Unpublished,
    string? WitnessProblem)
{
    /// <summary>Publishing stopped because the witness folder holds another seal under the number: evidence, not a passing failure.</summary>
    public bool Diverged { get; init; }
}

public static class DistrictSeals
{
    public const string EventName = "ledger.district_sealed.v2";
    public const string LegacyEventName = "ledger.district_sealed.v1";
    public const string SealerActor = "caseledger:sealer";

    /// <summary>Link ids loaded per round trip.</summary>
    private const int Batch = 2000;

    /// <summary>The seal stream of a district: a fixed id derived from the district's name.</summary>
    public static Guid StreamFor(string district)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("caseledger-seal-stream:" + district)).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // mark as a name-derived id, not a random one
        return new Guid(bytes);
    }

    /// <summary>
    /// Seals every chain link appended in the district since the last seal: appends them to the
    /// district's seal log, signs the new root with a proof that it extends the previous seal, records
    /// the seal and publishes it to the witness folder. Seals of one district are made one at a time
    /// (a PostgreSQL advisory lock held by the sealing transaction): a second request waits, then finds
    /// nothing new. A case whose chain no longer extends what was sealed is left out and named.
    /// </summary>
    /// <remarks>
    /// A seal is recorded first and published after its transaction commits, so the witness folder
    /// never holds a seal the database lacks. One that cannot be published stays recorded as
    /// <see cref="SealRecord.AwaitingPublication"/>, and every later attempt publishes the waiting seals
    /// first, oldest first, before its own: the witness folder fills in order. While they cannot be
    /// published, new links are still sealed (a signed root in the database still catches a rewrite),
    /// and the outcome names every seal not yet published.
    /// </remarks>
    public static async Task<SealOutcome> SealAsync(IDocumentStore store, Sealing sealing, string district, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sealing);
        if (!CommandPipeline.IsDistrictId(district))
        {
            throw new ArgumentException($"'{district}' is not a district id.", nameof(district));
        }

        var stream = StreamFor(district);
        await using var session = store.LightweightSession(district);
        await session.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("select pg_advisory_xact_lock(@key)"))
        {
            lockCommand.Parameters.AddWithValue("key", LockKey(district));
            await session.ExecuteAsync(lockCommand, ct);
        }

        var latest = await LatestAsync(session, ct);
        CheckWitness(sealing.Witness, district, latest);
        var waiting = await SealPublication.WaitingAsync(session, ct);
        var (published, problem) = SealPublication.PublishWaiting(sealing.Witness, waiting, session);
        var stillWaiting = waiting.Select(w => w.Number).Except(published).ToList();
        var changed = await ChangedCasesAsync(session, store, district, stream, ct);
        var (links, withheld) = await NewLinksAsync(session, changed, ct);
        if (links.Count == 0)
        {
            if (published.Count > 0)
            {
                await session.SaveChangesAsync(ct);
            }

            return new SealOutcome(null, withheld, latest?.Number, published, stillWaiting, problem);
        }

        var oldSize = latest?.File.Statement.TreeSize ?? 0;
        var frontierShape = MerkleLog.Frontier(oldSize);
        var known = await SubtreesAsync(session, district, frontierShape, ct);
        var frontier = new MerkleFrontier(oldSize, frontierShape.Select(f => known.TryGetValue(f, out var h) ? h : throw new MerkleNodeMissingException(f.Level, f.Index)));
        var added = new Dictionary<(int Level, long Index), byte[]>(known);
        var number = ((await session.Events.FetchStreamStateAsync(stream, ct))?.Version ?? 0) + 1;
        var cursors = new Dictionary<Guid, SealCursor>();
        foreach (var link in links.OrderBy(l => l.Sequence).ThenBy(l => l.CaseId).ThenBy(l => l.Version))
        {
            var index = frontier.Size;
            var leaf = MerkleLog.LeafHash(district, link.CaseId, link.Version, link.Hash);
            added[(0, index)] = leaf;
            frontier.Append(leaf, (level, at, hash) =>
            {
                added[(level, at)] = hash;
                session.Store(new SealTreeNode { Id = SealTreeNode.IdFor(level, at), Hash = MerkleLog.Hex(hash) });
            });
            session.Store(new SealedLink { Id = SealedLink.IdFor(index), Index = index, CaseId = link.CaseId, Version = link.Version, Link = link.Hash, Seal = number });
            if (!cursors.TryGetValue(link.CaseId, out var before) || before.Version < link.Version)
            {
                cursors[link.CaseId] = new SealCursor { Id = link.CaseId, Version = link.Version, Link = link.Hash, LeafIndex = index, Seal = number };
            }
        }

        foreach (var cursor in cursors.Values)
        {
            session.Store(cursor);
        }

        var newSize = frontier.Size;
        var proof = await MerkleLog.WithSubtreesAsync(nodes => MerkleLog.ConsistencyProof(oldSize, newSize, nodes), async wanted =>
        {
            var missing = wanted.Where(w => !added.ContainsKey(w)).ToList();
            var loaded = missing.Count == 0 ? new Dictionary<(int Level, long Index), byte[]>() : await SubtreesAsync(session, district, missing, ct);
            return wanted.Where(w => added.ContainsKey(w) || loaded.ContainsKey(w))
                .ToDictionary(w => w, w => added.TryGetValue(w, out var h) ? h : loaded[w]);
        });

        var statement = new SealStatement(SealStatement.CurrentFormat, district, number, ChainHashing.FormatTime(now), newSize, MerkleLog.Hex(frontier.Root()),
            latest?.File.Statement.Reference, links.Count, sealing.Key.KeyId);
        var seal = SealFile.Sign(statement, sealing.Key, [.. proof.Select(MerkleLog.Hex)]);
        var record = new SealRecord { Id = SealRecord.IdFor(number), Number = number, File = seal, AwaitingPublication = true };
        session.Store(record);
        var recorded = new DistrictSealed(district, number, now, newSize, statement.Root, links.Count, statement.KeyId, seal.Signature);
        new Acting(SealerActor, Channel.System, Role.Administrator).ApplyTo(session);
        if (number == 1)
        {
            session.Events.StartStream(stream, recorded);
        }
        else
        {
            session.Events.Append(stream, number, recorded);
        }

        await session.SaveChangesAsync(ct);
        if (problem is not null)
        {
            // Published after the seals before it, never ahead of them: the next attempt publishes them all in order.
            return new SealOutcome(seal, withheld, number, published, [.. stillWaiting, number], problem);
        }

        try
        {
            sealing.Witness.Publish(seal);
        }
        catch (SealNotPublishedException e)
        {
            return new SealOutcome(seal, withheld, number, published, [number], e.Message);
        }
        catch (SealsDivergedException e)
        {
            return new SealOutcome(seal, withheld, number, published, [number], e.Message) { Diverged = true };
        }

        await SealPublication.MarkPublishedAsync(store, district, record, ct);
        return new SealOutcome(seal, withheld, number, [.. published, number], [], null);
    }

    /// <summary>The latest signed seal of the district (the session's tenant).</summary>
    public static async Task<SealRecord?> LatestAsync(IQuerySession session, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.Query<SealRecord>().OrderByDescending(m => m.Number).FirstOrDefaultAsync(ct);
    }

    public static async Task<SealRecord?> GetAsync(IQuerySession session, long number, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.LoadAsync<SealRecord>(SealRecord.IdFor(number), ct);
    }

    /// <summary>The proof that seal <paramref name="from"/>'s log is a prefix of seal <paramref name="to"/>'s, from the stored log.</summary>
    public static async Task<IReadOnlyList<string>> ConsistencyProofAsync(IQuerySession session, string district, SealStatement from, SealStatement to,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var proof = await MerkleLog.WithSubtreesAsync(nodes => MerkleLog.ConsistencyProof(from.TreeSize, to.TreeSize, nodes),
            wanted => SubtreesAsync(session, district, wanted, ct));
        return [.. proof.Select(MerkleLog.Hex)];
    }

    /// <summary>The inclusion proof of leaf <paramref name="index"/> in the log of <paramref name="size"/> leaves, from the stored log.</summary>
    public static async Task<IReadOnlyList<string>> InclusionProofAsync(IQuerySession session, string district, long index, long size, CancellationToken ct = default)
    {
        var proof = await MerkleLog.WithSubtreesAsync(nodes => MerkleLog.InclusionProof(index, size, nodes), wanted => SubtreesAsync(session, district, wanted, ct));
        return [.. proof.Select(MerkleLog.Hex)];
    }

    /// <summary>
    /// The stored complete subtrees asked for: leaves are hashed from their <see cref="SealedLink"/>,
    /// inner subtrees read from their <see cref="SealTreeNode"/>. Anything missing is simply absent.
    /// </summary>
    public static async Task<IReadOnlyDictionary<(int Level, long Index), byte[]>> SubtreesAsync(IQuerySession session, string district,
        IReadOnlyCollection<(int Level, long Index)> wanted, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(wanted);
        var found = new Dictionary<(int Level, long Index), byte[]>();
        foreach (var chunk in wanted.Where(w => w.Level == 0).Select(w => SealedLink.IdFor(w.Index)).Chunk(Batch))
        {
            foreach (var leaf in await session.LoadManyAsync<SealedLink>(ct, chunk))
            {
                found[(0, leaf.Index)] = MerkleLog.LeafHash(district, leaf.CaseId, leaf.Version, leaf.Link);
            }
        }

        foreach (var chunk in wanted.Where(w => w.Level > 0).Chunk(Batch))
        {
            var byId = chunk.ToDictionary(w => SealTreeNode.IdFor(w.Level, w.Index));
            foreach (var node in await session.LoadManyAsync<SealTreeNode>(ct, byId.Keys))
            {
                if (byId.TryGetValue(node.Id, out var at) && MerkleLog.FromHex(node.Hash) is { } hash)
                {
                    found[at] = hash;
                }
            }
        }

        return found;
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
        options.Events.MapEventType<LegacyDistrictSealed>(LegacyEventName);
        options.Schema.For<SealRecord>().Index(m => m.Number).Index(m => m.AwaitingPublication);
        options.Schema.For<SealedLink>().Index(l => l.CaseId);
        options.Schema.For<SealTreeNode>();
        options.Schema.For<SealCursor>();
    }

    /// <summary>The seal stream's events are not a case; the audit trail still lists them.</summary>
    internal static EventDescription? Describe(IEvent e) => e.Data switch
    {
        DistrictSealed s => new EventDescription(
            $"District {s.District} sealed (seal {s.Number}): {s.NewLinks} new chain links, {s.TreeSize} in all, under root {s.Root[..16]}…"),
        LegacyDistrictSealed s => new EventDescription($"District {s.District} sealed (seal {s.Number}): {s.Cases} case chains under root {s.MerkleRoot[..16]}…"),
        _ => null,
    };

    /// <summary>Whether an event is one of the seal stream's.</summary>
    internal static bool IsSeal(object? data) => data is DistrictSealed or LegacyDistrictSealed;

    /// <summary>The advisory lock that makes a district's seals one at a time: 64 bits of a hash of its name.</summary>
    private static long LockKey(string district) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("caseledger-seal-lock:" + district)), 0);

    /// <summary>
    /// Refuses to seal when the witness folder holds a seal the database does not, or a different one
    /// under the latest number: sealed history was removed or replaced, and a new seal must not paper
    /// over it. A published seal whose file is gone is not written again: that would hide that someone
    /// removed it; verification reports it until someone who looked puts it back.
    /// </summary>
    private static void CheckWitness(SealWitnessFolder witness, string district, SealRecord? latest)
    {
        var published = witness.List(district);
        var newest = published.Count == 0 ? (long?)null : published[^1].Number;
        if (newest > (latest?.Number ?? 0))
        {
            throw new SealsDivergedException($"Seal {newest} of {district} was published to {witness.Folder}, but the database's latest seal is " +
                                              $"{latest?.Number.ToString(CultureInfo.InvariantCulture) ?? "none"}: sealed history was removed from the database. " +
                                              "If the database was recreated on purpose, move that district's seal folder aside first.");
        }

        if (latest is { AwaitingPublication: false } && published.LastOrDefault(p => p.Number == latest.Number) is { File: { } file })
        {
            var (there, _) = SealWitnessFolder.Read(file);
            if (there is null || there.Statement != latest.File.Statement || there.Signature != latest.File.Signature)
            {
                throw new SealsDivergedException($"{file} holds something other than the database's seal {latest.Number} of {district}: " +
                                                  "the database's seals no longer match the published ones.");
            }
        }
    }

    private sealed record ChangedCase(Guid CaseId, long HeadVersion, string HeadHash, long? SealedVersion, string? SealedLink);

    /// <summary>Cases whose chain head differs from how far they are sealed, by one join in the database.</summary>
    private static async Task<IReadOnlyList<ChangedCase>> ChangedCasesAsync(IDocumentSession session, IDocumentStore store, string district, Guid stream,
        CancellationToken ct)
    {
        var heads = store.Options.FindOrResolveDocumentType(typeof(ChainHead)).TableName.QualifiedName;
        var cursors = store.Options.FindOrResolveDocumentType(typeof(SealCursor)).TableName.QualifiedName;
        await using var command = new NpgsqlCommand(
            $"select h.id, (h.data ->> 'version')::bigint, h.data ->> 'hash', (c.data ->> 'version')::bigint, c.data ->> 'link' " +
            $"from {heads} h left join {cursors} c on c.tenant_id = h.tenant_id and c.id = h.id " +
            "where h.tenant_id = @district and h.id <> @stream " +
            "and (c.id is null or (h.data ->> 'version')::bigint <> (c.data ->> 'version')::bigint or h.data ->> 'hash' <> c.data ->> 'link')");
        command.Parameters.AddWithValue("district", district);
        command.Parameters.AddWithValue("stream", stream);
        var changed = new List<ChangedCase>();
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            changed.Add(new ChangedCase(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return changed;
    }

    /// <summary>
    /// The links each changed case appended since it was last sealed, provided they follow on from the
    /// sealed link; a case whose chain does not (rewound, rewritten, a link missing) is withheld, with why.
    /// </summary>
    private static async Task<(IReadOnlyList<ChainLink> Links, IReadOnlyList<WithheldCase> Withheld)> NewLinksAsync(IDocumentSession session,
        IReadOnlyList<ChangedCase> changed, CancellationToken ct)
    {
        var withheld = changed.Where(c => c.HeadVersion <= (c.SealedVersion ?? 0)).Select(NotGrowing).ToList();
        var growing = changed.Where(c => c.HeadVersion > (c.SealedVersion ?? 0)).ToList();
        var ids = growing.SelectMany(c => Versions(c).Select(v => ChainLink.IdFor(c.CaseId, v))).ToList();
        var loaded = new Dictionary<string, ChainLink>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(Batch))
        {
            foreach (var link in await session.LoadManyAsync<ChainLink>(ct, chunk))
            {
                loaded[link.Id] = link;
            }
        }

        var links = new List<ChainLink>();
        foreach (var c in growing)
        {
            var previous = c.SealedLink ?? ChainHashing.Genesis;
            var chain = new List<ChainLink>();
            WithheldCase? broken = null;
            foreach (var version in Versions(c))
            {
                if (!loaded.TryGetValue(ChainLink.IdFor(c.CaseId, version), out var link) || link.Version != version)
                {
                    broken = new WithheldCase(c.CaseId, WithholdingReason.LinkMissing,
                        $"the chain link of version {version} is missing, so versions {version} to {c.HeadVersion} cannot be sealed");
                    break;
                }

                if (link.Previous != previous)
                {
                    broken = new WithheldCase(c.CaseId, WithholdingReason.LinkBroken, version == (c.SealedVersion ?? 0) + 1 && c.SealedVersion is { } at
                        ? $"the chain link of version {version} does not follow from the link sealed at version {at}: what was sealed was rewritten"
                        : $"the chain link of version {version} does not follow from the one before it");
                    break;
                }

                chain.Add(link);
                previous = link.Hash;
            }

            if (broken is null && previous != c.HeadHash)
            {
                broken = new WithheldCase(c.CaseId, WithholdingReason.HeadMismatch,
                    $"the chain head (version {c.HeadVersion}) does not name the link of that version");
            }

            if (broken is null)
            {
                links.AddRange(chain);
            }
            else
            {
                withheld.Add(broken);
            }
        }

        return (links, withheld);
    }

    /// <summary>Why a case whose head did not move past its sealed version, yet differs from it, is left out.</summary>
    private static WithheldCase NotGrowing(ChangedCase c) => c.HeadVersion < (c.SealedVersion ?? 0)
        ? new WithheldCase(c.CaseId, WithholdingReason.CutBack,
            $"its chain head is at version {c.HeadVersion}, below version {c.SealedVersion} that was sealed: the case was cut back")
        : new WithheldCase(c.CaseId, WithholdingReason.Rewritten,
            $"its chain head at version {c.HeadVersion} is not the link sealed at that version: the history the seal covered was rewritten");

    private static IEnumerable<long> Versions(ChangedCase c)
    {
        for (var v = (c.SealedVersion ?? 0) + 1; v <= c.HeadVersion; v++)
        {
            yield return v;
        }
    }
}
