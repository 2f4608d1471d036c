using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CaseLedger.LocalPostgres;

/// <summary>initdb, pg_ctl start and pg_ctl stop for one data folder.</summary>
internal sealed class ServerControl
{
    private const int PortAttempts = 3;
    private const int LogTailLines = 40;

    // The server's Unix socket path must fit sockaddr_un.sun_path: 108 bytes on Linux, 104 on macOS.
    private const int MaxSocketPathBytes = 103;

    private readonly PostgresBinaries binaries;
    private readonly ServerAccount account;
    private readonly string dataDirectory;
    private readonly string? socketDirectory;
    private readonly bool throwaway;
    private readonly ClusterPassword password;
    private readonly ILogger logger;

    // Whether initdb made the cluster just now (then it never trusted anyone, and there is nothing to upgrade).
    private bool initialisedNow;

    // Whether this instance has set the superuser's password from the password file; it does so before its first start.
    private bool passwordSet;

    private ServerControl(
        PostgresBinaries binaries,
        ServerAccount account,
        string dataDirectory,
        string? socketDirectory,
        bool throwaway,
        ClusterPassword password,
        ILogger logger)
    {
        this.binaries = binaries;
        this.account = account;
        this.dataDirectory = dataDirectory;
        this.socketDirectory = socketDirectory;
        this.throwaway = throwaway;
        this.password = password;
        this.logger = logger;
    }

    public string LogFile => Path.Combine(dataDirectory, "server.log");

    /// <summary>
    /// The sibling folder for the server's Unix socket. Not the system default (/var/run/postgresql), which
    /// belongs to the distribution's own cluster and which a normal user cannot write.
    /// </summary>
    public static string SocketDirectoryFor(string dataDirectory) => dataDirectory + "-socket";

    /// <summary>
    /// Finds the programs and prepares the folders; initialises the cluster if the folder holds none. Unless
    /// <paramref name="passwordInPlace"/> (a running server we signed in to with <paramref name="password"/>),
    /// the password is set before the first start.
    /// </summary>
    public static async Task<ServerControl> PrepareAsync(
        string dataDirectory, bool throwaway, ClusterPassword password, bool passwordInPlace, ILogger logger, CancellationToken ct)
    {
        var binaries = await PostgresBinaries.LocateAsync(ct);
        var account = await ServerAccount.ForThisProcessAsync(ct);
        logger.UsingBinaries(binaries.Folder, account.SwitchesUser ? "the OS user 'postgres'" : "this process's user");

        await account.CreateFolderAsync(dataDirectory, ct);
        var socketDirectory = await TryCreateSocketDirectoryAsync(account, dataDirectory, logger, ct);
        await account.EnsureCanWriteAsync(dataDirectory, ct);

        var control = new ServerControl(binaries, account, dataDirectory, socketDirectory, throwaway, password, logger)
        {
            // A watchdog restart of an adopted server then needs no single-user run, which would fail while the
            // dead server's last backends still hold its shared memory.
            passwordSet = passwordInPlace,
        };
        await control.InitialiseIfNeededAsync(ct);
        return control;
    }

    private static async Task<string?> TryCreateSocketDirectoryAsync(ServerAccount account, string dataDirectory, ILogger logger, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var folder = SocketDirectoryFor(dataDirectory);
        if (Encoding.UTF8.GetByteCount(Path.Combine(folder, ".s.PGSQL.65535")) > MaxSocketPathBytes)
        {
            logger.NoUnixSocket(folder);
            return null;
        }

        try
        {
            await account.CreateFolderAsync(folder, ct);
            return folder;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // We only ever connect over TCP; the socket is a convenience for psql users.
            logger.NoUnixSocket(folder);
            return null;
        }
    }

    private async Task InitialiseIfNeededAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        logger.Initialising(dataDirectory);
        // Nothing may connect until the superuser has its password and pg_hba.conf asks for it, which
        // SetPasswordAsync sees to before the first start: "reject" rather than initdb's default of trust, so
        // not even a server started by hand in between lets anyone in. --locale=C keeps sorting and messages
        // identical on every machine, whatever its own locale.
        List<string> arguments = ["-D", dataDirectory, "-U", LocalPostgresCluster.Superuser, "--auth=reject", "-E", "UTF8", "--locale=C"];
        if (throwaway)
        {
            arguments.Add("--no-sync");
        }

        await account.RunAsync(binaries.InitDb, arguments, TimeSpan.FromMinutes(5), ct);
        initialisedNow = true;
    }

    /// <summary>
    /// Sets the superuser's password from the password file and makes pg_hba.conf ask every connection for it,
    /// while no server runs: in single-user mode, which takes no connections, so at no moment does a server
    /// trust anyone. A cluster made by an earlier CaseLedger, which trusted every local connection, is upgraded
    /// here; a password file made anew (deleted, or lost) becomes the cluster's password here too.
    /// </summary>
    /// <exception cref="InvalidOperationException">A server runs on the folder, or the server program failed; the message holds its output.</exception>
    private async Task SetPasswordAsync(CancellationToken ct)
    {
        var upgrading = !initialisedNow && ClientAuthentication.TrustsSomeone(dataDirectory);
        // exit_on_error: a failed statement ends the backend with an exit code that says so. log_min_error_statement:
        // even a failed statement, which holds the verifier, is kept out of the output.
        List<string> arguments = ["--single", "-D", dataDirectory, "-c", "exit_on_error=on", "-c", "log_min_error_statement=panic"];
        if (throwaway)
        {
            arguments.AddRange(["-c", "fsync=off"]);
        }

        arguments.Add(LocalPostgresCluster.MaintenanceDatabase);
        var result = await account.RunAsync(binaries.Postgres, arguments, TimeSpan.FromMinutes(2), ct, throwOnFailure: false,
            standardInput: password.SetPasswordStatement(LocalPostgresCluster.Superuser) + "\n");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not set the PostgreSQL superuser's password on {dataDirectory} before starting it.{Environment.NewLine}{result.Describe()}");
        }

        if (!ClientAuthentication.IsCurrent(dataDirectory))
        {
            ClientAuthentication.Write(dataDirectory);
        }

        if (upgrading)
        {
            logger.Upgraded(dataDirectory, password.File);
        }
    }

    /// <summary>Starts the server and returns its port.</summary>
    public async Task<int> StartAsync(int? requestedPort, CancellationToken ct)
    {
        if (!passwordSet)
        {
            await SetPasswordAsync(ct);
            passwordSet = true;
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = requestedPort ?? FreeLoopbackPort();
            var logLengthBefore = LengthOf(LogFile);
            ProcessResult result;
            try
            {
                result = await account.RunAsync(
                    binaries.PgCtl,
                    ["start", "-D", dataDirectory, "-w", "-t", "60", "-l", LogFile, "-o", ServerOptions(port)],
                    TimeSpan.FromSeconds(90),
                    ct,
                    throwOnFailure: false);
            }
            catch (OperationCanceledException)
            {
                // pg_ctl puts the server in a session of its own, so killing pg_ctl leaves the server running.
                await StopQuietlyAsync();
                throw;
            }

            if (result.Succeeded)
            {
                logger.Started(port, dataDirectory, LogFile);
                return port;
            }

            var logOfThisAttempt = ReadFrom(LogFile, logLengthBefore);
            if (requestedPort is null && attempt < PortAttempts && IsPortClash(logOfThisAttempt))
            {
                logger.PortTaken(port);
                continue;
            }

            throw new InvalidOperationException(
                $"PostgreSQL did not start on 127.0.0.1:{port} with data in {dataDirectory}.{Environment.NewLine}" +
                result.Describe() + Environment.NewLine +
                $"Last lines of {LogFile}:{Environment.NewLine}{Tail(logOfThisAttempt.Length > 0 ? logOfThisAttempt : ReadFrom(LogFile, 0))}");
        }
    }

    public async Task StopAsync()
    {
        // Stopping must finish even when the caller is being cancelled: a half-stopped server is worse.
        var result = await account.RunAsync(
            binaries.PgCtl,
            ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"],
            TimeSpan.FromSeconds(90),
            CancellationToken.None,
            throwOnFailure: false);
        if (!result.Succeeded && PostmasterPidFile.Read(dataDirectory) is { IsUnreadable: false } pidFile && pidFile.ProcessExists())
        {
            throw new InvalidOperationException($"Could not stop the PostgreSQL server on {dataDirectory}.{Environment.NewLine}{result.Describe()}");
        }
    }

    /// <summary>Stops the server when cleaning up after another failure, which is the news worth reporting.</summary>
    public async Task StopQuietlyAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            logger.StopAfterFailureFailed(e, dataDirectory);
        }
    }

    /// <summary>
    /// The options pg_ctl hands to the server. pg_ctl passes them through /bin/sh, so paths are shell-quoted.
    /// </summary>
    private string ServerOptions(int port)
    {
        var options = new StringBuilder("-p ").Append(port.ToString(CultureInfo.InvariantCulture));
        if (!OperatingSystem.IsWindows())
        {
            // An empty socket directory list switches Unix sockets off; pg_ctl waits via postmaster.pid, not a socket.
            options.Append(" -k ").Append(ShellQuote(socketDirectory ?? ""));
        }

        options.Append(" -c listen_addresses=127.0.0.1");
        if (throwaway)
        {
            // Tests do not need their data to survive a crash, and these three cost most of a commit's time.
            options.Append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }

        return options.ToString();
    }

    private static string ShellQuote(string value) =>
        "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static bool IsPortClash(string log) =>
        log.Contains("could not bind", StringComparison.OrdinalIgnoreCase) ||
        log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase);

    private static long LengthOf(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    private static string ReadFrom(string file, long offset)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // A log that shrank was replaced; then all of it belongs to this attempt.
            stream.Position = offset <= stream.Length ? offset : 0;
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string Tail(string text)
    {
        var lines = text.TrimEnd().Split('\n');
        var tail = string.Join('\n', lines.Skip(Math.Max(0, lines.Length - LogTailLines)));
        return tail.Length > 0 ? tail : "(empty)";
    }
}
