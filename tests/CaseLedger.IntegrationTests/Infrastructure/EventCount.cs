using Npgsql;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>How many rows the event table holds, in every district: events, and the tombstones Marten writes for an append that failed.</summary>
public static class EventCount
{
    public static async Task<long> AllAsync(Ledger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from caseledger.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
