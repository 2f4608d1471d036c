using CaseLedger.Audit;
using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Service;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// Every read model rebuilt from the events equals the one kept live: the stored documents of every
/// registered kind (the seeded demo of all kinds, and whatever other tests wrote, except in districts
/// a test tampered with) are read, each
/// projection is rebuilt, and the documents are read again.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_rebuilding_read_models(Ledger ledger)
{
    private IDocumentStore _store => ledger.Store;

    /// <summary>
    /// The tables of every document a kind keeps (state, read models, documents), the audit trail, every
    /// case's deadlines and the digest records.
    /// </summary>
    private List<string> Tables()
    {
        var kinds = ledger.Host.Services.GetRequiredService<CaseKinds>();
        return kinds.All
            .SelectMany(k => new[] { k.StateType }.Concat(k.Views.Select(v => v.Type)).Concat(k.Documents.Select(d => d.Type)))
            .Append(typeof(AuditEntry))
            .Append(typeof(CaseService))
            .Append(typeof(CaseLedger.Core.Vouching.VouchedDocument))
            .Distinct()
            .Select(t => _store.Options.FindOrResolveDocumentType(t).TableName.QualifiedName)
            .ToList();
    }

    /// <summary>Every table's documents and the summary cells as they are now, none empty; then all of them deleted, so a rebuild that did nothing could not pass.</summary>
    private async Task<(List<string> Tables, Dictionary<string, IReadOnlyList<string>> Documents, IReadOnlyList<string> Cells)> TakeAndDeleteAsync()
    {
        var tables = Tables();
        var cells = await SummaryCellsAsync();
        cells.ShouldNotBeEmpty();
        var live = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var table in tables)
        {
            live[table] = await DocumentsAsync(table);
            live[table].ShouldNotBeEmpty(table);
        }

        foreach (var table in tables)
        {
            await ledger.ExecuteSqlAsync($"delete from {table}");
        }

        await ledger.ExecuteSqlAsync($"delete from {_store.Options.DatabaseSchemaName}.{CaseLedger.Core.Summaries.SummaryStore.TableName}");
        return (tables, live, cells);
    }

    /// <summary>Every table's documents and the summary cells are again what they were.</summary>
    private async Task ShouldBeAsBeforeAsync(List<string> tables, Dictionary<string, IReadOnlyList<string>> live, IReadOnlyList<string> cells)
    {
        foreach (var table in tables)
        {
            (await DocumentsAsync(table)).ShouldBe(live[table], table);
        }

        (await SummaryCellsAsync()).ShouldBe(cells, "the summaries are folded again by the rebuild");
    }

    // Districts whose history a test edited with SQL rebuild differently from what was recorded live, by design.
    private Task<IReadOnlyList<string>> DocumentsAsync(string table) => RowsAsync(
        $"select tenant_id || ' ' || id::text || ' ' || data::text from {table} where tenant_id <> all(@tampered) order by tenant_id, id::text");

    /// <summary>The summary cells of the districts no test edited by SQL, with a count other than zero.</summary>
    private Task<IReadOnlyList<string>> SummaryCellsAsync() => RowsAsync(
        $"select concat_ws(' ', tenant_id, summary, bucket, dims, counter, n) from {_store.Options.DatabaseSchemaName}.{CaseLedger.Core.Summaries.SummaryStore.TableName} " +
        "where n <> 0 and tenant_id <> all(@tampered) order by 1");

    /// <summary>The one text column of each row a query of the untampered districts (<c>@tampered</c> left out) gives.</summary>
    private async Task<IReadOnlyList<string>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("tampered", ledger.TamperedDistricts.ToArray());
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
        var rateLive = await OnTimeRateAsync();
        var districtRateLive = await DistrictOnTimeRateAsync();
        var (tables, live, cells) = await TakeAndDeleteAsync();

        var reported = new List<RebuildProgress>();
        foreach (var projection in Rebuilding.Rebuildable(_store))
        {
            await Rebuilding.RebuildAsync(_store, projection, new SynchronousProgress(reported.Add));
        }

        await ShouldBeAsBeforeAsync(tables, live, cells);
        reported.ShouldContain(p => p.Replayed == p.Total && p.Total > 0);
        var rateRebuilt = await OnTimeRateAsync();
        rateRebuilt.Settled.ShouldBeGreaterThan(0);
        rateRebuilt.ShouldBeEquivalentTo(rateLive);
        var districtRateRebuilt = await DistrictOnTimeRateAsync();
        districtRateRebuilt.All.Settled.ShouldBeGreaterThan(0);
        districtRateRebuilt.ShouldBeEquivalentTo(districtRateLive);
    }

    /// <summary>The seeded district's on-time rate across every kind, as the district's query serves it.</summary>
    private async Task<DistrictOnTimeRate> DistrictOnTimeRateAsync()
    {
        await using var session = _store.QuerySession(Ledger.SeededDistrict);
        return await ServiceReadings.OnTimeRateAsync(session, new ServicePeriod(null, null, null, null),
            ledger.Host.Services.GetRequiredService<CaseLedger.Rules.RuleBook>(), default);
    }

    /// <summary>The seeded district's on-time rate of work orders, as the query serves it.</summary>
    private async Task<OnTimeReport> OnTimeRateAsync()
    {
        await using var session = _store.QuerySession(Ledger.SeededDistrict);
        return await WorkOrderReadings.OnTimeAsync(session, CaseLedger.Core.Summaries.ReadingPeriod.All, default);
    }

    /// <summary>
    /// The single-pass rebuild (every read model from one read of each district's events, cases folded on
    /// every core, documents written with COPY, then the summaries folded again) leaves every document and
    /// summary cell as the inline projections wrote them, and the district still verifies intact.
    /// </summary>
    [Fact]
    public async Task every_read_model_rebuilt_in_one_pass_equals_the_live_one_and_the_district_verifies_intact()
    {
        var (tables, live, cells) = await TakeAndDeleteAsync();

        var reported = new List<RebuildProgress>();
        var replayed = await Rebuilding.RebuildAllAsync(_store, ledger.Host.Services.GetRequiredService<CaseKinds>(), new SynchronousProgress(reported.Add));

        await ShouldBeAsBeforeAsync(tables, live, cells);
        replayed.ShouldBeGreaterThan(0);
        reported.ShouldContain(p => p.Replayed == replayed && p.Total == replayed);
        var verification = await ledger.VerifyDistrictAsync(Ledger.SeededDistrict);
        verification.Cases.ShouldBeGreaterThan(0);
        verification.RecordedFindingCount.ShouldBe(0);
        verification.AllIntact.ShouldBeTrue();
        verification.Broken.ShouldBeEmpty();
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
