using CaseLedger.LocalPostgres;

namespace CaseLedger.Host;

/// <summary>
/// Which PostgreSQL the host talks to: the configured connection string
/// (<c>ConnectionStrings:CaseLedger</c>, e.g. the environment variable <c>ConnectionStrings__CaseLedger</c>),
/// or else an embedded local cluster in a data folder the host owns, started on first use and stopped
/// when the host exits.
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

    public string ConnectionString => _connectionString.Value;

    private string Resolve()
    {
        var configured = _configuration.GetConnectionString("CaseLedger");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _logger.LogInformation("Using the configured PostgreSQL server (ConnectionStrings:CaseLedger).");
            return configured;
        }

        var dataDirectory = _configuration["CaseLedger:LocalPostgres:DataDirectory"] is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : LocalPostgresCluster.DefaultDataDirectory();

        // Startup has nothing else to do until the database is there, so waiting here is the honest choice.
        _cluster = LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = dataDirectory }, _logger)
            .GetAwaiter().GetResult();
        Console.WriteLine(
            $"CaseLedger: no connection string configured; PostgreSQL data lives in {_cluster.DataDirectory} " +
            $"(127.0.0.1:{_cluster.Port}, {(_cluster.StartedByUs ? "started now, stopped when the host exits" : "already running, reused")}).");
        return _cluster.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is { } cluster)
        {
            _cluster = null;
            await cluster.DisposeAsync();
        }
    }
}
