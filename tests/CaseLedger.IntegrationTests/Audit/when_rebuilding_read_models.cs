using CaseLedger.Audit;
using CaseLedger.Cases.Certificates;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;
using Npgsql;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// Every read model rebuilt from the events equals the one kept live: all three kinds' seeds are
/// loaded, the stored documents are read, each projection is rebuilt, and the documents read again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class when_rebuilding_read_models(PostgresServer server) : IAsyncLifetime
{
    private static readonly string[] Tables =
    [
        "mt_doc_votetally", "mt_doc_renovationvote", "mt_doc_cofundingeligibility", "mt_doc_cofundingproject",
        "mt_doc_certificateeligibility", "mt_doc_certificate", "mt_doc_auditentry",
    ];

    private DocumentStore _store = null!;
    private string _connection = "";
    private readonly CaseKinds _kinds = new();

    public async Task InitializeAsync()
    {
        _connection = await server.CreateDatabaseAsync("rebuild");
        _store = DocumentStore.For(options =>
        {
            options.Connection(_connection);
            options.AutoCreateSchemaObjects = JasperFx.AutoCreate.All;
            options.AddCaseLedger(_kinds).AddRenovationVotes().AddCoFundingAwards().AddCertificateIssuance();
        });
        var seeds = Path.Combine(LedgerHost.RepositoryRoot(), "seeds");
        foreach (var kind in _kinds.All)
        {
            (await kind.SeedAsync(_store, RuleBook.Default(), seeds, CancellationToken.None)).ShouldBeGreaterThan(0);
        }
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private async Task<IReadOnlyList<string>> DocumentsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select tenant_id || ' ' || id::text || ' ' || data::text from caseledger.{table} order by tenant_id, id::text", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    [Fact]
    public async Task every_rebuilt_read_model_equals_the_live_one()
    {
        var live = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var table in Tables)
        {
            live[table] = await DocumentsAsync(table);
            live[table].ShouldNotBeEmpty(table);
        }

        // Damage the live documents first, so a rebuild that did nothing could not pass.
        await using (var connection = new NpgsqlConnection(_connection))
        {
            await connection.OpenAsync();
            foreach (var table in Tables)
            {
                await using var damage = new NpgsqlCommand($"delete from caseledger.{table}", connection);
                await damage.ExecuteNonQueryAsync();
            }
        }

        var reported = new List<RebuildProgress>();
        foreach (var projection in Rebuilding.Rebuildable(_store))
        {
            await Rebuilding.RebuildAsync(_store, projection, new SynchronousProgress(reported.Add));
        }

        foreach (var table in Tables)
        {
            (await DocumentsAsync(table)).ShouldBe(live[table], table);
        }

        reported.ShouldContain(p => p.Replayed == p.Total && p.Total > 0);
    }

    [Fact]
    public async Task the_district_summary_from_rebuilt_projects_is_the_same()
    {
        await using var before = _store.QuerySession("yuelu");
        var live = CoFundingSummary.Of("yuelu", await before.Query<CoFundingEligibility>().ToListAsync());

        await Rebuilding.RebuildAsync(_store, nameof(CoFundingEligibility));

        await using var after = _store.QuerySession("yuelu");
        var rebuilt = CoFundingSummary.Of("yuelu", await after.Query<CoFundingEligibility>().ToListAsync());
        rebuilt.ShouldBeEquivalentTo(live);
        live.Projects.ShouldBe(3);
        live.GrantsPaid.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void the_hash_chain_is_never_offered_for_rebuild()
    {
        Rebuilding.Rebuildable(_store).ShouldNotContain(HashChainProjection.Name);
        Should.Throw<ArgumentException>(() => Rebuilding.RebuildAsync(_store, HashChainProjection.Name));
    }

    private sealed class SynchronousProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}
