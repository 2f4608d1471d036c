using CaseLedger.Core.Deadlines;
using Marten;
using Marten.Services;

namespace CaseLedger.Import;

/// <summary>
/// Writes a batch through Marten's append, so the store's inline projections build the hash chain,
/// the audit trail, the digest records and every read model statement by statement, as for a live
/// command. Slow (about 1,000 events/s); kept as the oracle the bulk writer (<see cref="BulkImportWriter"/>)
/// is tested against: both must store the same rows.
/// </summary>
internal sealed class InlineImportWriter(IDocumentStore store, IDeadlineScheduler? scheduler) : IImportWriter
{
    public async Task WriteAsync(string district, ImportBatch batch, CancellationToken ct)
    {
        // One transaction for the batch, in two sessions: a case's own events first, then the core's
        // case-wide events (a hand-over, a complaint) that end a case, appended after them as the
        // pipeline appends them, so the kind's documents keep the version of its own last event.
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var serializer = store.Options.Serializer();
        var trailing = new List<(DecidedCase Case, DigestRecorder Digests)>();
        var options = SessionOptions.ForTransaction(transaction);
        options.TenantId = district;
        await using (var session = store.LightweightSession(options))
        {
            foreach (var decided in batch.Cases)
            {
                var kind = decided.Case.Kind;
                var appended = kind.StartStream(session, decided.Case.Id, decided.Events.Take(decided.Own).Select(r => r.Data).ToList());
                var digests = new DigestRecorder(kind, decided.Case.Id, serializer, decided.Events);
                for (var i = 0; i < appended.Count; i++)
                {
                    batch.Stamp(appended[i], decided.Events[i], kind, digests.HeaderOf(decided.Events[i].Version));
                }

                if (decided.Own < decided.Events.Count)
                {
                    trailing.Add((decided, digests));
                }
            }

            // The district's summaries gain what each new case's documents contribute, in the same transaction.
            Core.Summaries.SummaryStore.Queue(session, batch.Summaries);
            if (scheduler is not null && batch.Due.Count > 0)
            {
                await scheduler.ScheduleAsync(session, district, batch.Due, ct);
            }

            await session.SaveChangesAsync(ct);
        }

        if (trailing.Count > 0)
        {
            await using var session = store.LightweightSession(options);
            foreach (var (decided, digests) in trailing)
            {
                var recorded = decided.Events.Skip(decided.Own).ToList();
                var appended = session.Events.Append(decided.Case.Id, recorded.Select(r => r.Data).ToArray()).Events;
                for (var i = 0; i < appended.Count; i++)
                {
                    batch.Stamp(appended[i], recorded[i], decided.Case.Kind, digests.HeaderOf(recorded[i].Version));
                }
            }

            await session.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }
}
