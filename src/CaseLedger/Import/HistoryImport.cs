using System.Diagnostics;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Marten;
using Npgsql;

namespace CaseLedger.Import;

/// <summary>Where an import is: cases done (imported, skipped or bad) of those in the file, and events written.</summary>
public sealed record ImportProgress(int CasesDone, int CasesTotal, long EventsWritten, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? EventsWritten / Elapsed.TotalSeconds : 0;
}

/// <summary>What an import did: cases imported, cases already in the district (skipped), events written, and the bad lines.</summary>
public sealed record ImportResult(int CasesImported, int CasesSkipped, long EventsWritten, IReadOnlyList<BadLine> BadLines, TimeSpan Elapsed)
{
    /// <summary>Of the time taken, deciding the cases again (in memory).</summary>
    public TimeSpan Deciding { get; init; }

    /// <summary>Of the time taken, writing them (the append and the inline projections, in the database's transaction).</summary>
    public TimeSpan Writing { get; init; }

    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? EventsWritten / Elapsed.TotalSeconds : 0;

    /// <summary>The cases with a bad line (none of them stored).</summary>
    public int CasesRefused => BadLines.Where(b => b.CaseId is not null).Select(b => b.CaseId).Distinct().Count();
}

/// <summary>
/// Imports a district's recorded history (docs/import.md). Each case is decided again, step by step,
/// with the pipeline's own pure decisions (<see cref="InMemoryLedger"/>) at each step's historical
/// time (so under the rule version in force then), deadlines that fell due between steps recorded as
/// breached at their due times; then a batch of whole cases is appended in one transaction with each
/// event's historical time, actor, role, channel and the digests of what it leaves, so the store's
/// inline projections build the hash chain, the audit trail, the digest records and every read model
/// as they do for a live command. A case already in the district is skipped (an interrupted import
/// resumes); a case with a bad line is not stored at all.
/// </summary>
public sealed class HistoryImport(IDocumentStore store, CaseKinds kinds, RuleBook rules, TimeProvider clock, IDeadlineScheduler? scheduler = null)
{
    private readonly IImportWriter _writer = new BulkImportWriter(store, kinds, scheduler);

    /// <summary>
    /// Writes through Marten's append and the store's inline projections, statement by statement,
    /// instead of with COPY: the slow path the bulk writer is checked against (both store the same rows).
    /// </summary>
    internal bool ThroughInlineProjections
    {
        get => _writer is InlineImportWriter;
        init => _writer = value ? new InlineImportWriter(store, scheduler) : new BulkImportWriter(store, kinds, scheduler);
    }

    /// <summary>Cases per transaction.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>What the <c>imported</c> header of every event names (the file's name, say).</summary>
    public string Source { get; init; } = "import";

    /// <summary>
    /// A demo's seeds (docs/seeds.md) rather than a district's history: steps may be dated after now,
    /// and time is not passed after a case's last step; every deadline still open is scheduled, as the
    /// pipeline scheduled it when seeds went through it.
    /// </summary>
    public bool Seeding { get; init; }

    /// <summary>The same import with another batch size and source.</summary>
    public HistoryImport With(int batchSize, string source, bool seeding = false) =>
        new(store, kinds, rules, clock, scheduler) { BatchSize = batchSize, Source = source, Seeding = seeding, ThroughInlineProjections = ThroughInlineProjections };

    public async Task<ImportResult> ImportAsync(string district, ImportFile file, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!CommandPipeline.IsDistrictId(district))
        {
            throw new ArgumentException($"'{district}' is not a district id.", nameof(district));
        }

        var watch = Stopwatch.StartNew();
        var bad = new List<BadLine>(file.BadLines);
        var refused = bad.Where(b => b.CaseId is not null).Select(b => b.CaseId!.Value).ToHashSet();
        var cases = new List<ImportCase>();
        foreach (var steps in file.Steps.GroupBy(s => s.CaseId))
        {
            if (refused.Contains(steps.Key))
            {
                continue;
            }

            var (imported, problem) = ImportCase.Of(kinds, district, steps.ToList());
            if (problem is not null)
            {
                bad.Add(problem);
            }
            else
            {
                cases.Add(imported!);
            }
        }

        var total = cases.Count + refused.Count + bad.Count(b => b.CaseId is null);
        var (done, importedCount, skipped, events) = (total - cases.Count, 0, 0, 0L);
        var (deciding, writing) = (TimeSpan.Zero, TimeSpan.Zero);
        foreach (var batch in cases.Chunk(Math.Max(1, BatchSize)))
        {
            var existing = await ExistingAsync(district, batch.Select(c => c.Id).ToArray(), ct);
            var todo = batch.Where(c => !existing.Contains(c.Id)).ToList();
            skipped += batch.Length - todo.Count;
            var now = clock.GetUtcNow();
            var started = watch.Elapsed;
            var (decided, problems) = await DecideAsync(district, todo, now, ct);
            bad.AddRange(problems);
            deciding += watch.Elapsed - started;
            started = watch.Elapsed;
            var written = await WriteAsync(district, decided, now, ct);
            writing += watch.Elapsed - started;
            importedCount += written.Cases;
            skipped += decided.Count - written.Cases;
            events += written.Events;
            done += batch.Length;
            progress?.Report(new ImportProgress(done, total, events, watch.Elapsed));
        }

        progress?.Report(new ImportProgress(total, total, events, watch.Elapsed));
        return new ImportResult(importedCount, skipped, events, bad.OrderBy(b => b.Line).ToList(), watch.Elapsed) { Deciding = deciding, Writing = writing };
    }

    /// <summary>
    /// Decides each case again from its steps; a case a step of which the rules refuse is left out with
    /// its bad line, and the batch decided again without it (another case may have read its documents).
    /// </summary>
    private async Task<(IReadOnlyList<(ImportCase Case, InMemoryLedger Ledger)>, IReadOnlyList<BadLine>)> DecideAsync(
        string district, List<ImportCase> batch, DateTimeOffset now, CancellationToken ct)
    {
        var problems = new List<BadLine>();
        while (true)
        {
            await using var query = store.QuerySession(district);
            var ledger = new InMemoryLedger(kinds, rules, new StoreFacts(query)) { HoldsFromOutside = true };
            var failed = new List<ImportCase>();
            foreach (var imported in batch)
            {
                if (await imported.DecideAsync(ledger, district, Seeding ? null : now, ct) is { } problem)
                {
                    problems.Add(problem);
                    failed.Add(imported);
                }
            }

            if (failed.Count == 0)
            {
                return (batch.Select(c => (c, ledger)).ToList(), problems);
            }

            batch = batch.Except(failed).ToList();
        }
    }

    /// <summary>
    /// Writes the decided cases in one transaction, each event with its recorded time and metadata,
    /// with the check of every deadline still running scheduled. A case that appeared in the district
    /// meanwhile (another import) is left out and the rest written again.
    /// </summary>
    private async Task<(int Cases, long Events)> WriteAsync(string district, IReadOnlyList<(ImportCase Case, InMemoryLedger Ledger)> decided,
        DateTimeOffset now, CancellationToken ct)
    {
        if (decided.Count == 0)
        {
            return (0, 0);
        }

        var batch = Batch(district, decided, now);
        try
        {
            await _writer.WriteAsync(district, batch, ct);
        }
        catch (Exception e) when (IsExistingStream(e))
        {
            var existing = await ExistingAsync(district, decided.Select(d => d.Case.Id).ToArray(), ct);
            batch = Batch(district, decided.Where(d => !existing.Contains(d.Case.Id)).ToList(), now);
            await _writer.WriteAsync(district, batch, ct);
        }

        return (batch.Cases.Count, batch.Events);
    }

    /// <summary>The decided cases as a batch to write: their events, the checks of their deadlines still running, and what their documents add to the district's summaries.</summary>
    private ImportBatch Batch(string district, IReadOnlyList<(ImportCase Case, InMemoryLedger Ledger)> decided, DateTimeOffset now)
    {
        var due = new List<DeadlineFallsDue>();
        var summaries = new Core.Summaries.SummaryTally();
        foreach (var (imported, ledger) in decided)
        {
            if (ledger.State(district, imported.Id) is IHoldsDeadlines { Deadlines: var book })
            {
                due.AddRange(book.All.Where(d => d.Status == DeadlineStatus.Open && d.BreachedAt is null && (Seeding || d.DueAt > now))
                    .Select(d => new DeadlineFallsDue(imported.Kind.Name, imported.Id, d.Key, d.DueAt)));
            }

            foreach (var type in imported.Kind.Views.Select(v => v.Type).Append(typeof(Core.Service.CaseService)).Distinct()
                         .Where(t => kinds.SummariesOf(t).Count > 0))
            {
                summaries.Add(kinds.SummariesOf(type), ledger.Document(type, district, imported.Id.ToString()), rules.UtcOffset);
            }
        }

        return new ImportBatch(decided.Select(d => DecidedCase.Of(d.Case, d.Ledger.Events(district, d.Case.Id))).ToList(), due, summaries, Source);
    }

    private async Task<HashSet<Guid>> ExistingAsync(string district, Guid[] ids, CancellationToken ct)
    {
        var found = new HashSet<Guid>();
        if (ids.Length == 0)
        {
            return found;
        }

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select id from {store.Options.Events.DatabaseSchemaName}.mt_streams where tenant_id = @district and id = any(@ids)", connection);
        command.Parameters.AddWithValue("district", district);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetGuid(0));
        }

        return found;
    }

    /// <summary>A case's stream already in the district: Marten's collision on an append, the primary key of the streams on a COPY.</summary>
    private static bool IsExistingStream(Exception e) =>
        e is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
            or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "mt_streams" }
        || (e.InnerException is { } inner && IsExistingStream(inner));

    /// <summary>Documents of cases already in the district, read as facts (a vote a project references) and as shared totals.</summary>
    private sealed class StoreFacts(IQuerySession session) : IFactReader
    {
        public Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => session.LoadAsync<T>(id, ct);

        public Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => session.LoadAsync<T>(id, ct);
    }
}
