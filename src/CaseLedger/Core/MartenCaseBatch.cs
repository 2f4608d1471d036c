using CaseLedger.Core.Summaries;
using Marten;

namespace CaseLedger.Core;

/// <summary>
/// Many cases of one district in one Marten session and one transaction (<see cref="ICaseBatchSession"/>):
/// their stream rows locked in one round trip, each case then taken by a <see cref="MartenCaseSession"/>
/// of its own over the shared session, so each is vouched for, stamped and digested exactly as a single
/// command's case is; the district's summaries changed by one statement for the whole batch.
/// </summary>
internal sealed class MartenCaseBatch(IDocumentSession session, CaseKinds kinds, Func<IDocumentSession, MartenCaseSession> sessionFor) : ICaseBatchSession
{
    private readonly List<MartenCaseSession> _taken = [];

    public async Task<IReadOnlyList<(CaseKind Kind, Guid CaseId, ICaseWriteSession Session, CaseForWriting Stream, CommandContext Context)>> FetchForWritingAsync(
        IReadOnlyList<(CaseKind Kind, Guid CaseId)> cases, Func<Guid, CommandContext> context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(context);

        // Locked in the order of their ids: two batches over the same cases take their locks in one order.
        var ordered = cases.Select((c, i) => (c.Kind, c.CaseId, Index: i, Context: context(c.CaseId))).OrderBy(c => c.CaseId).ToList();
        await session.BeginTransactionAsync(ct);
        var batch = session.CreateBatchQuery();
        var fetches = ordered.Select(c => c.Kind.EnlistForWriting(session, batch, c.CaseId, kinds.PreloadsFor(c.Kind), [], c.Context)).ToList();
        await batch.Execute(ct);

        var held = new (CaseKind, Guid, ICaseWriteSession, CaseForWriting, CommandContext)[cases.Count];
        for (var i = 0; i < ordered.Count; i++)
        {
            var (kind, caseId, index, caseContext) = ordered[i];
            var stream = await fetches[i];
            var taken = sessionFor(session);
            held[index] = (kind, caseId, taken, await taken.TakeAsync(kind, caseId, stream, [], caseContext, ct), caseContext);
            _taken.Add(taken);
        }

        return held;
    }

    public async Task<Rejection?> SaveAsync(CancellationToken ct)
    {
        var change = new SummaryTally();
        foreach (var taken in _taken)
        {
            await taken.PrepareAsync(change, ct);
        }

        SummaryStore.Queue(session, change);
        return await MartenCaseSession.SaveChangesAsync(session, ct);
    }
}
