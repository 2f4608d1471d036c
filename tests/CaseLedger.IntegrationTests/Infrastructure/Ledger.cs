using CaseLedger.Audit;
using CaseLedger.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>
/// What every test that touches storage shares for the whole run: one PostgreSQL server (a throwaway
/// cluster, or the one <c>CASELEDGER_TEST_CONNECTION</c> names), one database, and one real host on
/// it, listening on a loopback port, with the demo data seeded once into <see cref="SeededDistrict"/>.
/// Each test works in a district of its own (<see cref="NewDistrict"/>), so tests never see each
/// other's cases and none has to wait for a fresh database.
/// </summary>
public sealed class Ledger : IAsyncLifetime
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _tampered = new(StringComparer.Ordinal);
    /// <summary>The district the demo data is seeded into; tests read it, never write to it.</summary>
    public const string SeededDistrict = "yuelu";

    private readonly PostgresServer _server = new();
    private LedgerHost? _host;
    private int _districts;

    public PostgresServer Server => _server;

    public LedgerHost Host => _host ?? throw new InvalidOperationException("The ledger has not started.");

    /// <summary>The host's document store, configured as CaseLedger configures it.</summary>
    public IDocumentStore Store => Host.Store;

    public TestClock Clock => Host.Clock;

    public HttpClient Client => Host.Client;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The host's sealing: its key, witness folder and trusted keys.</summary>
    public Sealing Sealing => Host.Services.GetRequiredService<Sealing>();

    /// <summary>Seals a district as the host does, at the host's time unless told.</summary>
    public Task<SealOutcome> SealAsync(string district, DateTimeOffset? at = null) =>
        DistrictSeals.SealAsync(Store, Sealing, district, at ?? Clock.GetUtcNow());

    public Task<CaseVerification?> VerifyCaseAsync(string district, Guid caseId) => ChainVerifier.VerifyCaseAsync(Store, Sealing, Kinds, Rules, district, caseId);

    public Task<DistrictVerification> VerifyDistrictAsync(string district) => ChainVerifier.VerifyDistrictAsync(Store, Sealing, Kinds, Rules, district);

    /// <summary>Checks the district against a seal an auditor kept, as the host does.</summary>
    public Task<HeldSealVerification> VerifySinceAsync(string district, SealFile held) => ChainVerifier.VerifySinceAsync(Store, Sealing, Kinds, Rules, district, held);

    /// <summary>The host's case kinds.</summary>
    public Core.CaseKinds Kinds => Host.Services.GetRequiredService<Core.CaseKinds>();

    /// <summary>The host's rule book.</summary>
    public Rules.RuleBook Rules => Host.Services.GetRequiredService<Rules.RuleBook>();

    /// <summary>A district no other test uses, set up as an administrator would.</summary>
    public string NewDistrict(string hint = "t")
    {
        var district = $"{hint}-{Interlocked.Increment(ref _districts):D4}";
        Host.Services.GetRequiredService<DistrictRegistry>().RegisterAsync(district, $"Test district {district}").GetAwaiter().GetResult();
        return district;
    }

    /// <summary>
    /// A district no other test uses, whose stored history the test edits with SQL as a forger would.
    /// Read models rebuilt from its events differ from the live ones by design, so the rebuild test leaves it out.
    /// </summary>
    public string NewDistrictToTamperWith(string hint)
    {
        var district = NewDistrict(hint);
        _tampered[district] = true;
        return district;
    }

    /// <summary>The districts tests have tampered with (<see cref="NewDistrictToTamperWith"/>).</summary>
    public IReadOnlyCollection<string> TamperedDistricts => [.. _tampered.Keys];

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        ConnectionString = await _server.CreateDatabaseAsync("ledger");
        _host = await LedgerHost.StartAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _server.DisposeAsync();
        if (Directory.Exists(LedgerHost.DataFolder))
        {
            Directory.Delete(LedgerHost.DataFolder, recursive: true);
        }
    }

    /// <summary>Runs SQL against the ledger's database, as someone with database access could, behind CaseLedger's back.</summary>
    public async Task<int> ExecuteSqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // A test's SQL is the forger's, not a client's: its errors may say which rows they concern.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { IncludeErrorDetail = true }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Every test class that touches PostgreSQL joins this collection and shares the one <see cref="Ledger"/>.</summary>
[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<Ledger>
{
    public const string Name = "ledger";
}
