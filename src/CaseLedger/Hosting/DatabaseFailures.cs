using System.Net.Sockets;
using JasperFx;
using Marten.Exceptions;
using Npgsql;

namespace CaseLedger.Hosting;

/// <summary>
/// Tells a database that cannot be reached (the server is down, restarting, refusing connections or
/// out of them) from a command that failed on its own account, so the edge can answer 503 and the
/// logs can say which it was without the exception's details.
/// </summary>
public static class DatabaseFailures
{
    /// <summary>Whether <paramref name="exception"/>, or one it wraps, says PostgreSQL could not be reached.</summary>
    public static bool IsUnavailable(Exception? exception) => exception switch
    {
        null => false,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsUnavailable),
        PostgresException postgres => CannotServeNow(postgres.SqlState),
        // A misuse of a connection by our own code, not the server's absence.
        NpgsqlOperationInProgressException => false,
        // Every other Npgsql failure is about the connection: refused, reset, timed out, or none free in the pool.
        NpgsqlException or SocketException => true,
        _ => IsUnavailable(exception.InnerException),
    };

    /// <summary>
    /// Whether a server error says the server cannot serve now: a connection exception (class 08), a
    /// shutdown or crash of the server (57P01, 57P02), a server still starting or recovering (57P03), or
    /// too many connections (53300).
    /// </summary>
    private static bool CannotServeNow(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
            || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections;

    /// <summary>
    /// Whether the write met another one: a unique key taken first (23505), a serialisation failure
    /// (40001), a deadlock (40P01), a lock not granted (55P03), or a stream that moved on. The command
    /// pipeline answers these as conflicts; nothing of the write was kept.
    /// </summary>
    public static bool IsConflict(Exception? exception) => exception switch
    {
        null => false,
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable,
        ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException or StreamLockedException => true,
        _ => IsConflict(exception.InnerException),
    };
}
