using Marten;
using Weasel.Postgresql;

namespace CaseLedger.Host;

/// <summary>
/// On the embedded default, looks every <c>CaseLedger:LocalPostgres:WatchdogInterval</c> (a second by
/// default; zero switches it off) whether the cluster's postmaster still runs, and starts the server
/// again on the same port when it has died, so the host serves again without a restart of its own.
/// Looking at the postmaster's process costs nothing, where a query every second would not; a server
/// that runs but does not answer is what <c>/health/ready</c> reports. A configured server is its
/// operator's to run, so with a connection string the watchdog does nothing.
/// </summary>
internal sealed class DatabaseWatchdog(DatabaseChoice database, IDocumentStore store, IConfiguration configuration, ILogger<DatabaseWatchdog> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("CaseLedger:LocalPostgres:WatchdogInterval", TimeSpan.FromSeconds(1));
        if (interval <= TimeSpan.Zero || database.EmbeddedCluster is not { } cluster)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await cluster.EnsureRunningAsync(stoppingToken))
                    {
                        // The store's pooled connections went to the server that died; each would fail once.
                        if (store.Storage.Database is PostgresqlDatabase { DataSource: { } pool })
                        {
                            pool.Clear();
                        }

                        logger.LogWarning("PostgreSQL was started again on 127.0.0.1:{Port}; the host serves again", cluster.Port);
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    // Typically the dead server's last backends still hold its shared memory for a moment.
                    // The server log says more; its lines may quote statements, so they stay out of this one.
                    logger.LogWarning("PostgreSQL did not start again yet ({Reason}); trying again in {Interval}. See {LogFile}",
                        FirstLine(e.Message), interval, Path.Combine(cluster.DataDirectory, "server.log"));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; it stops the cluster after this.
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
