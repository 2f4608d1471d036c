using System.Runtime.CompilerServices;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;
using Npgsql;

namespace CaseLedger.Audit;

/// <summary>How far a district's verification has got: cases and events checked out of the district's (an estimate until the end).</summary>
public sealed record VerificationProgress(long Cases, long Events, long EventsInAll);

/// <summary>
/// One verification of a whole district, in bounded memory and on every core: the district's events
/// are read once, in case order, as the server streams them; batches of whole cases go to as many
/// workers as there are cores, each of which checks its cases' chains against their links and what
/// was sealed, and folds the intact ones again (<see cref="DocumentVerification"/>). Then the seal log
/// is checked leaf by leaf, in pages, against every signed root, and the witness folder against the
/// database's seals.
/// </summary>
internal sealed class DistrictVerificationRun(IDocumentStore store, Sealing sealing, CaseKinds kinds, RuleBook rules, string district)
{
    /// <summary>Cases per batch handed to a worker: their links, documents and audit entries are loaded a batch at a time.</summary>
    private const int BatchCases = 200;

    /// <summary>Leaves of the seal log loaded at a time.</summary>
    private const int LeafPage = 5000;

    private readonly List<CaseVerification> _broken = [];
    private readonly DocumentVerification _documents = new(store, kinds, rules);
    private readonly Core.Summaries.SummaryTally _summaries = new();
    private long _cases;
    private long _events;
    private long _chained;
    private int _failedWrites;

    public async Task<DistrictVerification> RunAsync(IReadOnlyList<SealStatement> heldSeals, IProgress<VerificationProgress>? progress, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var session = store.QuerySession(district);
        var seals = (await session.Query<SealRecord>().ToListAsync(ct)).OrderBy(s => s.Number).ToList();
        var latest = seals.LastOrDefault();
        var estimate = await EstimateEventsAsync(ct);

        var batches = System.Threading.Channels.Channel.CreateBounded<List<(Guid CaseId, List<StoredRow> Rows)>>(new System.Threading.Channels.BoundedChannelOptions(Environment.ProcessorCount * 4)
        {
            SingleWriter = true,
        });
        // Two workers a core: while one waits for its batch's links and documents, the other folds, so the cores stay busy.
        var workers = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount * 2)).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                await CheckAsync(batch, latest, ct);
                progress?.Report(new VerificationProgress(Interlocked.Read(ref _cases), Interlocked.Read(ref _events), estimate));
            }
        }, ct)).ToList();

        var seen = new HashSet<Guid>();
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await foreach (var batch in BatchesAsync(StoredEvents.ReadRowsAsync(connection, schema, district, null, ct), ct))
            {
                foreach (var (caseId, _) in batch)
                {
                    seen.Add(caseId);
                }

                await batches.Writer.WriteAsync(batch, ct);
            }

            // Cases whose every event is gone still have their chain head or what was sealed of them.
            var orphans = (await ChainedCasesWithoutEventsAsync(connection, ct)).Where(id => !seen.Contains(id)).Select(id => (id, new List<StoredRow>())).ToList();
            foreach (var batch in orphans.Chunk(BatchCases))
            {
                await batches.Writer.WriteAsync([.. batch], ct);
            }
        }
        finally
        {
            batches.Writer.TryComplete();
        }

        await Task.WhenAll(workers);

        var problems = new List<string>();
        var notes = new List<string>();
        var recorded = (await session.Events.FetchStreamAsync(DistrictSeals.StreamFor(district), token: ct))
            .Select(e => e.Data).OfType<DistrictSealed>().GroupBy(e => e.Number).ToDictionary(g => g.Key, g => g.Last());
        ChainVerifier.CheckSeals(sealing, district, seals, recorded, problems);
        await ChainVerifier.CheckLogAsync(district, LeavesAsync(session, seals, ct), seals, heldSeals, problems, ct);
        var published = WitnessFolderChecks.Check(sealing, district, seals, problems, notes);

        var archived = await ArchivedStreamsAsync(ct);
        var broken = _broken.Select(c => archived.Contains(c.CaseId) ? ChainVerifier.Archived(c) : c).ToList();
        foreach (var id in archived.Where(a => _broken.All(b => b.CaseId != a)))
        {
            broken.Add(ChainVerifier.Archived(new CaseVerification(id, district, 0, true, null, null, null, null)));
        }

        // The district's summaries against what its cases' folded documents contribute: a cell that differs is a finding.
        var summaryFindings = Core.Summaries.SummaryTally.Differences(_summaries, await Core.Summaries.SummaryStore.StoredAsync(store, district, ct))
            .Select(d => new SummaryFinding(d.Cell.Summary, d.Cell.Bucket, Core.Summaries.SummaryCount.ValuesOf(d.Cell.Dimensions), d.Cell.Counter, d.Expected, d.Stored))
            .ToList();
        var sealedSize = latest?.File.Statement.TreeSize ?? 0;
        var recordedFindings = await session.Query<Core.Vouching.TamperFinding>().OrderByDescending(f => f.FoundAt)
            .Take(ChainVerifier.RecordedFindingsShown).ToListAsync(ct);
        var recordedCount = recordedFindings.Count < ChainVerifier.RecordedFindingsShown
            ? recordedFindings.Count
            : await session.Query<Core.Vouching.TamperFinding>().CountAsync(ct);
        var cases = (int)_cases;
        progress?.Report(new VerificationProgress(_cases, _events, _events));
        return new DistrictVerification(district, cases, cases - broken.Count, broken.OrderBy(b => b.CaseId).ToList(), latest?.Number,
            seals.Count == 0 && problems.Count == 0 ? null : problems.Count == 0, problems)
        {
            RecordedFindings = recordedFindings,
            RecordedFindingCount = recordedCount,
            SealedLinks = sealedSize,
            UnsealedLinks = Math.Max(0, _chained - sealedSize),
            FailedWrites = _failedWrites,
            PublishedSeals = published,
            Notes = notes,
            SummaryFindings = summaryFindings,
        };
    }

    /// <summary>A batch of cases: their chains against their links and what was sealed, then the intact ones folded again.</summary>
    private async Task CheckAsync(List<(Guid CaseId, List<StoredRow> Rows)> batch, SealRecord? latest, CancellationToken ct)
    {
        await using var session = store.QuerySession(district);
        var ids = batch.Select(b => b.CaseId).ToArray();
        var links = (await session.Query<ChainLink>().Where(l => l.CaseId.IsOneOf(ids)).ToListAsync(ct)).ToLookup(l => l.CaseId);
        var leaves = latest is null ? null : (await session.Query<SealedLink>().Where(l => l.CaseId.IsOneOf(ids)).ToListAsync(ct)).ToLookup(l => l.CaseId);
        var sealStream = DistrictSeals.StreamFor(district);
        var chains = new List<(CaseVerification Chain, List<ChainVerifier.StoredEvent> Rows)>();
        foreach (var (caseId, read) in batch)
        {
            // Parsed here, on the worker, so the rows waiting for one are only the text the server sent.
            var rows = read.ConvertAll(r => r.ToStoredEvent());
            var caseLinks = links[caseId].OrderBy(l => l.Version).ToList();
            var caseLeaves = leaves?[caseId].ToList() ?? [];
            if (ChainVerifier.IsFailedWrites(rows, caseLinks.Count + caseLeaves.Count))
            {
                Interlocked.Add(ref _failedWrites, rows.Count);
                continue;
            }

            if (caseId != sealStream)
            {
                Interlocked.Add(ref _chained, caseLinks.Count);
            }

            var chain = ChainVerifier.Verify(caseId, district, rows, caseLinks,
                latest is not null && caseLeaves.Count > 0 ? new ChainVerifier.SealedCase(latest.Number, ChainVerifier.ByVersion(caseLeaves), null) : null);
            chains.Add((chain, rows));
            Interlocked.Increment(ref _cases);
            Interlocked.Add(ref _events, rows.Count);
        }

        var intact = chains.Where(c => c.Chain.Intact && c.Chain.FirstBroken is null)
            .Select(c => new DocumentVerification.Case(c.Chain.CaseId, c.Rows, c.Chain.Head)).ToList();
        var summaries = new Core.Summaries.SummaryTally();
        var findings = intact.Count == 0 ? [] : await _documents.CheckAsync(session, intact, summaries, ct);
        lock (_summaries)
        {
            _summaries.Add(summaries);
        }

        var broken = chains.Select(c => findings.TryGetValue(c.Chain.CaseId, out var found) ? c.Chain with { Intact = false, Findings = found } : c.Chain)
            .Where(c => !c.Intact || c.MatchesSeal == false).ToList();
        if (broken.Count > 0)
        {
            lock (_broken)
            {
                _broken.AddRange(broken);
            }
        }
    }

    /// <summary>Groups the streamed rows into batches of whole cases.</summary>
    private static async IAsyncEnumerable<List<(Guid CaseId, List<StoredRow> Rows)>> BatchesAsync(
        IAsyncEnumerable<StoredRow> rows, [EnumeratorCancellation] CancellationToken ct)
    {
        var batch = new List<(Guid, List<StoredRow>)>(BatchCases);
        List<StoredRow>? current = null;
        var currentId = Guid.Empty;
        await foreach (var row in rows.WithCancellation(ct))
        {
            if (current is null || row.CaseId != currentId)
            {
                if (batch.Count == BatchCases)
                {
                    yield return batch;
                    batch = new List<(Guid, List<StoredRow>)>(BatchCases);
                }

                currentId = row.CaseId;
                current = [];
                batch.Add((currentId, current));
            }

            current.Add(row);
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>The seal log's leaves in index order, a page at a time by id, so a long log is never held whole.</summary>
    private static async IAsyncEnumerable<SealedLink> LeavesAsync(IQuerySession session, List<SealRecord> seals, [EnumeratorCancellation] CancellationToken ct)
    {
        var size = seals.Count == 0 ? 0 : seals[^1].File.Statement.TreeSize;
        for (long from = 0; from < size; from += LeafPage)
        {
            var ids = Enumerable.Range(0, (int)Math.Min(LeafPage, size - from)).Select(i => SealedLink.IdFor(from + i)).ToArray();
            foreach (var leaf in (await session.LoadManyAsync<SealedLink>(ct, ids)).OrderBy(l => l.Index))
            {
                yield return leaf;
            }
        }

        // Leaves beyond the latest seal's size were added by hand: the log check says so when it sees one.
        foreach (var extra in await session.Query<SealedLink>().Where(l => l.Index >= size).OrderBy(l => l.Index).Take(1).ToListAsync(ct))
        {
            yield return extra;
        }
    }

    /// <summary>Cases that have a chain head or sealed links but no event left in the district.</summary>
    private async Task<IReadOnlyList<Guid>> ChainedCasesWithoutEventsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var heads = store.Options.FindOrResolveDocumentType(typeof(ChainHead)).TableName.QualifiedName;
        var cursors = store.Options.FindOrResolveDocumentType(typeof(SealCursor)).TableName.QualifiedName;
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"select id from {heads} h where h.tenant_id = @district and not exists " +
            $"(select 1 from {schema}.mt_events e where e.tenant_id = @district and e.stream_id = h.id) " +
            $"union select id from {cursors} c where c.tenant_id = @district and not exists " +
            $"(select 1 from {schema}.mt_events e where e.tenant_id = @district and e.stream_id = c.id)";
        command.Parameters.Add(new NpgsqlParameter("district", district));
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private async Task<HashSet<Guid>> ArchivedStreamsAsync(CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select id from {store.Options.Events.DatabaseSchemaName}.mt_streams where tenant_id = @district and is_archived";
        command.Parameters.Add(new NpgsqlParameter("district", district));
        var archived = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            archived.Add(reader.GetGuid(0));
        }

        return archived;
    }

    /// <summary>The district's events as its streams count them (each stream's version), for progress: one pass over the streams, not the events.</summary>
    private async Task<long> EstimateEventsAsync(CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select coalesce(sum(version), 0)::bigint from {store.Options.Events.DatabaseSchemaName}.mt_streams where tenant_id = @district";
        command.Parameters.Add(new NpgsqlParameter("district", district));
        return await command.ExecuteScalarAsync(ct) is long events ? events : 0;
    }
}
