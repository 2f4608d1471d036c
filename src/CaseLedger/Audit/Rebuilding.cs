using CaseLedger.Core;
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

    /// <summary>The name progress reports carry for a rebuild of every read model at once.</summary>
    public const string All = "all read models";

    /// <summary>
    /// Rebuilds every read model kept from the events (every projection but the hash chain) in one pass
    /// over each district's events, folding cases on every core and writing with binary COPY, then folds
    /// again every district summary over the documents written (in the rule book's civil time: CaseLedger's
    /// default rule book's when none is given); returns the events replayed. Every command and append waits
    /// while it runs (it holds an EXCLUSIVE lock on the streams and events tables); reads go on and see the
    /// rebuilt tables refilled case by case (docs/rebuild.md).
    /// </summary>
    public static async Task<long> RebuildAllAsync(IDocumentStore store, CaseKinds kinds, IProgress<RebuildProgress>? progress = null,
        Rules.RuleBook? rules = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kinds);
        var replayed = await new SinglePassRebuild(store, kinds).RunAsync(progress, ct);
        var written = ((StoreOptions)store.Options).Projections.All.Where(p => p.Name != HashChainProjection.Name).SelectMany(p => p.PublishedTypes());
        var summaries = Core.Summaries.SummaryStore.Over(store, written);
        if (summaries.Count > 0)
        {
            await Core.Summaries.SummaryStore.RecomputeAsync(store, summaries, rules?.UtcOffset ?? Core.Summaries.SummaryStore.DefaultCivilOffset(store), ct: ct);
        }

        return replayed;
    }

    /// <summary>
    /// Rebuilds one projection with Marten's projection daemon, reporting progress about every quarter second;
    /// then folds again the district summaries kept over the documents it writes (in the rule book's civil
    /// time: CaseLedger's default rule book's when none is given).
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
