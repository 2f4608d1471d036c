using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CaseLedger.Hosting;

/// <summary>
/// What the store writes to the log: at most one short line per failed database command, naming the
/// kind of failure and never the command's SQL, its parameters or the exception's message. Marten's own
/// logger writes a failed command with every parameter at error level, which put whole events (an
/// applicant's name and date of birth among them) in the log for every lost race; a server's message
/// may quote a value too. The caller gets the exception all the same and decides what it means: the
/// pipeline answers a conflict as <c>case.concurrent_write</c>, the HTTP edge an unreachable database as 503.
/// </summary>
internal sealed class StoreLogger(ILogger logger) : IMartenLogger, IMartenSessionLogger
{
    /// <summary>The log category, for turning the store's lines up or down.</summary>
    public const string Category = "CaseLedger.Store";

    // Marten reports one failure more than once (the failed batch, then the failed save): the session's
    // own logger remembers the last one, so each failure is one line.
    private Exception? lastFailure;

    public IMartenSessionLogger StartSession(IQuerySession session) => new StoreLogger(logger);

    // DDL holds no one's data, only table and function definitions; it is worth seeing when debugging a migration.
    public void SchemaChange(string sql) => logger.LogDebug("Applied a schema change:\n{Sql}", sql);

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failed(ex);

    public void LogFailure(NpgsqlBatch batch, Exception ex) => Failed(ex);

    public void LogFailure(Exception ex, string message) => Failed(ex);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    private void Failed(Exception exception)
    {
        var innermost = Innermost(exception);
        if (ReferenceEquals(Interlocked.Exchange(ref lastFailure, innermost), innermost))
        {
            return;
        }

        var postgres = Find<PostgresException>(exception);
        if (DatabaseFailures.IsConflict(exception))
        {
            // A lost race: the normal outcome of two writes to one case at once, answered as a conflict.
            logger.LogInformation("A write met another one first ({SqlState} on {Constraint}) and was rolled back",
                postgres?.SqlState ?? exception.GetType().Name, postgres?.ConstraintName ?? postgres?.TableName ?? "the stream");
        }
        else if (DatabaseFailures.IsUnavailable(exception))
        {
            // Whoever made the call reports it (the HTTP edge answers 503 and logs one line per request).
            logger.LogDebug("A database command could not reach PostgreSQL ({Failure})", postgres?.SqlState ?? innermost.GetType().Name);
        }
        else
        {
            logger.LogWarning("A database command failed ({Failure}, SQL state {SqlState}, {Table}); its SQL and parameters are not logged",
                exception.GetType().Name, postgres?.SqlState ?? "none", postgres?.TableName ?? "no table named");
        }
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}
