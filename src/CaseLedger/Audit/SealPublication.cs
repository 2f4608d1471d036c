using Marten;

namespace CaseLedger.Audit;

/// <summary>
/// Publishing recorded seals to the witness folder, in order. A seal is recorded in the database
/// before its file is written (so the folder never holds a seal the database lacks); until the file is
/// there it is <see cref="SealRecord.AwaitingPublication"/>, and each sealing attempt, periodic or on
/// demand, publishes the waiting seals first, oldest first. Publishing is idempotent: a file that
/// already holds the same seal counts as published.
/// </summary>
internal static class SealPublication
{
    /// <summary>The district's seals recorded but not yet published, oldest first.</summary>
    public static async Task<IReadOnlyList<SealRecord>> WaitingAsync(IQuerySession session, CancellationToken ct)
    {
        var waiting = await session.Query<SealRecord>().Where(s => s.AwaitingPublication).ToListAsync(ct);
        return [.. waiting.OrderBy(s => s.Number)];
    }

    /// <summary>
    /// Publishes <paramref name="waiting"/> oldest first, storing each as published in
    /// <paramref name="session"/> (committed with it); stops at the first that cannot be written, so
    /// the folder never skips a number. A different seal under a waiting seal's number throws
    /// <see cref="SealsDivergedException"/>.
    /// </summary>
    public static (IReadOnlyList<long> Published, string? Problem) PublishWaiting(SealWitnessFolder witness, IReadOnlyList<SealRecord> waiting,
        IDocumentSession session)
    {
        var published = new List<long>();
        foreach (var seal in waiting)
        {
            try
            {
                witness.Publish(seal.File);
            }
            catch (SealNotPublishedException e)
            {
                return (published, e.Message);
            }

            session.Store(seal with { AwaitingPublication = false });
            published.Add(seal.Number);
        }

        return (published, null);
    }

    /// <summary>
    /// Records that <paramref name="seal"/>'s file is in the witness folder. Should this write fail,
    /// the next attempt finds the same file there and records it then.
    /// </summary>
    public static async Task MarkPublishedAsync(IDocumentStore store, string district, SealRecord seal, CancellationToken ct)
    {
        await using var session = store.LightweightSession(district);
        session.Store(seal with { AwaitingPublication = false });
        await session.SaveChangesAsync(ct);
    }
}
