using CaseLedger.Core;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaseLedger.Hosting;

/// <summary>
/// Forgets idempotency keys older than the retention window (<c>CaseLedger:Idempotency:RetentionHours</c>),
/// district by district, once an hour. A key used again after that runs its request afresh.
/// </summary>
internal sealed class IdempotencyPurge(IDocumentStore store, DistrictRegistry districts, IdempotencyRetention retention, TimeProvider clock,
    ILogger<IdempotencyPurge> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Forgetting expired idempotency keys failed ({Error}); trying again in an hour.", e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task PurgeAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - retention.Window;
        foreach (var district in await districts.AllAsync(ct))
        {
            await using var session = store.LightweightSession(district.Id);
            session.DeleteWhere<IdempotencyRecord>(r => r.ClaimedAt < cutoff);
            await session.SaveChangesAsync(ct);
        }
    }
}
