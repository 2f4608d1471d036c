namespace CaseLedger.Host;

internal sealed class SeedLoader : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}
