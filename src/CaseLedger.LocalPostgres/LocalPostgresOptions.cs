namespace CaseLedger.LocalPostgres;

/// <summary>
/// Where a local PostgreSQL cluster lives and how <see cref="LocalPostgresCluster"/> treats it.
/// </summary>
public sealed record LocalPostgresOptions
{
    /// <summary>
    /// The cluster's data folder. Created and initialised with <c>initdb</c> when it holds no cluster yet.
    /// </summary>
    public required string DataDirectory { get; init; }

    /// <summary>The database the connection string points at; created when missing.</summary>
    public string Database { get; init; } = "caseledger";

    /// <summary>
    /// The loopback port to start the server on. <see langword="null"/> picks a free one, so several
    /// clusters (parallel test runs, a developer's host) never fight over 5432.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>
    /// Stop the server on dispose. Applies only when this instance looks after it (started it, or adopted
    /// it from a process that is gone): a server another live process looks after is theirs, and
    /// stopping it would pull it from under them.
    /// </summary>
    public bool StopOnDispose { get; init; } = true;

    /// <summary>
    /// Delete the data folder after stopping. Meant for throwaway test clusters; such clusters are also
    /// initialised and run without durability (no fsync), because nothing in them must survive a crash.
    /// </summary>
    public bool DeleteOnDispose { get; init; }
}
