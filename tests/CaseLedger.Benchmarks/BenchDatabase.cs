using CaseLedger.LocalPostgres;
using Npgsql;

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

    /// <summary>A new, empty database on the suite's server, for a host of its own; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 63)];
        await using (var admin = new NpgsqlConnection(ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public ValueTask DisposeAsync() => _cluster?.DisposeAsync() ?? ValueTask.CompletedTask;
}
