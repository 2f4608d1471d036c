using CaseLedger.LocalPostgres;
using Npgsql;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>
/// The PostgreSQL server the storage tests run against: the one named by
/// <c>CASELEDGER_TEST_CONNECTION</c>, or else a throwaway local cluster started once for the run and
/// removed after it. The run's <see cref="Ledger"/> makes one database on it.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ConnectionVariable = "CASELEDGER_TEST_CONNECTION";

    private LocalPostgresCluster? _cluster;
    private string _adminConnection = "";

    public Task InitializeAsync() => StartAsync();

    private async Task StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _adminConnection = configured;
            return;
        }

        _cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions
        {
            DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory(),
            Database = "postgres",
            DeleteOnDispose = true,
        });
        _adminConnection = _cluster.ConnectionString;
    }

    /// <summary>Creates a new, empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using (var connection = new NpgsqlConnection(_adminConnection))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnection) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
