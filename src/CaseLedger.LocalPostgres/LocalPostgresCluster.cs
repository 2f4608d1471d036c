using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CaseLedger.LocalPostgres;

/// <summary>
/// A PostgreSQL server on this machine, started from the installed binaries or reused when one already
/// runs on the data folder, so the host and the tests need no separately managed database server.
/// </summary>
/// <remarks>
/// One process at a time looks after a data folder's server (<see cref="OwnsServer"/>): the one that
/// started it, or one that found it running after the process that started it had gone, as a host that
/// crashed leaves it. That instance starts the server again when it dies (<see cref="EnsureRunningAsync"/>)
/// and stops it on dispose; any other instance only uses it.
/// The server listens on 127.0.0.1 (and a Unix socket beside the data folder) and lets in only those who
/// prove the superuser's password by SCRAM-SHA-256: a random password kept in <see cref="PasswordFile"/>,
/// which only this process's account can read. Other accounts on the machine can reach the port but not sign
/// in. A cluster made by an earlier version, which trusted every local connection, is upgraded on start.
/// </remarks>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    internal const string Superuser = "postgres";
    internal const string MaintenanceDatabase = "postgres";

    // A server that was just started or is still starting refuses connections for a moment.
    private static readonly TimeSpan ConnectPatience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    // Serialises start and stop per data folder within this process: parallel tests or several hosts in one
    // test run would otherwise race to initdb or start the same folder.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly LocalPostgresOptions options;
    private readonly ClusterPassword password;
    private readonly ILogger logger;

    // What looks after the server: set when this instance started or adopted it, or took it over later.
    private ServerControl? control;
    private ClusterOwnership? ownership;
    private int disposed;

    private LocalPostgresCluster(
        LocalPostgresOptions options, string dataDirectory, int port, ClusterPassword password, ServerControl? control, ClusterOwnership? ownership,
        bool startedByUs, ILogger logger)
    {
        this.options = options;
        this.password = password;
        this.control = control;
        this.ownership = ownership;
        this.logger = logger;
        StartedByUs = startedByUs;
        DataDirectory = dataDirectory;
        Port = port;
        ConnectionString = BuildConnectionString(port, options.Database, password);
    }

    /// <summary>
    /// An Npgsql connection string for <see cref="LocalPostgresOptions.Database"/> as user <c>postgres</c>, with
    /// the superuser's password in it: a secret, never to be logged or shown.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Where the superuser's password is kept: <c>{data folder}.password</c>, beside the data folder, readable by
    /// this process's account alone (e.g. for <c>PGPASSWORD=$(cat ...) psql -h 127.0.0.1 -p {port} -U postgres</c>).
    /// </summary>
    public string PasswordFile => password.File;

    /// <summary>The absolute path of the cluster's data folder.</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>
    /// Whether this instance started the server. <see langword="false"/> when a server already running on the
    /// data folder was reused, whether adopted (<see cref="OwnsServer"/>) or only used.
    /// </summary>
    public bool StartedByUs { get; }

    /// <summary>
    /// Whether this instance looks after the server: it started it, or it found it running with no live
    /// process looking after it (left behind by a host that crashed) and adopted it. Such a server is
    /// started again by <see cref="EnsureRunningAsync"/> when it dies, and stopped on dispose. A server
    /// another live process looks after is only used, never stopped, by this instance.
    /// </summary>
    public bool OwnsServer => control is not null;

    /// <summary>
    /// Starts a server on <see cref="LocalPostgresOptions.DataDirectory"/> (initialising the folder first if it
    /// holds no cluster) or reuses the one already running there, then makes sure the database exists.
    /// </summary>
    /// <exception cref="PostgresNotInstalledException">No PostgreSQL server binaries were found.</exception>
    /// <exception cref="InvalidOperationException">A command failed or the server did not start; the message holds its output.</exception>
    public static async Task<LocalPostgresCluster> StartAsync(LocalPostgresOptions options, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            throw new ArgumentException("DataDirectory must name a folder.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            throw new ArgumentException("Database must name a database.", nameof(options));
        }

        if (options.Port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be between 1 and 65535.");
        }

        logger ??= NullLogger.Instance;
        var dataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
        var gate = GateFor(dataDirectory);
        await gate.WaitAsync(ct);
        // Null when a live process (or another instance here) looks after the folder's server.
        var ownership = ClusterOwnership.TryTake(dataDirectory);
        try
        {
            var password = ClusterPassword.LoadOrCreate(dataDirectory, logger);
            if (await FindRunningServerAsync(dataDirectory, password, logger, ct) is { } runningPort)
            {
                return await ReuseAsync(options, dataDirectory, runningPort, password, ownership, logger, ct);
            }

            try
            {
                return await StartServerAsync(options, dataDirectory, password, ownership, logger, ct);
            }
            catch
            {
                // A throwaway folder is of no use to anyone once its cluster failed to come up.
                if (options.DeleteOnDispose && !ServerRunsOn(dataDirectory))
                {
                    ownership?.Dispose();
                    ownership = null;
                    DeleteFolders(dataDirectory, logger);
                }

                throw;
            }
        }
        catch
        {
            ownership?.Dispose();
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<LocalPostgresCluster> StartServerAsync(
        LocalPostgresOptions options, string dataDirectory, ClusterPassword password, ClusterOwnership? ownership, ILogger logger, CancellationToken ct)
    {
        var control = await ServerControl.PrepareAsync(dataDirectory, options.DeleteOnDispose, password, passwordInPlace: false, logger, ct);
        int port;
        try
        {
            port = await control.StartAsync(options.Port, ct);
        }
        catch (InvalidOperationException)
        {
            // Another process may have started the same folder between our look and our start.
            int? startedElsewhere;
            try
            {
                startedElsewhere = await FindRunningServerAsync(dataDirectory, password, logger, ct);
            }
            catch (InvalidOperationException)
            {
                // What went wrong with our own start is the better explanation.
                startedElsewhere = null;
            }

            if (startedElsewhere is { } runningPort)
            {
                return await ReuseAsync(options, dataDirectory, runningPort, password, ownership, logger, ct);
            }

            throw;
        }

        try
        {
            await EnsureDatabaseAsync(port, options.Database, password, logger, ct);
        }
        catch
        {
            // A server nobody holds a handle to would keep running after the caller gave up.
            await control.StopQuietlyAsync();
            throw;
        }

        return new LocalPostgresCluster(options, dataDirectory, port, password, control, ownership, startedByUs: true, logger);
    }

    /// <summary>
    /// Uses the server already running on the folder. With <paramref name="ownership"/> in hand, no live
    /// process looks after that server (the host that started it crashed), so this instance adopts it.
    /// </summary>
    private static async Task<LocalPostgresCluster> ReuseAsync(
        LocalPostgresOptions options, string dataDirectory, int port, ClusterPassword password, ClusterOwnership? ownership, ILogger logger,
        CancellationToken ct)
    {
        if (ownership is null)
        {
            logger.Reusing(port, dataDirectory);
        }
        else
        {
            logger.Adopting(port, dataDirectory);
        }

        if (options.Port is { } requested && requested != port)
        {
            logger.ReusingOnOtherPort(requested, dataDirectory, port);
        }

        await UpgradeRunningServerAsync(dataDirectory, port, password, logger, ct);
        await EnsureDatabaseAsync(port, options.Database, password, logger, ct);
        var control = ownership is null
            ? null
            : await ServerControl.PrepareAsync(dataDirectory, options.DeleteOnDispose, password, passwordInPlace: true, logger, ct);
        return new LocalPostgresCluster(options, dataDirectory, port, password, control, ownership, startedByUs: false, logger);
    }

    /// <summary>
    /// A server found running on a cluster made by an earlier version trusts every local connection (which is
    /// how we got in): it gets the password and CaseLedger's pg_hba.conf now, by a reload, rather than at its
    /// next start. A host of that earlier version still using it loses its next new connection.
    /// </summary>
    private static async Task UpgradeRunningServerAsync(string dataDirectory, int port, ClusterPassword password, ILogger logger, CancellationToken ct)
    {
        if (ClientAuthentication.IsCurrent(dataDirectory))
        {
            return;
        }

        await using var connection = new NpgsqlConnection(BuildConnectionString(port, MaintenanceDatabase, password, forMaintenance: true));
        await connection.OpenAsync(ct);
        // A failed statement is logged with its text unless told otherwise; this one holds the password's verifier.
        foreach (var sql in new[] { "set log_min_error_statement = panic", password.SetPasswordStatement(Superuser) })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        var trusted = ClientAuthentication.TrustsSomeone(dataDirectory);
        ClientAuthentication.Write(dataDirectory);
        await using (var reload = new NpgsqlCommand("select pg_reload_conf()", connection))
        {
            await reload.ExecuteScalarAsync(ct);
        }

        if (trusted)
        {
            logger.Upgraded(dataDirectory, password.File);
        }
    }

    /// <summary>
    /// Starts the server again, on the same port so connection strings already handed out stay valid,
    /// when its postmaster is gone (killed, crashed, or stopped behind our back) and this instance looks
    /// after it; an instance that only used it takes it over when the process that looked after it has
    /// gone too. Returns whether it started the server. Meant to be polled (a watchdog): a start that
    /// fails, for instance while the dead server's last backends still hold its shared memory, throws,
    /// and the next call tries again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is gone and did not start; the message says why.</exception>
    public async Task<bool> EnsureRunningAsync(CancellationToken ct = default)
    {
        if (Volatile.Read(ref disposed) != 0 || ServerRunsOn(DataDirectory))
        {
            return false;
        }

        var gate = GateFor(DataDirectory);
        await gate.WaitAsync(ct);
        try
        {
            if (Volatile.Read(ref disposed) != 0 || ServerRunsOn(DataDirectory))
            {
                return false;
            }

            if (control is null)
            {
                if ((ownership ??= ClusterOwnership.TryTake(DataDirectory)) is null)
                {
                    // Whoever looks after it starts it again.
                    return false;
                }

                // This instance signed in to the server with the password when it found it running.
                control = await ServerControl.PrepareAsync(DataDirectory, options.DeleteOnDispose, password, passwordInPlace: true, logger, ct);
                logger.TakingOver(DataDirectory);
            }

            logger.Restarting(Port, DataDirectory);
            await control.StartAsync(Port, ct);
            // Pooled connections to the server that died would each fail once on their next use.
            using (var connection = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }

            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Stops the server if this instance looks after it (<see cref="OwnsServer"/>) and <see cref="LocalPostgresOptions.StopOnDispose"/> is set,
    /// then deletes the data folder if <see cref="LocalPostgresOptions.DeleteOnDispose"/> is set and no server
    /// runs on it any more.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        var gate = GateFor(DataDirectory);
        await gate.WaitAsync();
        try
        {
            // Pooled connections to a server that is about to go would fail on their next use.
            using (var connection = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }

            var stopped = false;
            if (control is not null && options.StopOnDispose)
            {
                await control.StopAsync();
                stopped = true;
                logger.Stopped(Port, DataDirectory);
            }
            else
            {
                logger.LeftRunning(Port, DataDirectory, OwnsServer ? "StopOnDispose is off" : "another process looks after it");
            }

            ownership?.Dispose();
            ownership = null;
            if (options.DeleteOnDispose)
            {
                if (!stopped && ServerRunsOn(DataDirectory))
                {
                    // Deleting the folder under a live server would crash whoever uses it.
                    logger.NotDeletedWhileRunning(DataDirectory);
                }
                else
                {
                    DeleteFolders(DataDirectory, logger);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Where the host keeps its cluster by default: <c>/var/lib/caseledger/postgres</c> for root (the usual place
    /// for service data), otherwise <c>$XDG_DATA_HOME/caseledger/postgres</c> or <c>~/.local/share/caseledger/postgres</c>.
    /// </summary>
    public static string DefaultDataDirectory()
    {
        if (ServerAccount.ProcessIsRoot)
        {
            return "/var/lib/caseledger/postgres";
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "CaseLedger", "postgres");
        }

        // The XDG base directory specification says a relative value is invalid and must be ignored.
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(dataHome) && Path.IsPathRooted(dataHome))
        {
            return Path.Combine(dataHome, "caseledger", "postgres");
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "caseledger", "postgres");
    }

    /// <summary>
    /// Creates a new, empty, uniquely named folder under the system temp folder for a throwaway cluster
    /// (pair it with <see cref="LocalPostgresOptions.DeleteOnDispose"/>). The name is kept short because the
    /// server's Unix socket lives next to it and socket paths are limited to about 100 bytes.
    /// </summary>
    public static string CreateThrowawayDirectory()
    {
        var folder = Path.Combine(Path.GetTempPath(), "caseledger-pg-" + Guid.NewGuid().ToString("N")[..16]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static SemaphoreSlim GateFor(string dataDirectory) =>
        Gates.GetOrAdd(dataDirectory, _ => new SemaphoreSlim(1, 1));

    /// <summary>
    /// The port of a server already running on <paramref name="dataDirectory"/> and answering us, or
    /// <see langword="null"/> when none runs there. Waits a little for a server that is still starting.
    /// </summary>
    private static async Task<int?> FindRunningServerAsync(string dataDirectory, ClusterPassword password, ILogger logger, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var pidFile = PostmasterPidFile.Read(dataDirectory);
            if (pidFile is null)
            {
                return null;
            }

            if (!pidFile.IsUnreadable)
            {
                if (!pidFile.ProcessExists())
                {
                    // Left behind by a crash. The server removes it itself when it starts, and does so with its
                    // shared-memory check intact, so we leave it for the server rather than delete it.
                    logger.DeadPidFile(dataDirectory, pidFile.ProcessId);
                    return null;
                }

                if (pidFile.Port is { } port && await AnswersAsOurServerAsync(dataDirectory, port, pidFile.ProcessId, password, ct))
                {
                    return port;
                }

                if (pidFile.ProcessBelongsTo(dataDirectory) == false)
                {
                    // The process id was handed to another program after a crash; the server would take that
                    // program for a running postmaster and refuse to start.
                    TryDelete(PostmasterPidFile.PathIn(dataDirectory));
                    logger.RemovedStalePidFile(dataDirectory, pidFile.ProcessId);
                    return null;
                }
            }

            if (waited.Elapsed > ConnectPatience)
            {
                throw new InvalidOperationException(
                    $"A PostgreSQL server seems to run on {dataDirectory} (see its {PostmasterPidFile.FileName}) but does not " +
                    $"accept connections as '{Superuser}' on 127.0.0.1 at the port it names. If something else started it " +
                    $"with other settings, stop it (pg_ctl stop -D \"{dataDirectory}\") and try again.");
            }

            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>
    /// Whether the server on <paramref name="port"/> answers and is the postmaster with id
    /// <paramref name="processId"/>, rather than another cluster that took over the port.
    /// </summary>
    private static async Task<bool> AnswersAsOurServerAsync(string dataDirectory, int port, int processId, ClusterPassword password, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(BuildConnectionString(port, MaintenanceDatabase, password, forMaintenance: true));
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("select split_part(pg_read_file('postmaster.pid'), E'\\n', 1)", connection);
            return await command.ExecuteScalarAsync(ct) is string firstLine && firstLine.Trim() == processId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL server on 127.0.0.1:{port} did not accept the password kept in {password.File} ({e.SqlState}: " +
                $"{e.MessageText}). The file was probably replaced or made anew while the server ran. Stop the server " +
                $"(pg_ctl stop -D \"{dataDirectory}\", as the account that runs it) " +
                "and start the host again: before the server starts, it sets the password the file holds.",
                e);
        }
        catch (PostgresException e) when (e.SqlState != PostgresErrorCodes.CannotConnectNow)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL server on 127.0.0.1:{port} did not let {Superuser} in with the cluster's password, or would not " +
                $"say which data folder it serves ({e.SqlState}: {e.MessageText}). To use a server set up otherwise than " +
                "LocalPostgresCluster sets one up, configure a connection string (ConnectionStrings__CaseLedger) instead.",
                e);
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static async Task EnsureDatabaseAsync(int port, string database, ClusterPassword password, ILogger logger, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(BuildConnectionString(port, MaintenanceDatabase, password, forMaintenance: true));
                await connection.OpenAsync(ct);

                await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
                exists.Parameters.Add(new NpgsqlParameter { Value = database });
                if (await exists.ExecuteScalarAsync(ct) is not null)
                {
                    return;
                }

                try
                {
                    await using var create = new NpgsqlCommand($"create database {QuoteIdentifier(database)}", connection);
                    await create.ExecuteNonQueryAsync(ct);
                    logger.CreatedDatabase(database);
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
                {
                    // Someone else created it at the same moment, which is just as good.
                }

                return;
            }
            catch (NpgsqlException e) when (IsTransient(e) && waited.Elapsed < ConnectPatience)
            {
                await Task.Delay(PollInterval, ct);
            }
        }
    }

    private static bool IsTransient(NpgsqlException e) =>
        e is not PostgresException postgres || postgres.SqlState == PostgresErrorCodes.CannotConnectNow;

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string BuildConnectionString(int port, string database, ClusterPassword password, bool forMaintenance = false)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = database,
            Username = Superuser,
            Password = password.Password,
        };
        if (forMaintenance)
        {
            // One-off checks: no pooled connection should outlive them and hold the server or a database.
            builder.Pooling = false;
            builder.Timeout = 5;
        }

        return builder.ConnectionString;
    }

    private static bool ServerRunsOn(string dataDirectory) =>
        PostmasterPidFile.Read(dataDirectory) is { } pidFile && (pidFile.IsUnreadable || pidFile.ProcessRuns());

    private static void DeleteFolders(string dataDirectory, ILogger logger)
    {
        Delete(dataDirectory, logger);
        Delete(ServerControl.SocketDirectoryFor(dataDirectory), logger);
        TryDelete(ClusterOwnership.LockFileFor(dataDirectory));
        TryDelete(ClusterPassword.FileFor(dataDirectory));
    }

    private static void Delete(string folder, ILogger logger)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        try
        {
            Directory.Delete(folder, recursive: true);
            logger.Deleted(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is not worth failing a test run over.
            logger.DeleteFailed(e, folder);
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Then the server's own start-up check has the last word.
        }
    }
}
