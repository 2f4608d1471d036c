namespace CaseLedger.LocalPostgres;

/// <summary>
/// Thrown when no PostgreSQL server binaries can be found. The message says what to install, because
/// the person reading it is usually someone running the host or the tests for the first time.
/// </summary>
public sealed class PostgresNotInstalledException : Exception
{
    private const string Advice =
        "Install them (Debian/Ubuntu: apt-get install postgresql; Fedora: dnf install postgresql-server; " +
        "macOS: brew install postgresql@15), put their folder on PATH or set " + PostgresBinaries.BinDirVariable +
        ", or configure a connection string (ConnectionStrings__CaseLedger) to use an existing server.";

    /// <summary>Creates the exception with the standard advice on what to install.</summary>
    public PostgresNotInstalledException()
        : base(Describe(null))
    {
    }

    /// <summary>Creates the exception with a message of the caller's own.</summary>
    public PostgresNotInstalledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message of the caller's own and the failure behind it.</summary>
    public PostgresNotInstalledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The standard message, with <paramref name="detail"/> (where we looked) in the middle.</summary>
    internal static string Describe(string? detail) =>
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found" +
        (string.IsNullOrWhiteSpace(detail) ? ". " : $" ({detail}). ") +
        Advice;
}
