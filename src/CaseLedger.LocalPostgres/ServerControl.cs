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
    private readonly ILogger logger;

    private ServerControl(
        PostgresBinaries binaries,
        ServerAccount account,
        string dataDirectory,
        string? socketDirectory,
        bool throwaway,
        ILogger logger)
    {
        this.binaries = binaries;
        this.account = account;
        this.dataDirectory = dataDirectory;
        this.socketDirectory = socketDirectory;
        this.throwaway = throwaway;
        this.logger = logger;
    }

    public string LogFile => Path.Combine(dataDirectory, "server.log");

    /// <summary>
    /// The sibling folder for the server's Unix socket. Not the system default (/var/run/postgresql), which
    /// belongs to the distribution's own cluster and which a normal user cannot write.
    /// </summary>
    public static string SocketDirectoryFor(string dataDirectory) => dataDirectory + "-socket";

    /// <summary>Finds the programs and prepares the folders; initialises the cluster if the folder holds none.</summary>
    public static async Task<ServerControl> PrepareAsync(string dataDirectory, bool throwaway, ILogger logger, CancellationToken ct)
    {
        var binaries = await PostgresBinaries.LocateAsync(ct);
        var account = await ServerAccount.ForThisProcessAsync(ct);
        logger.UsingBinaries(binaries.Folder, account.SwitchesUser ? "the OS user 'postgres'" : "this process's user");

        await account.CreateFolderAsync(dataDirectory, ct);
        var socketDirectory = await TryCreateSocketDirectoryAsync(account, dataDirectory, logger, ct);
        await account.EnsureCanWriteAsync(dataDirectory, ct);

        var control = new ServerControl(binaries, account, dataDirectory, socketDirectory, throwaway, logger);
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
        // Trust is safe enough because the server listens on 127.0.0.1 only; --locale=C keeps sorting and
        // messages identical on every machine, whatever its own locale.
        List<string> arguments = ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"];
        if (throwaway)
        {
            arguments.Add("--no-sync");
        }

        await account.RunAsync(binaries.InitDb, arguments, TimeSpan.FromMinutes(5), ct);
    }

    /// <summary>Starts the server and returns its port.</summary>
    public async Task<int> StartAsync(int? requestedPort, CancellationToken ct)
    {
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
