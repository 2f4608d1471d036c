using Marten;

namespace CaseLedger.Audit;

/// <summary>Progress of a rebuild: events replayed so far out of the events in the store.</summary>
public sealed record RebuildProgress(string Projection, long Replayed, long Total);

/// <summary>
/// Rebuilds read models from the events with Marten's projection daemon. The hash chain is never
/// rebuilt: recomputing it from the stored events would bless any edit made to them, so it is
/// excluded here on purpose.
/// </summary>
public static class Rebuilding
{
    /// <summary>The projections that may be rebuilt, by name.</summary>
    public static IReadOnlyList<string> Rebuildable(IDocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ((StoreOptions)store.Options).Projections.All
            .Select(p => p.Name)
            .Where(name => name != HashChainProjection.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Rebuilds one projection, reporting progress about every quarter second; then folds again the
    /// district summaries kept over the documents it writes (in the rule book's civil time: CaseLedger's
    /// default rule book's when none is given).
    /// </summary>
    public static async Task RebuildAsync(IDocumentStore store, string projection, IProgress<RebuildProgress>? progress = null,
        Rules.RuleBook? rules = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!Rebuildable(store).Contains(projection))
        {
            throw new ArgumentException(
                projection == HashChainProjection.Name
                    ? "The hash chain is evidence: it is never rebuilt from the events it protects."
                    : $"No projection '{projection}'. Rebuildable: {string.Join(", ", Rebuildable(store))}.",
                nameof(projection));
        }

        var total = (await store.Advanced.FetchEventStoreStatistics(token: ct)).EventCount;
        using var daemon = await store.BuildProjectionDaemonAsync();
        var rebuild = daemon.RebuildProjectionAsync(projection, ct);
        while (!rebuild.IsCompleted)
        {
            await Task.WhenAny(rebuild, Task.Delay(250, ct));
            if (progress is not null)
            {
                var replayed = (await store.Advanced.AllProjectionProgress(token: ct))
                    .Where(s => s.ShardName.StartsWith(projection, StringComparison.Ordinal))
                    .Select(s => s.Sequence)
                    .DefaultIfEmpty(0)
                    .Max();
                progress.Report(new RebuildProgress(projection, Math.Min(replayed, total), total));
            }
        }

        await rebuild;
        var source = ((StoreOptions)store.Options).Projections.All.First(p => p.Name == projection);
        var summaries = Core.Summaries.SummaryStore.Over(store, source.PublishedTypes());
        if (summaries.Count > 0)
        {
            var offset = rules?.UtcOffset ?? Core.Summaries.SummaryStore.DefaultCivilOffset(store);
            await Core.Summaries.SummaryStore.RecomputeAsync(store, summaries, offset, ct: ct);
        }

        progress?.Report(new RebuildProgress(projection, total, total));
    }
}
