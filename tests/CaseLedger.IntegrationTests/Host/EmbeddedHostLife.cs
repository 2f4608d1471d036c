using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Host;

/// <summary>
/// One host on the embedded default, with its own cluster (never the run's shared one), taken once
/// through its life for the classes that read it: it shows itself as deployed, in the Production
/// environment (<see cref="when_the_embedded_host_runs_in_production"/>), serves traffic full of people's data
/// (<see cref="what_the_host_logs"/>), its PostgreSQL is killed under load
/// (<see cref="when_the_embedded_database_is_killed_under_load"/>), then it crashes and a second host
/// starts on its cluster (<see cref="when_a_host_crashes_and_another_starts_on_its_cluster"/>). One life
/// rather than one host per story: a host process and a cluster are the dearest things a test starts.
/// </summary>
public sealed class EmbeddedHostLife : IAsyncLifetime
{
    public static readonly string[] Districts =
        [what_the_host_logs.Traffic.District, when_the_embedded_database_is_killed_under_load.KilledUnderLoad.District,
            when_a_host_crashes_and_another_starts_on_its_cluster.CrashAndRestart.District];

    private HostProcess? _first;

    /// <summary>The first host, which has crashed by the time the classes read it; its output is kept.</summary>
    public HostProcess First => _first ?? throw new InvalidOperationException("The embedded host's life has not started.");

    public when_the_embedded_host_runs_in_production.InProduction Production { get; } = new();

    public what_the_host_logs.Traffic Traffic { get; } = new();

    public when_the_embedded_database_is_killed_under_load.KilledUnderLoad Kill { get; } = new();

    public when_a_host_crashes_and_another_starts_on_its_cluster.CrashAndRestart Crash { get; } = new();

    public async Task InitializeAsync()
    {
        try
        {
            _first = await HostProcess.StartAsync(Districts);
            await Production.RunAsync(_first);
            await Traffic.RunAsync(_first);
            await Kill.RunAsync(_first);
            await Crash.RunAsync(_first);
        }
        catch
        {
            // A fixture that fails to start is not disposed; its processes and cluster must not outlive the run.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>The last host stops the cluster and deletes its folders; the first is gone by then, or goes first.</summary>
    public async Task DisposeAsync()
    {
        foreach (var host in new[] { Crash.Second, _first })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }
}

/// <summary>The classes that read <see cref="EmbeddedHostLife"/>.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedHostCollection : ICollectionFixture<EmbeddedHostLife>
{
    public const string Name = "embedded host";
}
