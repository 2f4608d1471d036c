using Marten;
using Marten.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CaseLedger.Hosting;

/// <summary>
/// Whether PostgreSQL answers: a connection from the store's own pool runs <c>select 1</c>. Register it
/// for readiness (<c>services.AddHealthChecks().AddCheck&lt;DatabaseHealthCheck&gt;("database")</c>).
/// An unreachable server is reported in one sentence, without the exception, so a probe polling an
/// outage adds one short log line a time rather than a stack trace.
/// </summary>
public sealed class DatabaseHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.Read);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL does not answer.");
        }
    }
}
