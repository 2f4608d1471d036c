using CaseLedger.LocalPostgres;

namespace CaseLedger.Host;

/// <summary>
/// Which PostgreSQL the host talks to: the configured connection string
/// (<c>ConnectionStrings:CaseLedger</c>, e.g. the environment variable <c>ConnectionStrings__CaseLedger</c>),
/// or else an embedded local cluster in a data folder the host owns, started on first use (or adopted,
/// when a host that crashed left it running) and stopped when the host exits. While the host runs,
/// <see cref="DatabaseWatchdog"/> starts the embedded cluster again if it dies.
/// </summary>
internal sealed class DatabaseChoice : IAsyncDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<DatabaseChoice> _logger;
    private readonly Lazy<string> _connectionString;
    private LocalPostgresCluster? _cluster;

    public DatabaseChoice(IConfiguration configuration, ILogger<DatabaseChoice> logger)
    {
        _configuration = configuration;
        _logger = logger;
        _connectionString = new Lazy<string>(Resolve);
    }

    /// <summary>The connection string, which on the embedded default carries the cluster's password: never log it.</summary>
    public string ConnectionString => _connectionString.Value;

    /// <summary>
    /// The embedded cluster's data folder: <c>CaseLedger:LocalPostgres:DataDirectory</c>, else the default for this
    /// account (<see cref="LocalPostgresCluster.DefaultDataDirectory"/>). The host's data folder is the one above it
    /// unless configured (<see cref="HostIdentity.DataFolder"/>).
    /// </summary>
    public static string EmbeddedDataDirectory(IConfiguration configuration) =>
        configuration["CaseLedger:LocalPostgres:DataDirectory"] is { Length: > 0 } dir
            ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))
            : LocalPostgresCluster.DefaultDataDirectory();

    /// <summary>
    /// The loopback port to start the embedded cluster on: <c>CaseLedger:LocalPostgres:Port</c>, else a free one
    /// (null). A cluster already running in the data folder keeps the port it runs on. Anything but a port number is
    /// refused at start, never replaced by a default.
    /// </summary>
    public static int? EmbeddedPort(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration["CaseLedger:LocalPostgres:Port"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new InvalidOperationException($"CaseLedger:LocalPostgres:Port is a port number from 1 to 65535, not '{text}'.");
    }

    /// <summary>The embedded cluster, or <see langword="null"/> when a connection string names the server.</summary>
    public LocalPostgresCluster? EmbeddedCluster
    {
        get
        {
            _ = ConnectionString;
            return _cluster;
        }
    }

    private string Resolve()
    {
        var configured = _configuration.GetConnectionString("CaseLedger");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _logger.LogInformation("Using the configured PostgreSQL server (ConnectionStrings:CaseLedger).");
            return configured;
        }

        var dataDirectory = EmbeddedDataDirectory(_configuration);
        // Startup has nothing else to do until the database is there, so waiting here is the honest choice.
        _cluster = LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = dataDirectory, Port = EmbeddedPort(_configuration) }, _logger)
            .GetAwaiter().GetResult();
        Console.WriteLine(
            $"CaseLedger: no connection string configured; PostgreSQL data lives in {_cluster.DataDirectory} " +
            $"(127.0.0.1:{_cluster.Port}, {Situation(_cluster)}); its superuser's password is in {_cluster.PasswordFile}.");
        return _cluster.ConnectionString;
    }

    private static string Situation(LocalPostgresCluster cluster) => cluster switch
    {
        { StartedByUs: true } => "started now, stopped when the host exits",
        { OwnsServer: true } => "left running by a host that is gone; adopted, stopped when the host exits",
        _ => "already running for another process, which stops it",
    };

    public async ValueTask DisposeAsync()
    {
        if (_cluster is { } cluster)
        {
            _cluster = null;
            await cluster.DisposeAsync();
        }
    }
}
