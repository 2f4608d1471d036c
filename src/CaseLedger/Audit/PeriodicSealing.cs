using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaseLedger.Audit;

/// <summary>
/// Seals every district whose chains changed, once per <c>CaseLedger:Sealing:Interval</c> (default one
/// hour; <c>00:00:00</c> switches it off). A failed round is logged and retried at the next one.
/// </summary>
public sealed class PeriodicSealing(IDocumentStore store, TimeProvider clock, IConfiguration configuration, ILogger<PeriodicSealing> logger)
    : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("CaseLedger:Sealing:Interval", DefaultInterval);
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var district in await DistrictSeals.DistrictsAsync(store, stoppingToken))
                {
                    if (await DistrictSeals.SealAsync(store, district, clock.GetUtcNow(), stoppingToken) is { } seal)
                    {
                        logger.LogInformation("Sealed district {District}: seal {Number} over {Cases} cases, root {Root}",
                            district, seal.Number, seal.Cases, seal.MerkleRoot);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Sealing failed; it is tried again at the next interval");
            }
        }
    }
}
