using CaseLedger.Core;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaseLedger.Hosting;

/// <summary>
/// Forgets idempotency keys older than the retention window (<c>CaseLedger:Idempotency:RetentionHours</c>),
/// district by district, once an hour. A key used again after that runs its request afresh.
/// </summary>
internal sealed class IdempotencyPurge(IDocumentStore store, DistrictRegistry districts, IdempotencyRetention retention, TimeProvider clock,
    IConfiguration configuration, ILogger<IdempotencyPurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // CaseLedger:Idempotency:PurgeInterval (an hour by default); zero turns the purge off (tests purge when they mean to).
        var every = configuration.GetValue("CaseLedger:Idempotency:PurgeInterval", TimeSpan.FromHours(1));
        if (every <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(every, clock);
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

    private Task PurgeAsync(CancellationToken ct) => IdempotencyKeys.ForgetExpiredAsync(store, districts, retention, clock.GetUtcNow(), ct);
}

/// <summary>What becomes of idempotency keys once their retention window is over.</summary>
public static class IdempotencyKeys
{
    /// <summary>Forgets, in every district set up, the keys claimed before <paramref name="now"/> minus the retention window.</summary>
    public static async Task ForgetExpiredAsync(IDocumentStore store, DistrictRegistry districts, IdempotencyRetention retention, DateTimeOffset now,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(districts);
        ArgumentNullException.ThrowIfNull(retention);
        var cutoff = now - retention.Window;
        foreach (var district in await districts.AllAsync(ct))
        {
            await using var session = store.LightweightSession(district.Id);
            session.DeleteWhere<IdempotencyRecord>(r => r.ClaimedAt < cutoff);
            await session.SaveChangesAsync(ct);
        }
    }
}
