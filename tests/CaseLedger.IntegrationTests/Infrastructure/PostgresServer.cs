using CaseLedger.LocalPostgres;
using Npgsql;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>
/// The PostgreSQL server the storage tests run against: the one named by
/// <c>CASELEDGER_TEST_CONNECTION</c>, or else a throwaway local cluster started once for the run and
/// removed after it. Each test area gets its own fresh database on it.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ConnectionVariable = "CASELEDGER_TEST_CONNECTION";

    private static readonly TaskCompletionSource<PostgresServer> Started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalPostgresCluster? _cluster;
    private string _adminConnection = "";

    /// <summary>The run's server, for class fixtures, which xUnit cannot hand the collection fixture.</summary>
    public static Task<PostgresServer> SharedAsync() => Started.Task;

    public async Task InitializeAsync()
    {
        await StartAsync();
        Started.TrySetResult(this);
    }

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

/// <summary>Every test class that touches PostgreSQL joins this collection and shares one server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
