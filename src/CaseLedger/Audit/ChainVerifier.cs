using System.Globalization;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.Rules;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CaseLedger.Audit;

/// <summary>Where a case's chain first breaks, and what differs there.</summary>
public sealed record BrokenLink(long Version, string What, string? Recorded, string? Found);

/// <summary>The result of recomputing one case's chain from its stored events, and comparing it with what was sealed.</summary>
public sealed record CaseVerification(
    Guid CaseId,
    string District,
    long Events,
    bool Intact,
    BrokenLink? FirstBroken,
    string? Head,
    long? SealNumber,
    bool? MatchesSeal)
{
    /// <summary>The newest version of the case the seals cover; later versions are checked by the chain alone.</summary>
    public long? SealedVersion { get; init; }

    /// <summary>
    /// What folding the case's events again found: stored documents (state, read models, service record,
    /// documents and their digest records, audit trail entries, chain head) that are not what the events
    /// produce, and recorded decisions that do not follow from the history before them. Empty when the
    /// chain is broken (its events are not to be folded).
    /// </summary>
    public IReadOnlyList<DocumentFinding> Findings { get; init; } = [];

    /// <summary>Tamper findings commands recorded on this case before deciding (they decided on what its events produce), newest first.</summary>
    public IReadOnlyList<Core.Vouching.TamperFinding> RecordedFindings { get; init; } = [];
}

/// <summary>The result for every case of a district, and for its seals.</summary>
public sealed record DistrictVerification(
    string District,
    int Cases,
    int Intact,
    IReadOnlyList<CaseVerification> Broken,
    long? SealNumber,
    bool? SealsIntact,
    IReadOnlyList<string> SealProblems)
{
    /// <summary>Chain links the latest seal covers (its log's size).</summary>
    public long SealedLinks { get; init; }

    /// <summary>Chain links appended since the latest seal: checked by the chains, not yet by a seal.</summary>
    public long UnsealedLinks { get; init; }

    /// <summary>
    /// Sequence numbers taken by writes that failed (Marten's tombstone events, which keep the event
    /// sequence contiguous). They belong to no case and are not history.
    /// </summary>
    public int FailedWrites { get; init; }

    /// <summary>Seal files in the witness folder for this district.</summary>
    public int PublishedSeals { get; init; }

    /// <summary>What is worth knowing but is not evidence of tampering (a seal not yet published, say).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// Tamper findings commands recorded in the district before deciding (each decided on what its
    /// case's events produce instead), newest first, at most <see cref="ChainVerifier.RecordedFindingsShown"/>;
    /// <see cref="RecordedFindingCount"/> says how many there are in all.
    /// </summary>
    public IReadOnlyList<Core.Vouching.TamperFinding> RecordedFindings { get; init; } = [];

    public int RecordedFindingCount { get; init; }

    /// <summary>
    /// Cells of the district's summaries that are not the sum of what its cases' documents, folded
    /// again from their events, contribute: each names the cell and gives both counts. (A case whose
    /// chain is broken is not folded, so its contribution shows here too.)
    /// </summary>
    public IReadOnlyList<SummaryFinding> SummaryFindings { get; init; } = [];

    public bool AllIntact => Broken.Count == 0 && SealsIntact != false && RecordedFindingCount == 0 && SummaryFindings.Count == 0;
}

/// <summary>A summary cell whose stored count is not what the district's events produce.</summary>
public sealed record SummaryFinding(string Summary, string Bucket, IReadOnlyList<string> Dimensions, string Counter, long Expected, long Stored);

/// <summary>What checking the database against a seal an auditor kept found.</summary>
public sealed record HeldSealVerification(
    string District,
    SealReference Held,
    SealReference? Latest,
    bool Intact,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> ConsistencyProof,
    DistrictVerification? Verification);

/// <summary>
/// Recomputes hash chains from the event rows as PostgreSQL holds them, bypassing every cache, and
/// compares them with the links recorded at append time, with the district's seal log, with the
/// signed seals and with the seal files published outside the database.
/// </summary>
public static class ChainVerifier
{
    /// <summary>A stored event row, read with plain SQL.</summary>
    public sealed record StoredEvent(long Sequence, Guid Id, ChainedEvent Chained)
    {
        /// <summary>Whether the row is marked archived: CaseLedger never archives an event, so an archived one was hidden by hand.</summary>
        public bool Archived { get; init; }

        /// <summary>The row's headers as read once, by name (null: none, or not parsed when read), so turning it into a typed event parses them no second time.</summary>
        internal IReadOnlyDictionary<string, object>? ParsedHeaders { get; init; }
    }

    /// <summary>How many of the tamper findings commands recorded a district verification lists (the newest).</summary>
    public const int RecordedFindingsShown = 50;

    /// <summary>What the seals say about one case: the links sealed, by version, and why they cannot be trusted, if so.</summary>
    internal sealed record SealedCase(long Number, IReadOnlyDictionary<long, string> Links, string? Problem);

    /// <summary>
    /// Verifies one case: its chain recomputed from its events and compared with its links and with
    /// what was sealed, then, if the chain holds, its events folded again and compared with every
    /// document stored from them and its recorded decisions decided again (<see cref="CaseVerification.Findings"/>).
    /// </summary>
    public static async Task<CaseVerification?> VerifyCaseAsync(IDocumentStore store, Sealing sealing, CaseKinds kinds, RuleBook rules, string district,
        Guid caseId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sealing);
        await using var session = store.QuerySession(district);
        var rows = await ReadEventsAsync(store, district, caseId, ct);
        var links = (await session.Query<ChainLink>().Where(l => l.CaseId == caseId).ToListAsync(ct)).OrderBy(l => l.Version).ToList();
        var sealedLinks = await session.Query<SealedLink>().Where(l => l.CaseId == caseId).ToListAsync(ct);
        if ((rows.Count == 0 && links.Count == 0 && sealedLinks.Count == 0) || IsFailedWrites(rows, links.Count + sealedLinks.Count))
        {
            return null;
        }

        var sealedCase = null as SealedCase;
        if (sealedLinks.Count > 0 && await DistrictSeals.LatestAsync(session, ct) is { } latest)
        {
            sealedCase = new SealedCase(latest.Number, ByVersion(sealedLinks),
                await ProveSealedAsync(session, sealing, district, sealedLinks.MaxBy(l => l.Version)!, latest, ct));
        }

        var result = Verify(caseId, district, rows, links, sealedCase);
        var recorded = await session.Query<Core.Vouching.TamperFinding>().Where(f => f.CaseId == caseId).OrderByDescending(f => f.FoundAt).ToListAsync(ct);
        result = await WithFindingsAsync(new DocumentVerification(store, kinds, rules), session, result with { RecordedFindings = recorded }, rows, ct);
        return (await ArchivedStreamsAsync(store, district, caseId, ct)).Count > 0 ? Archived(result) : result;
    }

    public static Task<DistrictVerification> VerifyDistrictAsync(IDocumentStore store, Sealing sealing, CaseKinds kinds, RuleBook rules, string district,
        CancellationToken ct = default) =>
        VerifyDistrictAsync(store, sealing, kinds, rules, district, [], ct: ct);

    /// <summary>A case whose stream row is marked archived: Marten then hides it and its events, and CaseLedger never archives a case.</summary>
    internal static CaseVerification Archived(CaseVerification result) => result with
    {
        Intact = false,
        Findings = [.. result.Findings, new DocumentFinding($"stream:{result.CaseId:D}",
            "the case's stream is marked archived, which hides it and its events: CaseLedger never archives a case", "isArchived", "false", "true")],
    };

    /// <summary>The district's streams (or the one case's) marked archived, read with plain SQL.</summary>
    private static async Task<HashSet<Guid>> ArchivedStreamsAsync(IDocumentStore store, string district, Guid? caseId, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select id from {store.Options.Events.DatabaseSchemaName}.mt_streams where tenant_id = @district and is_archived"
                              + (caseId is null ? "" : " and id = @case");
        command.Parameters.Add(new NpgsqlParameter("district", district));
        if (caseId is { } id)
        {
            command.Parameters.Add(new NpgsqlParameter("case", id));
        }

        var archived = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            archived.Add(reader.GetGuid(0));
        }

        return archived;
    }

    /// <summary>A case's result with what folding its events again found; the case is not intact when anything was.</summary>
    private static async Task<CaseVerification> WithFindingsAsync(DocumentVerification documents, IQuerySession session, CaseVerification result,
        IReadOnlyList<StoredEvent> rows, CancellationToken ct)
    {
        if (!result.Intact || result.FirstBroken is not null)
        {
            return result;
        }

        var found = await documents.CheckAsync(session, [new DocumentVerification.Case(result.CaseId, rows, result.Head)], null, ct);
        return found.TryGetValue(result.CaseId, out var findings) ? result with { Intact = false, Findings = findings } : result;
    }

    /// <summary>
    /// Verifies every case of the district and its seal log: each sealed link still matches the
    /// chain recomputed from the events, the log hashes to every seal's signed root (and to the root
    /// of each seal in <paramref name="heldSeals"/>), each seal extends the one before, and the
    /// database holds every seal published to the witness folder.
    /// </summary>
    public static async Task<DistrictVerification> VerifyDistrictAsync(IDocumentStore store, Sealing sealing, CaseKinds kinds, RuleBook rules,
        string district, IReadOnlyList<SealStatement> heldSeals, IProgress<VerificationProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sealing);
        ArgumentNullException.ThrowIfNull(heldSeals);
        return await new DistrictVerificationRun(store, sealing, kinds, rules, district).RunAsync(heldSeals, progress, ct);
    }

    /// <summary>
    /// Checks the database against a seal an auditor kept: it is genuine, the database holds the
    /// same seal, the history it covered still hashes to its root, and the latest seal extends it
    /// (with the consistency proof, for the auditor to keep or check again).
    /// </summary>
    public static async Task<HeldSealVerification> VerifySinceAsync(IDocumentStore store, Sealing sealing, CaseKinds kinds, RuleBook rules, string district,
        SealFile held, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sealing);
        ArgumentNullException.ThrowIfNull(held);
        var statement = held.Statement;
        if (SealFiles.CheckSignature(held, sealing.Trusted) is { } forged)
        {
            return new HeldSealVerification(district, statement.Reference, null, false, [$"the seal you hold is not genuine: {forged}"], [], null);
        }

        if (statement.District != district)
        {
            return new HeldSealVerification(district, statement.Reference, null, false, [$"the seal you hold is of district {statement.District}, not {district}"], [], null);
        }

        var problems = new List<string>();
        await using var session = store.QuerySession(district);
        var same = await DistrictSeals.GetAsync(session, statement.Number, ct);
        var latest = await DistrictSeals.LatestAsync(session, ct);
        if (same is null)
        {
            problems.Add($"the database holds no seal {statement.Number} (its latest is {latest?.Number.ToString(CultureInfo.InvariantCulture) ?? "none"}): " +
                         "seals were removed from it");
        }
        else if (same.File.Statement != statement || same.File.Signature != held.Signature)
        {
            problems.Add($"the database's seal {statement.Number} differs from yours: it was replaced");
        }

        var verification = await VerifyDistrictAsync(store, sealing, kinds, rules, district, [statement], ct: ct);
        problems.AddRange(verification.SealProblems);
        IReadOnlyList<string> proof = [];
        if (latest is not null && latest.File.Statement.TreeSize >= statement.TreeSize)
        {
            try
            {
                proof = await DistrictSeals.ConsistencyProofAsync(session, district, statement, latest.File.Statement, ct);
                if (SealFiles.CheckExtends(held, latest.File, proof) is { } notExtended)
                {
                    problems.Add(notExtended);
                }
            }
            catch (MerkleNodeMissingException e)
            {
                problems.Add($"no consistency proof from seal {statement.Number} to seal {latest.Number} can be drawn: {e.Message}");
            }
        }
        else if (latest is not null)
        {
            problems.Add($"the latest seal, {latest.Number}, covers {latest.File.Statement.TreeSize} links, fewer than the {statement.TreeSize} of yours: " +
                         "sealed history was removed");
        }

        var distinct = problems.Distinct(StringComparer.Ordinal).ToList();
        return new HeldSealVerification(district, statement.Reference, latest?.File.Statement.Reference,
            distinct.Count == 0 && verification.AllIntact, distinct, proof, verification);
    }

    /// <summary>
    /// Recomputes one chain and compares it, link by link, with what was recorded, then with what the
    /// seals covered: a sealed link that changed was rewritten, one that is gone was cut off.
    /// </summary>
    internal static CaseVerification Verify(Guid caseId, string district, IReadOnlyList<StoredEvent> rows, List<ChainLink> links, SealedCase? sealedCase)
    {
        var byVersion = rows.ToDictionary(r => r.Chained.Version);
        var linkByVersion = links.ToDictionary(l => l.Version);
        var last = Math.Max(rows.Count == 0 ? 0 : rows.Max(r => r.Chained.Version), links.Count == 0 ? 0 : links.Max(l => l.Version));
        var sealedVersion = sealedCase is null || sealedCase.Links.Count == 0 ? (long?)null : sealedCase.Links.Keys.Max();
        var previous = ChainHashing.Genesis;
        for (var version = 1L; version <= last; version++)
        {
            var row = byVersion.GetValueOrDefault(version);
            var link = linkByVersion.GetValueOrDefault(version);
            var format = link is null || row is null ? ChainHashing.Format : ChainHashing.FormatOf(link, row.Chained);
            var hash = row is null ? null : ChainHashing.Link(previous, row.Chained, format);
            if (row is null || link is null || hash != link.Hash || link.Previous != previous || row.Id != link.EventId || row.Sequence != link.Sequence
                || row.Archived)
            {
                // Only a mismatch needs the finer hashes that say what differs.
                var broken = Compare(version, previous, row, link, hash, format);
                return new CaseVerification(caseId, district, rows.Count, false, broken, null, sealedCase?.Number,
                    sealedCase is null ? null : sealedVersion < version && sealedCase.Problem is null)
                {
                    SealedVersion = sealedVersion,
                };
            }

            if (sealedCase is not null && sealedCase.Links.TryGetValue(version, out var sealedLink) && sealedLink != hash)
            {
                return new CaseVerification(caseId, district, rows.Count, false,
                    new BrokenLink(version, $"the chain no longer matches seal {sealedCase.Number}: history up to this version was rewritten", sealedLink, hash),
                    null, sealedCase.Number, false) { SealedVersion = sealedVersion };
            }

            previous = hash;
        }

        BrokenLink? sealBreak = null;
        if (sealedVersion > last)
        {
            sealBreak = new BrokenLink(last + 1,
                $"versions {last + 1} to {sealedVersion} were sealed (seal {sealedCase!.Number}) but are gone: the case was cut back to version {last}",
                sealedCase.Links.GetValueOrDefault(last + 1), null);
        }
        else if (sealedCase?.Problem is { } problem)
        {
            sealBreak = new BrokenLink(sealedVersion ?? 0, $"the seals do not prove this case's sealed history: {problem}", null, null);
        }

        return new CaseVerification(caseId, district, rows.Count, sealBreak is null, sealBreak, last == 0 ? null : previous, sealedCase?.Number,
            sealedCase is null ? null : sealBreak is null)
        {
            SealedVersion = sealedVersion,
        };
    }

    private static BrokenLink Compare(long version, string previous, StoredEvent? row, ChainLink? link, string? hash, string format)
    {
        if (row is null)
        {
            return new BrokenLink(version, "the event at this version is missing (deleted)", link?.EventId.ToString(), null);
        }

        if (row.Archived)
        {
            return new BrokenLink(version,
                "the event at this version is marked archived, which hides it from the case's history and state: CaseLedger never archives an event",
                "archived: false", "archived: true");
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
                link.Sequence.ToString(CultureInfo.InvariantCulture), row.Sequence.ToString(CultureInfo.InvariantCulture));
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

        if (ChainHashing.MetadataHash(row.Chained, format) != link.MetadataHash)
        {
            return new BrokenLink(version,
                format == ChainHashing.Format
                    ? "the event's headers or metadata (actor, role, channel, on behalf of, institution, rule, digests, correlation) changed"
                    : "the event's metadata (actor, on behalf of, channel, rule, correlation) changed",
                link.MetadataHash, ChainHashing.MetadataHash(row.Chained, format));
        }

        if (link.Previous != previous)
        {
            return new BrokenLink(version, "the recorded link does not follow from the events before it", link.Previous, previous);
        }

        return new BrokenLink(version, "the recorded link was altered", link.Hash, hash);
    }

    /// <summary>
    /// Whether a stream is what Marten writes when a write fails: after a transaction that had taken
    /// event sequence numbers rolls back, Marten appends one "tombstone" event per lost number to a
    /// stream of its own, so the sequence stays contiguous for its projections. Such a stream holds
    /// only tombstones, and no chain link or sealed link names it: it is no case and no history. A
    /// tombstone that stands in a case's stream is judged like any other event.
    /// </summary>
    internal static bool IsFailedWrites(IReadOnlyList<StoredEvent> rows, int chainedOrSealed) =>
        rows.Count > 0 && chainedOrSealed == 0 && rows.All(r => r.Chained.Type == Tombstone.Name);

    /// <summary>Each seal's signature, its record in the seal stream, and that it extends the seal before it.</summary>
    internal static void CheckSeals(Sealing sealing, string district, List<SealRecord> seals, Dictionary<long, DistrictSealed> recorded,
        List<string> problems)
    {
        SealRecord? before = null;
        foreach (var seal in seals)
        {
            var s = seal.File.Statement;
            if (SealFiles.CheckSignature(seal.File, sealing.Trusted) is { } bad)
            {
                problems.Add(bad);
            }
            else if (s.District != district || s.Number != seal.Number)
            {
                problems.Add($"seal record {seal.Number} holds seal {s.Number} of district {s.District}");
            }

            if (!recorded.TryGetValue(seal.Number, out var e) || e.Root != s.Root || e.TreeSize != s.TreeSize || e.Signature != seal.File.Signature)
            {
                problems.Add($"seal {seal.Number} differs from the seal stream's record of it");
            }

            if (before is null)
            {
                if (s.Previous is { } missing)
                {
                    problems.Add($"seal {s.Number} extends seal {missing.Number}, which is missing from the database");
                }
            }
            else if (s.Previous?.Number != before.Number)
            {
                problems.Add($"seal {s.Number} does not follow seal {before.Number}: a seal between them is missing");
            }
            else if (SealFiles.CheckExtends(before.File, seal.File) is { } broken)
            {
                problems.Add(broken);
            }

            before = seal;
        }
    }

    /// <summary>
    /// The stored log, leaf by leaf: its leaves are numbered without a gap, and it hashes to the root
    /// of every seal (and of every seal an auditor holds) at that seal's size.
    /// </summary>
    internal static async Task CheckLogAsync(string district, IAsyncEnumerable<SealedLink> leaves, List<SealRecord> seals, IReadOnlyList<SealStatement> held,
        List<string> problems, CancellationToken ct)
    {
        var size = seals.Count == 0 ? 0 : seals[^1].File.Statement.TreeSize;
        var checkpoints = seals.Select(s => s.File.Statement).Concat(held).GroupBy(s => s.TreeSize).ToDictionary(g => g.Key, g => g.ToList());
        var frontier = new MerkleFrontier();
        if (checkpoints.TryGetValue(0, out var empty))
        {
            CheckRoot(frontier, empty, problems);
        }

        await foreach (var leaf in leaves.WithCancellation(ct))
        {
            if (leaf.Index != frontier.Size)
            {
                problems.Add($"the seal log has no leaf {frontier.Size}: sealed links were removed from it");
                return;
            }

            frontier.Append(MerkleLog.LeafHash(district, leaf.CaseId, leaf.Version, leaf.Link));
            if (checkpoints.TryGetValue(frontier.Size, out var at))
            {
                CheckRoot(frontier, at, problems);
            }
        }

        if (frontier.Size != size)
        {
            problems.Add($"the seal log holds {frontier.Size} links, but seal {seals[^1].Number} sealed {size}: sealed links were removed or added");
        }

        foreach (var beyond in held.Where(h => h.TreeSize > frontier.Size))
        {
            problems.Add($"seal {beyond.Number} covered {beyond.TreeSize} links; the seal log now holds {frontier.Size}: sealed history was removed");
        }
    }

    private static void CheckRoot(MerkleFrontier frontier, IReadOnlyList<SealStatement> seals, List<string> problems)
    {
        var root = MerkleLog.Hex(frontier.Root());
        foreach (var seal in seals.Where(s => s.Root != root))
        {
            problems.Add($"the seal log's first {seal.TreeSize} links no longer hash to seal {seal.Number}'s root: sealed links were changed");
        }
    }

    /// <summary>
    /// Proves the case's newest sealed link is in the latest seal's log: the seal is signed by a
    /// trusted key, and the stored log leads from the link to its root. Null when it is; else why not.
    /// </summary>
    private static async Task<string?> ProveSealedAsync(IQuerySession session, Sealing sealing, string district, SealedLink link, SealRecord latest,
        CancellationToken ct)
    {
        if (SealFiles.CheckSignature(latest.File, sealing.Trusted) is { } bad)
        {
            return bad;
        }

        var size = latest.File.Statement.TreeSize;
        if (link.Index >= size)
        {
            return $"sealed link {link.Index} lies beyond seal {latest.Number}'s {size} links";
        }

        try
        {
            var proof = await MerkleLog.WithSubtreesAsync(nodes => MerkleLog.InclusionProof(link.Index, size, nodes),
                wanted => DistrictSeals.SubtreesAsync(session, district, wanted, ct));
            return MerkleLog.VerifyInclusion(link.Index, size, MerkleLog.LeafHash(district, link.CaseId, link.Version, link.Link), proof,
                MerkleLog.FromHex(latest.File.Statement.Root))
                ? null
                : $"the seal log does not lead from version {link.Version} to seal {latest.Number}'s signed root: the log was edited";
        }
        catch (MerkleNodeMissingException e)
        {
            return e.Message;
        }
    }

    /// <summary>The sealed links of one case by version (the log's own check catches a duplicated leaf).</summary>
    internal static Dictionary<long, string> ByVersion(IEnumerable<SealedLink> links) =>
        links.GroupBy(l => l.Version).ToDictionary(g => g.Key, g => g.First().Link);

    /// <summary>Reads event rows with plain SQL: a whole district, or one case.</summary>
    public static async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(IDocumentStore store, string district, Guid? caseId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        var rows = new List<StoredEvent>();
        await foreach (var row in StoredEvents.ReadAsync(connection, store.Options.Events.DatabaseSchemaName, district, caseId, ct))
        {
            rows.Add(row);
        }

        return rows;
    }
}
