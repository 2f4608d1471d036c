using CaseLedger.LocalPostgres;

namespace CaseLedger.Benchmarks;

/// <summary>
/// The database a suite runs against: a throwaway local cluster, stopped and deleted on dispose, or
/// the existing server named by <c>CASELEDGER_BENCH_CONNECTION</c>, left as it is.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    public const string ConnectionVariable = "CASELEDGER_BENCH_CONNECTION";

    private readonly LocalPostgresCluster? _cluster;

    private BenchDatabase(string connectionString, LocalPostgresCluster? cluster)
    {
        ConnectionString = connectionString;
        _cluster = cluster;
    }

    public string ConnectionString { get; }

    public static async Task<BenchDatabase> OpenAsync(string database)
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } existing)
        {
            return new BenchDatabase(existing, null);
        }

        var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions
        {
            DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory(),
            Database = database,
            DeleteOnDispose = true,
        });
        return new BenchDatabase(cluster.ConnectionString, cluster);
    }

    public ValueTask DisposeAsync() => _cluster?.DisposeAsync() ?? ValueTask.CompletedTask;
}
